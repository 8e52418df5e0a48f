"""Writes of council sessions: setting up, starting, quorum checks, presence, timed votes.

Each step runs through ``transition_run`` (permission, lock, audit row) or writes its own
audit row, and bumps the meeting's ``version`` (``meeting_touch``) in the same
transaction, so every live screen (operator, councillors, projector, public page) sees it
within a second; a vote tells the screens showing the running count
(``meeting_votes_touch``), not the public pages.
"""
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.fsm import TransitionNotAllowed

from audit.services import audit_record
from audit.transitions import transition_run
from ballots.counting import Quorum
from ballots.named import (
    CastResult,
    VoteRefused,
    elector_presence_set,
    named_vote_cast,
    roll_presence_reset,
)
from ballots.rolls import Elector
from meetings.models import Meeting, Resolution
from meetings.services import (
    MeetingRefused,
    meeting_create,
    meeting_touch,
    meeting_votes_touch,
    resolution_add,
    resolution_close,
)
from organisations.models import Membership
from organisations.roles import Role
from reports.uploads import attachment_type_check

from .models import Council, QuorumCheck, SessionDocument, SessionItem

QUORUM_CHECK_SECONDS = 120  # remote councillors watch a stream some seconds behind
VOTE_SECONDS = 60


def councillors_of(council: Council):
    """The council's councillors (memberships with the councillor role), by surname."""
    return (Membership.objects.filter(organisation_id=council.organisation_id,
                                      role=Role.COUNCILLOR)
            .select_related("user").order_by("user__last_name", "user__first_name", "user_id"))


def council_session_create(*, council: Council, title: str, actor, held_on=None) -> Meeting:
    """A session in preparation, its roll holding every councillor (absent until checked)."""
    with transaction.atomic():
        meeting = meeting_create(organisation=council.organisation,
                                 kind=Meeting.Kind.COUNCIL_SESSION, title=title, actor=actor,
                                 held_on=held_on, seats=council.seats, presence_required=True)
        Elector.objects.bulk_create([
            Elector(roll=meeting.roll, user=membership.user, weight=1, position=i)
            for i, membership in enumerate(councillors_of(council))])
    return meeting


def session_item_add(*, meeting: Meeting, identifier: str, actor, title: str = "",
                     rule: str = Resolution.Rule.SIMPLE) -> Resolution:
    """An agenda item: a resolution whose vote needs the quorum (half the seats)."""
    with transaction.atomic():
        resolution = resolution_add(meeting=meeting, identifier=identifier, actor=actor,
                                    rule=rule, quorum=Resolution.Quorum.HALF)
        SessionItem.objects.create(resolution=resolution, title=title)
    return resolution


def session_start(*, meeting: Meeting, actor) -> Meeting:
    """"Rozpocznij sesję": councillors are on the roll already; no invitations are sent,
    so the session passes registration in the same step."""
    if meeting.state != Meeting.State.DRAFT:
        raise MeetingRefused(_("The session has already started."))
    with transaction.atomic():
        meeting = transition_run(meeting, "open_registration", actor=actor)
        meeting = transition_run(meeting, "start_voting", actor=actor)
        meeting_touch(meeting.pk)
    return meeting


def _open_vote(meeting: Meeting):
    return meeting.resolutions.filter(state=Resolution.State.OPEN).first()


def quorum_check_start(*, meeting: Meeting, actor, seconds: int = QUORUM_CHECK_SECONDS
                       ) -> QuorumCheck:
    """"Sprawdź kworum": everyone is marked absent and confirms again within ``seconds``."""
    if meeting.state != Meeting.State.VOTING:
        raise MeetingRefused(_("Start the session first."))
    if not actor.has_perm("meetings.run_meeting", meeting):
        raise MeetingRefused(_("Only the operator or the chair runs the session."))
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=meeting.pk)
        if _open_vote(meeting) is not None:
            raise MeetingRefused(_("End the vote in progress first."))
        if meeting.quorum_checks.filter(state=QuorumCheck.State.OPEN).exists():
            raise MeetingRefused(_("A quorum check is already in progress."))
        now = timezone.now()
        check = QuorumCheck.objects.create(meeting=meeting, started_at=now,
                                           ends_at=now + timedelta(seconds=seconds),
                                           seats=meeting.seats)
        roll_presence_reset(roll=meeting.roll, actor=actor)
        audit_record(action="quorumcheck.start", actor=actor, obj=check,
                     organisation=meeting.organisation_id, to_state=check.state,
                     details={"meeting": meeting.pk, "seconds": seconds})
        meeting_touch(meeting.pk)
    return check


def presence_confirm(*, meeting: Meeting, user) -> Elector:
    """"Jestem obecny/obecna": only while a check is in progress, only one's own presence."""
    with transaction.atomic():
        check = meeting.quorum_checks.select_for_update().filter(
            state=QuorumCheck.State.OPEN).first()
        if check is None or check.ends_at <= timezone.now():
            raise MeetingRefused(_("No quorum check is in progress."))
        elector = Elector.objects.filter(roll_id=meeting.roll_id, user=user).first()
        if elector is None:
            raise MeetingRefused(_("You are not a councillor of this session."))
        elector = elector_presence_set(elector=elector, present=True, actor=user)
        meeting_touch(meeting.pk)
    return elector


def quorum_check_close(*, check: QuorumCheck, actor) -> QuorumCheck:
    """End the check (at its time, or by the operator): count those present, decide."""
    with transaction.atomic():
        present = Elector.objects.filter(roll_id=check.meeting.roll_id, present=True).count()
        met = Quorum(check.seats).check(min(present, check.seats)).met
        check = transition_run(check, "close", actor=actor,
                               details={"present": present, "seats": check.seats, "met": met},
                               save_fields={"present": present, "met": met,
                                            "closed_at": timezone.now()})
        meeting_touch(check.meeting_id)
    return check


def councillor_mark_absent(*, meeting: Meeting, elector: Elector, actor) -> Elector:
    """A councillor left the chamber: they no longer vote (the database refuses it)."""
    if not actor.has_perm("meetings.run_meeting", meeting):
        raise MeetingRefused(_("Only the operator or the chair runs the session."))
    with transaction.atomic():
        elector = elector_presence_set(elector=elector, present=False, actor=actor)
        meeting_touch(meeting.pk)
    return elector


def item_vote_open(*, resolution: Resolution, actor, rule: str, seconds: int = VOTE_SECONDS,
                   secret: bool = False) -> Resolution:
    """"Rozpocznij głosowanie": the rule and secrecy are fixed now; it ends after ``seconds``."""
    from meetings.services import resolution_open

    meeting = resolution.meeting
    if meeting.quorum_checks.filter(state=QuorumCheck.State.OPEN).exists():
        raise MeetingRefused(_("Finish the quorum check first."))
    if rule not in Resolution.Rule.values:
        raise MeetingRefused(_("Choose a majority rule."))
    with transaction.atomic():
        Resolution.objects.filter(pk=resolution.pk).update(rule=rule)
        resolution.refresh_from_db()
        resolution = resolution_open(resolution=resolution, actor=actor)
        SessionItem.objects.update_or_create(resolution=resolution, defaults={
            "secret": secret, "duration": seconds,
            "closes_at": resolution.opened_at + timedelta(seconds=seconds)})
    return resolution


def item_vote_cast(*, resolution: Resolution, user, choice: str) -> CastResult:
    """A councillor's own vote; the trigger refuses it unless they are present."""
    meeting = resolution.meeting
    elector = Elector.objects.filter(roll_id=meeting.roll_id, user=user).first()
    if elector is None:
        raise VoteRefused("not_on_roll", _("You are not a councillor of this session."))
    if SessionItem.objects.filter(resolution=resolution, closes_at__lte=timezone.now()).exists():
        session_close_due(meeting)
        raise VoteRefused("closed", _("The time for this vote is over; your vote was not "
                                      "recorded."))
    with transaction.atomic():
        secret = SessionItem.objects.filter(resolution=resolution, secret=True).exists()
        result = named_vote_cast(poll=resolution.poll, elector=elector, cast_by=user,
                                 option_code=choice, secret=secret)
        # Every screen of the session but the public pages shows the running count.
        meeting_votes_touch(meeting.pk)
    return result


def session_next_deadline(meeting_id: int):
    """When the session's earliest open vote or quorum check ends (None: nothing timed)."""
    ends = [SessionItem.objects.filter(resolution__meeting_id=meeting_id,
                                       resolution__state=Resolution.State.OPEN,
                                       closes_at__isnull=False)
            .order_by("closes_at").values_list("closes_at", flat=True).first(),
            QuorumCheck.objects.filter(meeting_id=meeting_id, state=QuorumCheck.State.OPEN)
            .order_by("ends_at").values_list("ends_at", flat=True).first()]
    ends = [end for end in ends if end is not None]
    return min(ends) if ends else None


def session_close_due(meeting: Meeting | None = None, now=None) -> int:
    """Close the votes and quorum checks whose time is over (the timetable, or a screen
    reading the state after the deadline). Safe to run twice: a closed one is skipped."""
    now = now or timezone.now()
    items = SessionItem.objects.filter(closes_at__lte=now,
                                       resolution__state=Resolution.State.OPEN)
    checks = QuorumCheck.objects.filter(state=QuorumCheck.State.OPEN, ends_at__lte=now)
    if meeting is not None:
        items = items.filter(resolution__meeting=meeting)
        checks = checks.filter(meeting=meeting)
    closed = 0
    for item in items.select_related("resolution"):
        try:
            resolution_close(resolution=item.resolution, actor=None)
            closed += 1
        except (MeetingRefused, TransitionNotAllowed):
            continue  # closed by the operator or another screen a moment ago
    for check in checks.select_related("meeting"):
        try:
            quorum_check_close(check=check, actor=None)
            closed += 1
        except TransitionNotAllowed:
            continue
    return closed


def session_close(*, meeting: Meeting, actor) -> Meeting:
    from meetings.services import meeting_close

    if meeting.quorum_checks.filter(state=QuorumCheck.State.OPEN).exists():
        raise MeetingRefused(_("Finish the quorum check first."))
    return meeting_close(meeting=meeting, actor=actor)


SESSION_DOCUMENT_MAX_MB = 10  # as a proposal attachment's default limit (PB-6)


def session_document_add(*, meeting: Meeting, title: str, upload, actor,
                         resolution: Resolution | None = None,
                         public: bool = False) -> SessionDocument:
    """A document for the session (or one agenda item), checked as a proposal's attachment
    is: an accepted type whose content matches its name, within the size limit."""
    if not actor.has_perm("meetings.run_meeting", meeting):
        raise MeetingRefused(_("Only the operator or the chair runs the session."))
    if meeting.state == Meeting.State.CLOSED:
        raise MeetingRefused(_("The session is closed; its documents no longer change."))
    if resolution is not None and resolution.meeting_id != meeting.pk:
        raise MeetingRefused(_("Choose an item of this session's agenda."))
    if upload.size > SESSION_DOCUMENT_MAX_MB * 1024 * 1024:
        raise MeetingRefused(_("The file is larger than %(mb)s MB; choose a smaller one.")
                             % {"mb": SESSION_DOCUMENT_MAX_MB})
    try:
        content_type = attachment_type_check(upload)
    except ValidationError as error:
        raise MeetingRefused(" ".join(error.messages)) from None
    with transaction.atomic():
        document = SessionDocument.objects.create(
            meeting=meeting, resolution=resolution, title=title.strip(), file=upload,
            content_type=content_type, size=upload.size, public=public)
        audit_record(action="sessiondocument.add", actor=actor, obj=document,
                     organisation=meeting.organisation_id,
                     details={"meeting": meeting.pk, "item": getattr(resolution, "pk", None),
                              "public": public, "size": upload.size})
        meeting_touch(meeting.pk)
    return document


def session_document_remove(*, document: SessionDocument, actor) -> None:
    """Remove a document while the session is not closed; the audit row keeps its name."""
    meeting = document.meeting
    if not actor.has_perm("meetings.run_meeting", meeting):
        raise MeetingRefused(_("Only the operator or the chair runs the session."))
    if meeting.state == Meeting.State.CLOSED:
        raise MeetingRefused(_("The session is closed; its documents no longer change."))
    with transaction.atomic():
        audit_record(action="sessiondocument.remove", actor=actor, obj=document,
                     organisation=meeting.organisation_id,
                     details={"meeting": meeting.pk, "file": document.file.name})
        name = document.file.name
        document.delete()
        transaction.on_commit(lambda: document.file.storage.delete(name))
        meeting_touch(meeting.pk)
