"""Councillors' terms and credentials (CS-1): the council office adds a councillor, sends
the invitation (a one-time link, as a meeting's), the councillor sets a password; a term
ends without touching past votes.

The link works like a meeting's invitation (``meetings.services.invitation_send``): a random
token e-mailed once, only its SHA-256 kept; sending again replaces it. It also expires.
"""
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from audit.transitions import transition_run
from ballots.hashing import token_digest
from ballots.rolls import Elector
from meetings.models import Meeting
from meetings.services import MeetingRefused
from notifications.services import email_queue_template
from organisations.models import Membership
from organisations.roles import Role

from .models import Council, Councillor

INVITATION_DAYS = 14  # time enough to read the e-mail after a session's paperwork


class CouncillorRefused(MeetingRefused):
    """A step of the council office refused, with the sentence to show."""


def _serving(council: Council):
    return Membership.objects.filter(organisation_id=council.organisation_id,
                                     role=Role.COUNCILLOR)


def _draft_sessions(council: Council):
    return Meeting.objects.filter(organisation_id=council.organisation_id,
                                  kind=Meeting.Kind.COUNCIL_SESSION, state=Meeting.State.DRAFT)


def councillor_add(*, council: Council, email: str, first_name: str, last_name: str,
                   actor) -> Councillor:
    """A councillor in one of the statutory seats, not yet activated; sessions not started
    yet put them on their roll. Refused beyond the seats and for one already serving."""
    User = get_user_model()
    email = User.objects.normalize_email(email).strip().lower()
    with transaction.atomic():
        Council.objects.select_for_update().get(pk=council.pk)  # one seat count at a time
        user = User.objects.filter(email__iexact=email).first()
        if user is not None and _serving(council).filter(user=user).exists():
            raise CouncillorRefused(_("%(email)s is already a councillor of this council.")
                                    % {"email": email})
        serving = _serving(council).count()
        if serving >= council.seats:
            raise CouncillorRefused(
                _("All %(seats)s statutory seats are taken. Mark a councillor as no longer "
                  "serving before adding another.") % {"seats": council.seats})
        if user is None:
            user = User.objects.create(email=email, first_name=first_name.strip(),
                                       last_name=last_name.strip())
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Membership.objects.create(user=user, organisation_id=council.organisation_id,
                                  role=Role.COUNCILLOR)
        councillor = Councillor.objects.create(council=council, user=user)
        for meeting in _draft_sessions(council):
            Elector.objects.get_or_create(roll_id=meeting.roll_id, user=user, defaults={
                "weight": 1, "position": meeting.roll.electors.count()})
        audit_record(action="councillor.add", actor=actor, obj=councillor,
                     to_state=councillor.state, details={"email": email})
    return councillor


def councillor_invite(*, councillor: Councillor, actor, base_url: str) -> Councillor:
    """"Wyślij zaproszenie" (again): a new one-time link by e-mail; an older one stops
    working. Only for a councillor who has not activated the account yet."""
    if not actor.has_perm("council.manage_councillors", councillor.council):
        raise CouncillorRefused(_("Only the council office issues credentials."))
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        locked = Councillor.objects.select_for_update().select_related(
            "user", "council__organisation").get(pk=councillor.pk)
        if locked.state == Councillor.State.ACTIVE:
            raise CouncillorRefused(_("%(name)s has activated the account already; a "
                                      "forgotten password is reset from the login page.")
                                    % {"name": locked})
        if locked.state == Councillor.State.FORMER:
            raise CouncillorRefused(_("%(name)s no longer serves.") % {"name": locked})
        now = timezone.now()
        Councillor.objects.filter(pk=locked.pk).update(token_digest=token_digest(token),
                                                       invited_at=now)
        audit_record(action="councillor.invite", actor=actor, obj=locked,
                     details={"resent": locked.invited_at is not None})
        email_queue_template(
            to=locked.user.email, template="council/email/councillor_invitation",
            kind="councillor_invitation", organisation=locked.council.organisation_id,
            context={"council": locked.council.organisation.name, "name": str(locked),
                     "days": INVITATION_DAYS,
                     "url": base_url.rstrip("/") + reverse("council:activate", args=[token])})
    locked.refresh_from_db()
    return locked


@dataclass(frozen=True)
class LinkCheck:
    """What an invitation link leads to: the councillor, or why not (``problem``)."""

    councillor: Councillor | None
    problem: str = ""  # "invalid", "used", "expired"


def councillor_for_token(token: str, now=None) -> LinkCheck:
    now = now or timezone.now()
    councillor = (Councillor.objects.select_related("user", "council__organisation")
                  .filter(token_digest=token_digest(token or "")).first()) if token else None
    if councillor is None or councillor.state == Councillor.State.FORMER:
        return LinkCheck(None, "invalid")
    if councillor.state == Councillor.State.ACTIVE:
        return LinkCheck(councillor, "used")
    if councillor.invited_at + timedelta(days=INVITATION_DAYS) <= now:
        return LinkCheck(councillor, "expired")
    return LinkCheck(councillor)


def councillor_activate(*, councillor: Councillor, password: str) -> Councillor:
    """The link proves the address: set the password, confirm the address, activate."""
    from allauth.account.models import EmailAddress

    user = councillor.user
    with transaction.atomic():
        locked = Councillor.objects.select_for_update().get(pk=councillor.pk)
        if locked.state != Councillor.State.INVITED:
            raise CouncillorRefused(_("This invitation has already been used."))
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(user=user, email=user.email,
                                              defaults={"verified": True, "primary": True})
        locked = transition_run(locked, "activate", actor=user,
                                save_fields={"activated_at": timezone.now()})
    return locked


def councillor_end(*, councillor: Councillor, actor) -> Councillor:
    """No longer serving: the councillor role ends and sessions not started yet drop them;
    sessions held keep their roll, so every past vote and named list stays as it was."""
    with transaction.atomic():
        councillor = transition_run(councillor, "end", actor=actor,
                                    save_fields={"ended_at": timezone.now(),
                                                 "token_digest": ""})
        council = councillor.council
        _serving(council).filter(user_id=councillor.user_id).delete()
        Elector.objects.filter(roll__meeting__in=_draft_sessions(council),
                               user_id=councillor.user_id).delete()
    return councillor


def councillor_record(*, council: Council, user_id: int) -> Councillor:
    """The serving councillor's term; recorded now for one the admin made."""
    membership = _serving(council).select_related("user").filter(user_id=user_id).first()
    if membership is None:
        raise CouncillorRefused(_("This person is not a councillor of this council."))
    with transaction.atomic():
        councillor, _created = Councillor.objects.exclude(state=Councillor.State.FORMER
                                                          ).get_or_create(
            council=council, user=membership.user, defaults={
                "state": Councillor.State.ACTIVE if membership.user.has_usable_password()
                else Councillor.State.INVITED})
    return councillor


def councillors_list(council: Council) -> list[Councillor]:
    """The council's councillors, serving first, by surname; a councillor the admin made
    (no term recorded) is listed as activated when they have a password."""
    known = list(Councillor.objects.filter(council=council).select_related("user"))
    recorded = {c.user_id for c in known if c.state != Councillor.State.FORMER}
    for membership in _serving(council).exclude(user_id__in=recorded).select_related("user"):
        state = (Councillor.State.ACTIVE if membership.user.has_usable_password()
                 else Councillor.State.INVITED)
        known.append(Councillor(council=council, user=membership.user, state=state))
    return sorted(known, key=lambda c: (c.state == Councillor.State.FORMER,
                                        c.user.last_name, c.user.first_name, c.user_id))
