"""A resolution's result: counts from one aggregate query, the decision from the core.

The stored snapshot holds the numbers (counts by head and by weight, who was present, the
rule); the sentence is rendered again from them in the reader's language, by the same
pure counting core, so it never drifts from the numbers.
"""
import hashlib
import json
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext

from ballots.counting import (
    ABSOLUTE,
    SIMPLE,
    THREE_QUARTERS,
    TWO_THIRDS,
    AbsoluteMajorityOfMembers,
    Decision,
    Quorum,
    Tally,
    VoteCounts,
    decide,
)
from ballots.named import roll_size, roll_tally

from .models import Meeting, Resolution

_RULES = {Resolution.Rule.SIMPLE: SIMPLE, Resolution.Rule.ABSOLUTE: ABSOLUTE,
          Resolution.Rule.TWO_THIRDS: TWO_THIRDS,
          Resolution.Rule.THREE_QUARTERS: THREE_QUARTERS}


def _statutory(meeting: Meeting, basis: str, heads: int, weight: int) -> int:
    """All members (or all shares): the base of quorum and of a majority of members."""
    if basis == Resolution.Basis.WEIGHT:
        return max(meeting.share_capital or 0, weight)
    return max(meeting.seats or 0, heads)


def resolution_result_data(resolution: Resolution) -> dict:
    """The numbers of a resolution's result, as stored in its snapshot."""
    meeting = resolution.meeting
    counted = roll_tally(resolution.poll)
    size = roll_size(meeting.roll)
    data = {
        "rule": resolution.rule, "basis": resolution.basis, "quorum": resolution.quorum,
        "heads": dict(counted.heads), "weights": {k: int(v) for k, v in counted.weights.items()},
        "cast_heads": int(counted.total("head")), "cast_weight": int(counted.total("weight")),
        "roll_heads": size.heads, "roll_weight": size.weight,
        "present_heads": size.present_heads, "present_weight": size.present_weight,
        "statutory": _statutory(meeting, resolution.basis, size.heads, size.weight),
        "share_capital": meeting.share_capital,
    }
    data["adopted"] = resolution_decide(data).adopted
    data["digest"] = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    return data


def resolution_decide(data: dict, translate=None) -> Decision:
    """Apply the resolution's rule (and quorum) to stored numbers."""
    basis = data["basis"]
    counts = Tally(heads=data["heads"], weights=data["weights"]).counts(basis)
    if data["rule"] == Resolution.Rule.ABSOLUTE_OF_MEMBERS:
        rule = AbsoluteMajorityOfMembers(data["statutory"])
    else:
        rule = _RULES[data["rule"]]
    quorum = present = None
    if data["quorum"]:
        quorum = Quorum(data["statutory"], share=Fraction(data["quorum"]))
        present = data["present_weight" if basis == "weight" else "present_heads"]
    return decide(rule, counts, quorum=quorum, present=present, translate=translate)


@dataclass(frozen=True)
class ResultView:
    """What a screen shows of a closed resolution."""

    adopted: bool
    sentence: str
    heads: VoteCounts
    weights: VoteCounts
    valid_shares: int
    capital_share: Fraction | None
    data: dict

    @property
    def capital_percent(self) -> str | None:
        """The share of capital with valid votes, as a percentage to two places."""
        if self.capital_share is None:
            return None
        hundredths = round(self.capital_share * 10000)  # exact: Fraction rounds half to even
        return f"{hundredths // 100},{hundredths % 100:02d}"


def resolution_result(resolution: Resolution) -> ResultView | None:
    """The stored result of a closed resolution, its sentence in the current language."""
    snapshot = resolution.poll.results.order_by("-computed_at", "-id").first()
    if snapshot is None:
        return None
    data = snapshot.data
    decision = resolution_decide(data, translate=gettext)
    tallied = Tally(heads=data["heads"], weights=data["weights"])
    capital = data.get("share_capital")
    return ResultView(
        adopted=decision.adopted, sentence=decision.sentence, heads=tallied.counts("head"),
        weights=tallied.counts("weight"), valid_shares=data["cast_weight"],
        capital_share=Fraction(data["cast_weight"], capital) if capital else None, data=data)
