"""Wotum's vote-counting core: pure Python, exact arithmetic, no Django.

- ``tally``: votes per option, by head and by weight, from one aggregate query;
- ``majority``: simple, absolute (of votes cast, of the statutory membership),
  qualified (2/3, 3/4) majorities and quorum, each decision with its sentence;
- ``budget``: budget selection inputs, outcomes with explanation rows, greedy rules;
- ``proportional``: the Method of Equal Shares, and its Add1 completion.
"""

from .budget import (
    Outcome,
    OutcomeRow,
    Project,
    greedy,
    greedy_by_support,
)
from .equal_shares import group_ballots
from .majority import (
    ABSOLUTE,
    SIMPLE,
    THREE_QUARTERS,
    TWO_THIRDS,
    AbsoluteMajority,
    AbsoluteMajorityOfMembers,
    Decision,
    MajorityRule,
    QualifiedMajority,
    Quorum,
    QuorumCheck,
    SimpleMajority,
    decide,
)
from .numbers import Number, exact, format_number
from .proportional import equal_shares, equal_shares_add1
from .tally import Choice, Tally, VoteCounts, tally

__all__ = [
    "ABSOLUTE",
    "SIMPLE",
    "THREE_QUARTERS",
    "TWO_THIRDS",
    "AbsoluteMajority",
    "AbsoluteMajorityOfMembers",
    "Choice",
    "Decision",
    "MajorityRule",
    "Number",
    "Outcome",
    "OutcomeRow",
    "Project",
    "QualifiedMajority",
    "Quorum",
    "QuorumCheck",
    "SimpleMajority",
    "Tally",
    "VoteCounts",
    "decide",
    "equal_shares",
    "equal_shares_add1",
    "exact",
    "format_number",
    "greedy",
    "greedy_by_support",
    "group_ballots",
    "tally",
]
