"""The one registry of counting rules: a name, its Polish and English label, what it means.

Budget rules (greedy by votes, the Method of Equal Shares, its Add1 variant) and majority
rules (simple, absolute of votes cast or of the statutory membership, 2/3, 3/4) stand side
by side, so that a participatory budget, a board and a council pick their rule from the
same list and count it with the same core function::

    rule = rules.get("equal-shares")
    rule.label, rule.explanation, rule.kind          # "metoda równych udziałów", …, "budget"
    outcome = rule.apply(projects, budget, ballots=..., points=...)

    rule = rules.get("two-thirds")
    decision = rule.apply(counts, quorum=Quorum(21), present=15)

Labels and explanations are lazy translations: Polish in the Polish interface, English in
the English one (``label_in("en")``). The counting core stays free of Django; this module
is the bridge that names its functions for people.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .counting import (
    AbsoluteMajority,
    AbsoluteMajorityOfMembers,
    Outcome,
    Project,
    QualifiedMajority,
    Quorum,
    SimpleMajority,
    VoteCounts,
    decide,
    equal_shares,
    equal_shares_add1,
    greedy,
)
from .counting.majority import Decision
from .counting.numbers import Number

Kind = Literal["budget", "majority"]


@dataclass(frozen=True)
class Rule:
    """One counting rule: ``apply`` calls the counting core with the rule's inputs."""

    name: str
    kind: Kind
    label: str | Promise
    explanation: str | Promise
    apply: Callable[..., object]
    # Budget rules: whether the rule reads whole ballots (who approved what together)
    # rather than the votes per project.
    reads_ballots: bool = False

    def label_in(self, language: str) -> str:
        with translation.override(language):
            return str(self.label)

    def explanation_in(self, language: str) -> str:
        with translation.override(language):
            return str(self.explanation)

    def __str__(self) -> str:
        return str(self.label)


def _greedy(projects: Iterable[Project], budget: object, *, points: Mapping[str, object],
            threshold: object | None = None, skip: bool = True, **_ignored) -> Outcome:
    return greedy(projects, points, budget, threshold=threshold, skip=skip, translate=gettext)


def _equal_shares(projects: Iterable[Project], budget: object, *,
                  ballots: list[tuple[frozenset[str], int]], voters: int | None = None,
                  **_ignored) -> Outcome:
    return equal_shares(projects, ballots, budget, voters=voters, translate=gettext)


def _equal_shares_add1(projects: Iterable[Project], budget: object, *,
                       ballots: list[tuple[frozenset[str], int]], voters: int | None = None,
                       **_ignored) -> Outcome:
    return equal_shares_add1(projects, ballots, budget, voters=voters, translate=gettext)


def _majority(make: Callable[..., object]) -> Callable[..., Decision]:
    """A majority rule's ``apply``: counts in, decision out, with the quorum if given.

    ``members`` (the statutory membership, or all shares by weight) is needed only by the
    absolute majority of members; the others ignore it.
    """

    def apply(counts: VoteCounts, *, members: Number | None = None, quorum: Quorum | None = None,
              present: Number | None = None) -> Decision:
        return decide(make(members), counts, quorum=quorum, present=present, translate=gettext)

    return apply


def _of_members(members: Number | None):
    if members is None:
        raise ValueError("the absolute majority of members needs the statutory membership")
    return AbsoluteMajorityOfMembers(members)


# One plain paragraph each, as residents read it on the public results page.
_GREEDY_EXPLAINED = _(
    "Projects are taken from the one with the most votes, while the money lasts: each "
    "project in turn is funded if its cost fits in what is left of the pool's budget. "
    "A project that no longer fits is skipped and counting goes on, so a cheaper "
    "project with fewer votes can win over a dearer one with more votes. When two "
    "projects have the same number of votes, the one with the lower number comes first.")
_EQUAL_SHARES_EXPLAINED = _(
    "The pool's budget is split equally among the people who voted in it: each voter "
    "holds an equal share and spends it only on projects they voted for. A project wins "
    "when its supporters can pay for it together from their shares; the project that "
    "costs each supporter the least is bought first. This way a group of residents gets "
    "a part of the budget in proportion to its size, not all of it or nothing. When two "
    "projects are equally good, the one with the lower number comes first.")

_RULES = (
    Rule("greedy", "budget", _("greedy method (by number of votes)"), _GREEDY_EXPLAINED,
         _greedy),
    Rule("equal-shares", "budget", _("Method of Equal Shares"), _EQUAL_SHARES_EXPLAINED,
         _equal_shares, reads_ballots=True),
    Rule("equal-shares-add1", "budget", _("Method of Equal Shares with Add1 completion"),
         format_lazy("{} {}", _EQUAL_SHARES_EXPLAINED, _(
             "Money that equal shares leave unspent goes to the projects with the most "
             "votes that still fit.")),
         _equal_shares_add1, reads_ballots=True),
    Rule("simple", "majority", _("simple majority"),
         _("Adopted when there are more votes for than against; abstentions count neither "
           "way."),
         _majority(lambda _members: SimpleMajority())),
    Rule("absolute", "majority", _("absolute majority of votes cast"),
         _("Adopted when the votes for are more than half of the votes cast (against and "
           "abstaining together)."),
         _majority(lambda _members: AbsoluteMajority())),
    Rule("absolute-of-members", "majority", _("absolute majority of the statutory membership"),
         _("Adopted when the votes for are more than half of the statutory membership (or of "
           "all shares when voting by weight), however many are present."),
         _majority(_of_members)),
    Rule("two-thirds", "majority", _("two-thirds majority"),
         _("Adopted when the votes for are at least two thirds of the votes cast."),
         _majority(lambda _members: QualifiedMajority(Fraction(2, 3)))),
    Rule("three-quarters", "majority", _("three-quarters majority"),
         _("Adopted when the votes for are at least three quarters of the votes cast."),
         _majority(lambda _members: QualifiedMajority(Fraction(3, 4)))),
)
REGISTRY: dict[str, Rule] = {rule.name: rule for rule in _RULES}
# The counting core names the no-skip greedy outcome apart; it is the same registered rule.
_ALIASES = {"greedy-no-skip": "greedy"}


def get(name: str) -> Rule:
    """The rule called ``name``; a ``KeyError`` naming the known rules otherwise."""
    try:
        return REGISTRY[_ALIASES.get(name, name)]
    except KeyError:
        raise KeyError(f"unknown rule {name!r} (known: {', '.join(REGISTRY)})") from None


def names(kind: Kind | None = None) -> tuple[str, ...]:
    return tuple(rule.name for rule in _RULES if kind is None or rule.kind == kind)


def of_kind(kind: Kind) -> list[Rule]:
    return [rule for rule in _RULES if rule.kind == kind]


def choices(kind: Kind) -> list[tuple[str, str | Promise]]:
    """(name, label) pairs for a form's or a model field's ``choices``."""
    return [(rule.name, rule.label) for rule in of_kind(kind)]


def budget_choices() -> list[tuple[str, str | Promise]]:
    return choices("budget")


def label(name: str) -> str:
    """The rule's label in the active language; an unknown name as it is."""
    try:
        return str(get(name).label)
    except KeyError:
        return name
