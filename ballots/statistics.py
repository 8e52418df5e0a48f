"""Live figures of a ballot box (PB-22), each from one aggregate query."""
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from .models import Ballot, BallotBox, Poll, Vote
from .pesel import age_on
from .selectors import box_tallies, tally_votes

VALID = [Ballot.State.CAST, Ballot.State.COUNTED]
AGE_BANDS = [(16, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, None)]


@dataclass
class BoxStatistics:
    ballots: int
    valid: int
    invalid_by_reason: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]
    by_age: list[tuple[str, int, int]]  # band, women, men
    no_pesel: int
    polls: list[dict]

    @property
    def invalid(self) -> int:
        return sum(n for _reason, n in self.invalid_by_reason)

    @property
    def turnout(self) -> list[dict]:
        """Voters per district (polls that are alternatives on the card), with their share."""
        districts = [entry for entry in self.polls if entry["poll"].choice_group]
        top = max((entry["ballots"] for entry in districts), default=0)
        return [{"poll": entry["poll"], "voters": entry["ballots"],
                 "percent": round(100 * entry["ballots"] / self.valid) if self.valid else 0,
                 "share": round(100 * entry["ballots"] / top) if top else 0}
                for entry in districts]

    @property
    def age_chart(self) -> list[dict]:
        """The age bands with bar widths relative to the largest group."""
        top = max((max(women, men) for _band, women, men in self.by_age), default=0)
        return [{"band": band, "women": women, "men": men,
                 "women_share": round(100 * women / top) if top else 0,
                 "men_share": round(100 * men / top) if top else 0}
                for band, women, men in self.by_age]


def _ballot_counts(box: BallotBox) -> dict:
    return Ballot.objects.filter(box=box).aggregate(
        ballots=Count("id"), valid=Count("id", filter=Q(state__in=VALID)),
        email=Count("id", filter=Q(state__in=VALID, channel=Ballot.Channel.EMAIL)),
        paper=Count("id", filter=Q(state__in=VALID, channel=Ballot.Channel.PAPER)),
        no_pesel=Count("id", filter=Q(state__in=VALID, birth_date__isnull=True)))


def _invalid_by_reason(box: BallotBox) -> list[tuple[str, int]]:
    labels = dict(Ballot.InvalidReason.choices)
    rows = (Ballot.objects.filter(box=box, state=Ballot.State.INVALID)
            .values("invalid_reason").annotate(n=Count("id")).order_by("-n"))
    return [(str(labels.get(row["invalid_reason"], row["invalid_reason"])), row["n"])
            for row in rows]


def age_band(age: int) -> str:
    """The report's age band of ``age`` ("25–34", "65+")."""
    return _band(age)


def _band(age: int) -> str:
    for low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return f"{low}–{high}" if high else f"{low}+"
    return f"<{AGE_BANDS[0][0]}"


def _by_age(box: BallotBox, day: date) -> list[tuple[str, int, int]]:
    bands = {_band(low): [0, 0] for low, _high in AGE_BANDS}
    rows = (Ballot.objects.filter(box=box, state__in=VALID, birth_date__isnull=False)
            .values("birth_date", "sex").annotate(n=Count("id")).order_by())
    for row in rows:
        counts = bands.setdefault(_band(age_on(row["birth_date"], day)), [0, 0])
        counts[0 if row["sex"] == "F" else 1] += row["n"]
    return [(band, women, men) for band, (women, men) in bands.items()]


def _polls(box: BallotBox) -> list[dict]:
    polls = list(Poll.objects.filter(box=box).prefetch_related("options").order_by("position"))
    options = [option for poll in polls for option in poll.options.all()]
    tallies = box_tallies(box, polls, options)
    turnout = dict(Vote.objects.filter(poll__box=box, counts=True).values("poll_id")
                   .annotate(n=Count("ballot_id", distinct=True)).values_list("poll_id", "n")
                   .order_by())
    result = []
    for poll in polls:
        # The order greedy considers projects in: votes, then the lower number (string order).
        ranking = sorted(((tally_votes(tallies[poll.pk], o), o) for o in poll.options.all()),
                         key=lambda pair: (-pair[0], pair[1].code))
        top = ranking[0][0] if ranking else 0
        result.append({"poll": poll, "ballots": turnout.get(poll.pk, 0), "top": top,
                       "ranking": [{"option": o, "votes": n,
                                    "share": round(100 * n / top) if top else 0}
                                   for n, o in ranking]})
    return result


def report_day(box: BallotBox) -> date:
    """The day ages are counted on: today while voting, the closing day afterwards."""
    today = timezone.localdate()
    return min(today, timezone.localdate(box.closes_at)) if box.closes_at else today


def box_statistics(box: BallotBox, day: date | None = None) -> BoxStatistics:
    """Every figure of the live report, consistent with the exports to the last vote."""
    counts = _ballot_counts(box)
    day = day or report_day(box)
    return BoxStatistics(
        ballots=counts["ballots"], valid=counts["valid"],
        invalid_by_reason=_invalid_by_reason(box),
        by_channel=[(str(Ballot.Channel.EMAIL.label), counts["email"]),
                    (str(Ballot.Channel.PAPER.label), counts["paper"])],
        by_age=_by_age(box, day), no_pesel=counts["no_pesel"], polls=_polls(box))
