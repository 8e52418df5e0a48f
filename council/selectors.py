"""Reads of council sessions: the live count, each closed vote with its named list.

One function (``session_votes``) builds what every output shows of a session's closed
votes (the public page, the feed, the projector and the three exports), so they cannot
disagree. A secret vote's entry has no ``named`` list at all: nothing downstream can leak
a name it never received.
"""
from dataclasses import dataclass, field

from ballots.models import Vote
from ballots.named import roll_size
from ballots.selectors import poll_tally_by_code
from meetings.models import CHOICE_LABELS, Meeting, Resolution
from meetings.results import ResultView, resolution_result

from .models import Council, QuorumCheck, SessionItem

CHOICE_ORDER = ("for", "against", "abstain")


@dataclass
class NamedVote:
    first_name: str
    last_name: str
    choice: str  # "for" / "against" / "abstain" / "" (present, did not vote) / "absent"

    @property
    def label(self) -> str:
        if self.choice in CHOICE_LABELS:
            return str(CHOICE_LABELS[self.choice])
        return ""


@dataclass
class ClosedVote:
    resolution: Resolution
    item: SessionItem | None
    result: ResultView
    named: list[NamedVote] | None = field(default=None)  # None: a secret vote

    @property
    def secret(self) -> bool:
        return bool(self.item and self.item.secret)

    @property
    def subject(self) -> str:
        return self.item.title if self.item and self.item.title else ""


def item_of(resolution: Resolution) -> SessionItem | None:
    try:
        return resolution.session_item
    except SessionItem.DoesNotExist:
        return None


def named_list(resolution: Resolution) -> list[NamedVote]:
    """Every councillor on the roll, by surname, with their counted vote (or none)."""
    choices = dict(Vote.objects.filter(poll_id=resolution.poll_id, counts=True)
                   .values_list("elector_id", "option__code"))
    rows = []
    for elector in resolution.meeting.roll.electors.select_related("user"):
        rows.append(NamedVote(elector.user.first_name, elector.user.last_name,
                              choices.get(elector.pk, "")))
    return sorted(rows, key=lambda r: (r.last_name, r.first_name))


def session_votes(meeting: Meeting) -> list[ClosedVote]:
    """The session's closed votes, in agenda order, each with its result (and names)."""
    out = []
    for resolution in (meeting.resolutions.filter(state=Resolution.State.CLOSED)
                       .select_related("poll", "session_item", "meeting__roll")):
        result = resolution_result(resolution)
        if result is None:
            continue
        item = item_of(resolution)
        vote = ClosedVote(resolution=resolution, item=item, result=result)
        if not vote.secret:
            vote.named = named_list(resolution)
        out.append(vote)
    return out


def live_count(resolution: Resolution) -> dict:
    """Votes so far on an open item: per option and in all (counts only, never names)."""
    counted = poll_tally_by_code(resolution.poll)
    return {"cast": counted.total(), **{code: counted.heads.get(code, 0) for code in CHOICE_ORDER}}


def session_screen(meeting: Meeting) -> dict:
    """What every live screen of a session shows: the open vote or check and its count."""
    open_item = (meeting.resolutions.filter(state=Resolution.State.OPEN)
                 .select_related("poll", "session_item").first())
    check = meeting.quorum_checks.order_by("-started_at", "-id").first()
    size = roll_size(meeting.roll)
    return {
        "open_item": open_item,
        "open_session_item": item_of(open_item) if open_item else None,
        "count": live_count(open_item) if open_item else None,
        "check": check,
        "check_open": bool(check and check.state == QuorumCheck.State.OPEN),
        "size": size,
        "last_closed": (meeting.resolutions.filter(state=Resolution.State.CLOSED)
                        .order_by("-closed_at", "-id").first()),
    }


def council_for(meeting: Meeting) -> Council | None:
    return Council.objects.filter(organisation_id=meeting.organisation_id).first()


def public_sessions(council: Council):
    """Sessions the public sees: started ones (the archive), newest first."""
    return (Meeting.objects.filter(organisation_id=council.organisation_id,
                                   kind=Meeting.Kind.COUNCIL_SESSION)
            .exclude(state=Meeting.State.DRAFT).order_by("-held_on", "-id"))
