"""Reads of meetings: who may see what, who has not registered, a member's electorships."""
from django.db.models import Exists, OuterRef, Q, QuerySet

from ballots.rolls import Elector
from organisations.roles import Role
from organisations.selectors import organisations_for

from .models import Invitation, Meeting


def meetings_run_by(user) -> QuerySet[Meeting]:
    """Meetings of the organisations where ``user`` runs meetings (the secretary)."""
    return Meeting.objects.filter(
        organisation__in=organisations_for(user, Role.COMPANY_SECRETARY, Role.COUNCIL_OPERATOR,
                                           Role.COUNCIL_CHAIR))


def electors_for(user) -> QuerySet[Elector]:
    """Electorships ``user`` votes in: their own and those they hold a proxy for."""
    if not user.is_authenticated:
        return Elector.objects.none()
    return Elector.objects.filter(Q(user=user) | Q(proxy=user))


def meetings_of_member(user) -> QuerySet[Meeting]:
    """Meetings in which ``user`` votes, for themselves or as a proxy."""
    if not user.is_authenticated:
        return Meeting.objects.none()
    return Meeting.objects.filter(
        Exists(electors_for(user).filter(roll_id=OuterRef("roll_id")))).order_by("-id")


def may_run(user, meeting: Meeting) -> bool:
    return user.is_authenticated and user.has_perm("meetings.run_meeting", meeting)


def meeting_electors_of(user, meeting: Meeting) -> list[Elector]:
    """The electors ``user`` votes for in ``meeting``: themselves first, then principals."""
    electors = list(electors_for(user).filter(roll_id=meeting.roll_id)
                    .select_related("user", "proxy"))
    return sorted(electors, key=lambda e: (e.user_id != user.pk, e.position, e.pk))


def members_unregistered(meeting: Meeting) -> list[str]:
    """Names of members who have not registered: the blockers of "start the voting"."""
    return [str(invitation.elector.user) for invitation in
            Invitation.objects.filter(meeting=meeting, registered_at__isnull=True)
            .select_related("elector__user").order_by("elector__position", "elector_id")]


def meeting_members(meeting: Meeting):
    """The roll with each member's registration, for the secretary's list."""
    return (Elector.objects.filter(roll_id=meeting.roll_id)
            .select_related("user", "proxy", "invitation").order_by("position", "id"))
