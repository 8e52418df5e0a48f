"""An edition's phases as residents see them: dates, the current one, days left, what to do."""
import math
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import Edition


@dataclass(frozen=True)
class Step:
    state: str
    label: str
    starts: object
    ends: object
    current: bool
    done: bool


@dataclass(frozen=True)
class CallToAction:
    label: str
    url: str


@dataclass(frozen=True)
class Timeline:
    steps: list[Step]
    days_left: int | None
    action: CallToAction | None
    note: str
    # When voting ends or ended, in the ballot box's words: the link page and the card
    # quote the same sentence (issue 11).
    voting_schedule: str = ""


_ORDER = [Edition.State.INTAKE, Edition.State.REVIEW, Edition.State.VOTING,
          Edition.State.CLOSED]


def _labels() -> dict:
    return {Edition.State.INTAKE: pgettext("edition phase", "Proposals"),
            Edition.State.REVIEW: pgettext("edition phase", "Review"),
            Edition.State.VOTING: pgettext("edition phase", "Vote"),
            Edition.State.CLOSED: pgettext("edition phase", "Results")}


def _action(edition: Edition) -> tuple[CallToAction | None, str]:
    state = edition.state
    if state == Edition.State.INTAKE:
        return CallToAction(_("Submit a proposal"),
                            reverse("intake:proposal_create", args=[edition.pk])), ""
    if state == Edition.State.VOTING and edition.ballot_box_id:
        return CallToAction(_("Vote"),
                            reverse("ballots:link_request", args=[edition.ballot_box_id])), ""
    if edition.results_public:
        return CallToAction(_("See the results"),
                            reverse("intake:results_public", args=[edition.pk])), ""
    if state == Edition.State.REVIEW:
        return None, _("The office is reviewing the proposals; the vote opens next.")
    if state == Edition.State.CLOSED:
        return None, _("The vote is closed; the results are being counted.")
    return None, ""


def days_until(moment, now=None) -> int | None:
    """Whole days left until ``moment``, counting a started day as one; None if past."""
    if moment is None:
        return None
    seconds = (moment - (now or timezone.now())).total_seconds()
    return math.ceil(seconds / 86400) if seconds > 0 else None


def edition_timeline(edition: Edition, now=None) -> Timeline:
    """The four phases a resident meets, the current one marked, with the next action."""
    from ballots.services import box_ends_at, box_schedule

    labels = _labels()
    box = edition.ballot_box if edition.ballot_box_id else None
    # Once the box exists it holds the vote's dates, a close by hand included.
    voting_ends = box_ends_at(box) if box else edition.voting_ends_at
    dates = {Edition.State.INTAKE: (edition.intake_starts_at, edition.intake_ends_at),
             Edition.State.REVIEW: (edition.intake_ends_at, edition.review_ends_at),
             Edition.State.VOTING: (edition.voting_starts_at, voting_ends),
             Edition.State.CLOSED: (voting_ends, None)}
    position = _ORDER.index(edition.state) if edition.state in _ORDER else -1
    steps = [Step(state=state, label=str(labels[state]), starts=dates[state][0],
                  ends=dates[state][1], current=index == position, done=index < position)
             for index, state in enumerate(_ORDER)]
    current = dates.get(edition.state, (None, None))[1]
    action, note = _action(edition)
    return Timeline(steps=steps, days_left=days_until(current, now), action=action, note=note,
                    voting_schedule=box_schedule(box, now) if box else "")


@dataclass(frozen=True)
class EditionCard:
    edition: Edition
    timeline: Timeline
    participation: object


# What a resident can act on comes first: a vote, then a call for proposals.
_FRONT_ORDER = {Edition.State.VOTING: 0, Edition.State.INTAKE: 1, Edition.State.REVIEW: 2,
                Edition.State.CLOSED: 3}


def editions_for_residents(limit: int = 12, now=None) -> list[EditionCard]:
    """Every edition past its draft, with its timeline and participation, for the front page."""
    from .participation import editions_participation

    editions = sorted(Edition.objects.exclude(state=Edition.State.DRAFT)
                      .select_related("organisation", "ballot_box")
                      .order_by("-year", "name")[:limit],
                      key=lambda e: _FRONT_ORDER.get(e.state, 9))
    participation = editions_participation(editions)
    return [EditionCard(edition=e, timeline=edition_timeline(e, now),
                        participation=participation[e.pk]) for e in editions]
