"""Writes of meetings: setting up, registration, the voting's steps, votes.

Every step is a ``viewflow.fsm`` transition run through ``transition_run`` (permission,
lock, audit row) and bumps the meeting's ``version`` in the same transaction, so that
live screens see it (``meetings.live``); a vote tells only the screens that show it.
"""
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from audit.transitions import transition_run
from ballots.hashing import token_digest
from ballots.models import Option, Poll, ResultSnapshot
from ballots.named import CastResult, VoteRefused, elector_presence_set, named_vote_cast
from ballots.rolls import Elector, Roll
from notifications.services import email_queue_template

from . import selectors
from .live import TALLY, live_bump, voter_follow
from .models import CHOICE_LABELS, Invitation, Meeting, Resolution

CHOICES = [("for", "Za"), ("against", "Przeciw"), ("abstain", "Wstrzymuję się")]


class MeetingRefused(Exception):
    """A step refused, with the reasons to show (e.g. who has not registered)."""

    def __init__(self, message: str, blockers: list[str] | None = None):
        self.message, self.blockers = message, blockers or []
        super().__init__(message)


def meeting_touch(meeting_id: int) -> None:
    """Tell live screens something changed: bump the version (the ETag) in this transaction."""
    Meeting.objects.filter(pk=meeting_id).update(version=F("version") + 1)
    # Now, and again after the commit: the second bump is the one that counts (a screen
    # reads the counter before the database, so it cannot keep a tag from before the change
    # is visible; meetings/live.py); the first spares a screen the wait for a slow commit.
    live_bump(meeting_id)
    transaction.on_commit(lambda: live_bump(meeting_id))


def meeting_votes_touch(meeting_id: int, voters=()) -> None:
    """Tell the screens that show a vote (the running counts; ``voters``' own screens)
    that one was cast, in this transaction. Not the meeting's state: a member's screen
    stays current across other people's votes (meetings/live.py)."""
    follows = [TALLY, *(voter_follow(pk) for pk in dict.fromkeys(voters) if pk)]

    def bump():
        for follow in follows:
            live_bump(meeting_id, follow)

    # As meeting_touch: now, and after the commit (the bump that counts).
    bump()
    transaction.on_commit(bump)


def meeting_create(*, organisation, kind: str, title: str, actor, held_on=None,
                   share_capital: int | None = None, seats: int | None = None,
                   presence_required: bool = False) -> Meeting:
    """A meeting in preparation, with its own (empty) roll of electors."""
    with transaction.atomic():
        roll = Roll.objects.create(organisation=organisation, title=title,
                                   presence_required=presence_required)
        meeting = Meeting(organisation=organisation, kind=kind, title=title, held_on=held_on,
                          roll=roll, share_capital=share_capital, seats=seats)
        meeting.full_clean()
        meeting.save()
        audit_record(action="meeting.create", actor=actor, obj=meeting,
                     to_state=meeting.state, details={"kind": kind})
    return meeting


def member_add(*, meeting: Meeting, email: str, actor, first_name: str = "",
               last_name: str = "", weight: int = 1) -> Elector:
    """Put a person on the meeting's roll (an account is made for a new address)."""
    User = get_user_model()
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first_name, "last_name": last_name})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        position = Elector.objects.filter(roll=meeting.roll).count()
        elector = Elector.objects.create(roll=meeting.roll, user=user, weight=weight,
                                         position=position)
        Invitation.objects.create(meeting=meeting, elector=elector)
        audit_record(action="meeting.member_add", actor=actor, obj=meeting,
                     details={"member": email, "weight": weight})
        meeting_touch(meeting.pk)
    return elector


def proxy_note(*, meeting: Meeting, elector: Elector, proxy_email: str, document: str,
               actor) -> Elector:
    """Note that ``proxy_email``'s holder votes for ``elector``, on ``document``."""
    User = get_user_model()
    proxy = User.objects.filter(email__iexact=proxy_email.strip()).first()
    if proxy is None or not proxy.has_usable_password():
        raise MeetingRefused(_("A proxy must be a registered person: %(email)s has no "
                               "account in Wotum.") % {"email": proxy_email})
    if proxy.pk == elector.user_id:
        raise MeetingRefused(_("A member cannot be their own proxy."))
    if not document.strip():
        raise MeetingRefused(_("Describe the proxy document (its date and form)."))
    with transaction.atomic():
        Elector.objects.filter(pk=elector.pk).update(proxy=proxy, proxy_document=document)
        audit_record(action="meeting.proxy_note", actor=actor, obj=meeting,
                     details={"member": str(elector.user), "proxy": str(proxy),
                              "document": document})
        meeting_touch(meeting.pk)
    elector.refresh_from_db()
    return elector


def resolution_add(*, meeting: Meeting, identifier: str, actor,
                   rule: str = Resolution.Rule.SIMPLE, basis: str = Resolution.Basis.HEAD,
                   quorum: str = Resolution.Quorum.NONE) -> Resolution:
    """Put a resolution (its identifier only) on the agenda, with its poll and options."""
    with transaction.atomic():
        position = meeting.resolutions.count()
        poll = Poll.objects.create(organisation=meeting.organisation, title=identifier,
                                   kind=Poll.Kind.MOTION, roll=meeting.roll, allow_change=True,
                                   position=position)
        Option.objects.bulk_create([Option(poll=poll, code=code, label=label, position=i)
                                    for i, (code, label) in enumerate(CHOICES)])
        resolution = Resolution(meeting=meeting, identifier=identifier.strip(), poll=poll,
                                rule=rule, basis=basis, quorum=quorum, position=position)
        resolution.full_clean()
        resolution.save()
        audit_record(action="resolution.add", actor=actor, obj=resolution,
                     organisation=meeting.organisation_id,
                     details={"rule": rule, "basis": basis, "quorum": quorum})
        meeting_touch(meeting.pk)
    return resolution


def _state_required(instance, *states) -> None:
    """A wrong step gets a sentence, not a bare permission error from the state machine.

    Reads the state afresh: the caller's copy may be older than the row.
    """
    fresh = type(instance)._default_manager.get(pk=instance.pk)
    if fresh.state not in states:
        raise MeetingRefused(_("This step is not possible now: %(what)s is %(state)s.") % {
            "what": fresh, "state": fresh.get_state_display()})


def meeting_open_registration(*, meeting: Meeting, actor, base_url: str) -> Meeting:
    """Send every member not yet registered a one-time registration link (BR-2)."""
    _state_required(meeting, Meeting.State.DRAFT)
    with transaction.atomic():
        meeting = transition_run(meeting, "open_registration", actor=actor)
        for invitation in meeting.invitations.filter(registered_at__isnull=True):
            invitation_send(invitation=invitation, base_url=base_url)
        meeting_touch(meeting.pk)
    return meeting


def invitation_send(*, invitation: Invitation, base_url: str) -> None:
    """(Re)send one invitation: a new token; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    Invitation.objects.filter(pk=invitation.pk).update(token_digest=token_digest(token),
                                                       sent_at=timezone.now())
    meeting, user = invitation.meeting, invitation.elector.user
    email_queue_template(
        to=user.email, template="meetings/email/invitation", kind="meeting_invitation",
        organisation=meeting.organisation_id,
        context={"meeting": meeting.title, "organisation": meeting.organisation.name,
                 "url": base_url.rstrip("/") + reverse("meetings:register", args=[token])})


def invitation_for_token(token: str) -> Invitation | None:
    if not token:
        return None
    return (Invitation.objects.select_related("meeting", "elector__user")
            .filter(token_digest=token_digest(token)).first())


def invitation_accept(*, invitation: Invitation, password: str | None) -> Invitation:
    """Register: the link proves the address; set the password when one is given.

    The token is spent (blanked) so the link works once.
    """
    from allauth.account.models import EmailAddress

    user = invitation.elector.user
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.state != Invitation.State.PENDING:
            raise MeetingRefused(_("This invitation has already been used."))
        if password:
            user.set_password(password)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(user=user, email=user.email,
                                              defaults={"verified": True, "primary": True})
        locked = transition_run(locked, "register", actor=user, details={"member": str(user)},
                                save_fields={"registered_at": timezone.now(),
                                             "registered_by": user, "token_digest": ""})
        if invitation.meeting.kind != Meeting.Kind.COUNCIL_SESSION:
            # Members vote remotely: being registered is being present.
            elector_presence_set(elector=invitation.elector, present=True, actor=user)
        meeting_touch(invitation.meeting_id)
    return locked


def meeting_start_voting(*, meeting: Meeting, actor, without_missing: bool = False) -> Meeting:
    """"Rozpocznij głosowanie": refused while anyone has not registered, unless the
    secretary starts explicitly without them (the audit row names them)."""
    _state_required(meeting, Meeting.State.REGISTRATION)
    with transaction.atomic():
        missing = selectors.members_unregistered(meeting)
        if missing and not without_missing:
            raise MeetingRefused(
                _("Not everyone has registered. Start without them only if you mean to."),
                [_("%(name)s has not registered") % {"name": name} for name in missing])
        meeting = transition_run(meeting, "start_voting", actor=actor,
                                 details={"started_without": missing})
        meeting_touch(meeting.pk)
    return meeting


def resolution_open(*, resolution: Resolution, actor) -> Resolution:
    """"Uruchom głosowanie": open the vote on one resolution (one at a time)."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=resolution.meeting_id)
        if meeting.state != Meeting.State.VOTING:
            raise MeetingRefused(_("Start the meeting's voting first."))
        if meeting.resolutions.filter(state=Resolution.State.OPEN).exists():
            raise MeetingRefused(_("End the vote on the open resolution first."))
        _state_required(resolution, Resolution.State.DRAFT)
        resolution = transition_run(resolution, "open", actor=actor,
                                    save_fields={"opened_at": timezone.now()})
        transition_run(resolution.poll, "open", actor=actor, check_permission=False)
        meeting_touch(meeting.pk)
    return resolution


def resolution_close(*, resolution: Resolution, actor) -> Resolution:
    """"Zakończ głosowanie": close the vote and store its result (an immutable snapshot)."""
    from .results import resolution_result_data

    _state_required(resolution, Resolution.State.OPEN)
    with transaction.atomic():
        resolution = transition_run(resolution, "close", actor=actor,
                                    save_fields={"closed_at": timezone.now()})
        poll = transition_run(resolution.poll, "close", actor=actor, check_permission=False)
        data = resolution_result_data(resolution)
        ResultSnapshot.objects.create(poll=poll, rule=resolution.rule, computed_by=actor,
                                      ballots=data["cast_heads"], data=data,
                                      digest=data["digest"])
        meeting_touch(resolution.meeting_id)
    return resolution


def meeting_close(*, meeting: Meeting, actor) -> Meeting:
    """"Zamknij posiedzenie": refused while a resolution is open; members lose results."""
    _state_required(meeting, Meeting.State.VOTING)
    with transaction.atomic():
        if meeting.resolutions.filter(state=Resolution.State.OPEN).exists():
            raise MeetingRefused(_("End the vote on the open resolution first."))
        meeting = transition_run(meeting, "close", actor=actor)
        meeting_touch(meeting.pk)
    return meeting


def meeting_vote(*, resolution: Resolution, elector: Elector, cast_by, choice: str
                 ) -> CastResult:
    """A member's (or proxy's) vote on a resolution, confirmed on screen and by e-mail."""
    meeting = Meeting.objects.get(pk=resolution.meeting_id)
    if meeting.state != Meeting.State.VOTING:
        code = "closed" if meeting.state == Meeting.State.CLOSED else "not_open"
        raise VoteRefused(code, _("The meeting is not voting now."))
    with transaction.atomic():
        result = named_vote_cast(poll=resolution.poll, elector=elector, cast_by=cast_by,
                                 option_code=choice)
        # The vote shows on the member's screen and on their proxy's.
        meeting_votes_touch(meeting.pk, (elector.user_id, elector.proxy_id, cast_by.pk))
        vote = result.vote
        email_queue_template(
            to=cast_by.email, template="meetings/email/vote_received",
            kind="meeting_vote_received", organisation=meeting.organisation_id,
            context={"meeting": meeting.title, "resolution": resolution.identifier,
                     "choice": str(CHOICE_LABELS[choice]), "confirmation": vote.receipt_code,
                     "received": timezone.localtime(vote.cast_at).strftime("%Y-%m-%d %H:%M:%S"),
                     "weight": vote.weight, "elector": str(elector.user),
                     "proxy": str(cast_by) if cast_by.pk != elector.user_id else ""})
    return result
