"""Reads of the poll store."""
from django.db.models import Count, Sum

from wotum.db import fetch_with_parent

from .counting import Tally, tally
from .models import Ballot, BallotBox, Option, Poll, Vote


def box_for_voters(box_id: int) -> BallotBox | None:
    """The box and its organisation, for the pages every voter requests (one prepared
    query, not an ORM query built anew for each of them)."""
    return fetch_with_parent(BallotBox, "organisation", id=box_id)


def receipt_lookup(code: str) -> Ballot | None:
    """The ballot a receipt code belongs to (its box and status only are shown)."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if not cleaned:
        return None
    return Ballot.objects.select_related("box").filter(receipt_code=cleaned).first()


def box_tallies(box: BallotBox, polls: list[Poll] | None = None,
                options: list[Option] | None = None) -> dict[int, Tally]:
    """Votes per option of every poll of ``box``, by head and by weight: THE tally.

    Results, the live report and the exports all read counts through here: one GROUP BY
    over the box's counted votes, by option alone (the polls are named by id, no join),
    and every option of a poll present, with zero when nobody chose it. Tally keys are
    option ids as strings, as the counting core keys them.
    """
    polls = list(box.polls.all()) if polls is None else polls
    return _tallies(polls, options)


def poll_tally(poll: Poll, options: list[Option] | None = None) -> Tally:
    """Votes per option of one poll, by head and by weight."""
    return _tallies([poll], options)[poll.pk]


def poll_tally_by_code(poll: Poll) -> Tally:
    """``poll_tally`` keyed by option code ("for", "against", "abstain" on a resolution):
    the named votes of meetings and council sessions go through the same one tally."""
    options = list(Option.objects.filter(poll=poll).only("id", "poll_id", "code"))
    counted = _tallies([poll], options)[poll.pk]
    code = {str(option.pk): option.code for option in options}
    return Tally(heads={code[key]: n for key, n in counted.heads.items()},
                 weights={code[key]: n for key, n in counted.weights.items()})


def _tallies(polls: list[Poll], options: list[Option] | None) -> dict[int, Tally]:
    owner = ({o.pk: o.poll_id for o in options} if options is not None else
             dict(Option.objects.filter(poll__in=polls).values_list("id", "poll_id")))
    rows = (Vote.objects.filter(poll_id__in=[poll.pk for poll in polls], counts=True)
            .values("option_id").annotate(heads=Count("*"), weight=Sum("weight")).order_by())
    per_poll: dict[int, list[dict]] = {poll.pk: [] for poll in polls}
    for row in rows:
        per_poll[owner[row["option_id"]]].append(row)
    known: dict[int, list[int]] = {poll.pk: [] for poll in polls}
    for option_id, poll_id in owner.items():
        known.setdefault(poll_id, []).append(option_id)
    return {poll_id: tally(found, options=known[poll_id], option_key="option_id")
            for poll_id, found in per_poll.items()}


def tally_votes(tally_: Tally, option: Option) -> int:
    """Heads for ``option`` in ``tally_``."""
    return tally_.heads.get(str(option.pk), 0)


def tally_weight(tally_: Tally, option: Option) -> int:
    """Sum of the weights of the votes for ``option`` in ``tally_``."""
    return tally_.weights.get(str(option.pk), 0)
