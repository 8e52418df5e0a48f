"""Majority rules and quorum, named as Polish law and company practice name them.

Every rule compares exact numbers (``for_ * 3 >= cast * 2``), never floats, and works the
same by head or by weight: pass the ``VoteCounts`` of the basis the statute names. Each
decision carries a plain sentence that explains it (see ``text.py`` for the templates).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import ceil, floor
from typing import Protocol

from . import text
from .numbers import Number, exact
from .tally import VoteCounts
from .text import Translate


@dataclass(frozen=True)
class QuorumCheck:
    """Whether enough members (or enough capital) were present."""

    met: bool
    present: Number
    statutory: Number
    needed: Number
    sentence: str


@dataclass(frozen=True)
class Decision:
    """The outcome of one vote under one rule, with the sentence that explains it."""

    adopted: bool
    rule: str
    counts: VoteCounts
    sentence: str
    quorum: QuorumCheck | None = None


class MajorityRule(Protocol):
    """A rule that turns FOR / AGAINST / ABSTAIN counts into a decision."""

    name: str

    def decide(self, counts: VoteCounts, translate: Translate | None = None) -> Decision: ...


def _more_than(limit: Number, integral: bool) -> Number:
    """Return the smallest count above ``limit`` (whole votes), or the limit itself."""
    return floor(limit) + 1 if integral else limit


def _at_least(limit: Number, integral: bool) -> Number:
    """Return the smallest count not below ``limit`` (whole votes), or the limit itself."""
    return ceil(limit) if integral else limit


def _integral(*values: Number) -> bool:
    return all(isinstance(value, int) for value in values)


def _decision(
    rule: str,
    counts: VoteCounts,
    adopted: bool,
    reason: str,
    translate: Translate | None,
) -> Decision:
    """Wrap a reason in "adopted: …" / "not adopted: …", marking weighted counts."""
    if counts.cast == 0:
        adopted, reason = False, text.render(text.NO_VOTES, translate)
    template = text.ADOPTED if adopted else text.NOT_ADOPTED
    sentence = text.render(template, translate, reason=reason)
    if counts.basis == "weight":
        sentence = text.render(text.BY_WEIGHT, translate, sentence=sentence)
    return Decision(adopted=adopted, rule=rule, counts=counts, sentence=sentence)


@dataclass(frozen=True)
class SimpleMajority:
    """Simple majority (większość zwykła): more FOR than AGAINST; abstentions ignored."""

    name: str = "simple"

    def decide(self, counts: VoteCounts, translate: Translate | None = None) -> Decision:
        """Adopt when FOR > AGAINST."""
        adopted = counts.for_ > counts.against
        template = text.SIMPLE_MET if adopted else text.SIMPLE_NOT_MET
        reason = text.render(template, translate, for_=counts.for_, against=counts.against)
        return _decision(self.name, counts, adopted, reason, translate)


@dataclass(frozen=True)
class AbsoluteMajority:
    """Absolute majority of votes cast (większość bezwzględna): FOR > AGAINST + ABSTAIN."""

    name: str = "absolute"

    def decide(self, counts: VoteCounts, translate: Translate | None = None) -> Decision:
        """Adopt when FOR is more than half of all votes cast."""
        adopted = counts.for_ > counts.against + counts.abstain
        template = text.ABSOLUTE_MET if adopted else text.ABSOLUTE_NOT_MET
        reason = text.render(
            template,
            translate,
            for_=counts.for_,
            against=counts.against,
            abstain=counts.abstain,
        )
        return _decision(self.name, counts, adopted, reason, translate)


@dataclass(frozen=True)
class AbsoluteMajorityOfMembers:
    """Absolute majority of the statutory membership (ustawowy skład): FOR > members / 2.

    ``members`` is the statutory number of members (e.g. 21 councillors: 11 needed), or
    the total weight (all shares) when deciding by weight.
    """

    members: Number
    name: str = "absolute-of-members"

    def __post_init__(self) -> None:
        members = exact(self.members, "members")
        if members <= 0:
            raise ValueError(f"the statutory membership must be positive, got {members}")
        object.__setattr__(self, "members", members)

    def decide(self, counts: VoteCounts, translate: Translate | None = None) -> Decision:
        """Adopt when FOR is more than half of the statutory membership."""
        if counts.cast > self.members:
            raise ValueError(f"{counts.cast} votes cast but only {self.members} members")
        adopted = 2 * counts.for_ > self.members
        needed = _more_than(Fraction(self.members, 2), _integral(self.members, counts.for_))
        template = text.MEMBERS_MET if adopted else text.MEMBERS_NOT_MET
        reason = text.render(
            template, translate, for_=counts.for_, members=self.members, needed=needed
        )
        return _decision(self.name, counts, adopted, reason, translate)


@dataclass(frozen=True)
class QualifiedMajority:
    """Qualified majority (większość kwalifikowana): FOR ≥ share × votes cast.

    Votes cast include abstentions, as the Commercial Companies Code counts them; use
    ``TWO_THIRDS`` or ``THREE_QUARTERS``, or any share between 1/2 and 1.
    """

    share: Fraction
    name: str = ""

    def __post_init__(self) -> None:
        share = Fraction(exact(self.share, "share"))
        if not Fraction(1, 2) <= share <= 1:
            raise ValueError(f"a qualified majority share lies in [1/2, 1], got {share}")
        object.__setattr__(self, "share", share)
        if not self.name:
            object.__setattr__(self, "name", f"qualified-{share.numerator}/{share.denominator}")

    def decide(self, counts: VoteCounts, translate: Translate | None = None) -> Decision:
        """Adopt when FOR reaches the share of all votes cast."""
        share = self.share
        adopted = counts.for_ * share.denominator >= counts.cast * share.numerator
        needed = _at_least(share * counts.cast, _integral(counts.for_, counts.cast))
        template = text.QUALIFIED_MET if adopted else text.QUALIFIED_NOT_MET
        reason = text.render(
            template,
            translate,
            for_=counts.for_,
            share=f"{share.numerator}/{share.denominator}",
            cast=counts.cast,
            needed=needed,
        )
        return _decision(self.name, counts, adopted, reason, translate)


SIMPLE = SimpleMajority()
ABSOLUTE = AbsoluteMajority()
TWO_THIRDS = QualifiedMajority(Fraction(2, 3))
THREE_QUARTERS = QualifiedMajority(Fraction(3, 4))


@dataclass(frozen=True)
class Quorum:
    """A quorum: a share of the statutory membership, or of the capital, present.

    Councils: at least half of the statutory membership (``Quorum(21)``; the Polish
    municipal statute says "co najmniej połowy"). Where a statute says "more than half",
    pass ``inclusive=False``. Companies: ``Quorum(total_shares, share=Fraction(1, 3))``
    with the shares present.
    """

    statutory: Number
    share: Fraction = Fraction(1, 2)
    inclusive: bool = True

    def __post_init__(self) -> None:
        statutory = exact(self.statutory, "statutory")
        share = Fraction(exact(self.share, "share"))
        if statutory <= 0:
            raise ValueError(f"the statutory total must be positive, got {statutory}")
        if not 0 < share <= 1:
            raise ValueError(f"a quorum share lies in (0, 1], got {share}")
        object.__setattr__(self, "statutory", statutory)
        object.__setattr__(self, "share", share)

    def check(self, present: Number, translate: Translate | None = None) -> QuorumCheck:
        """Compare the members (or capital) present with the quorum."""
        present = exact(present, "present")
        if not 0 <= present <= self.statutory:
            raise ValueError(f"{present} present is outside 0..{self.statutory}")
        limit = self.share * self.statutory
        integral = _integral(present, self.statutory)
        if self.inclusive:
            met = present >= limit
            needed = _at_least(limit, integral)
        else:
            met = present > limit
            needed = _more_than(limit, integral)
        template = text.QUORUM_MET if met else text.QUORUM_NOT_MET
        sentence = text.render(
            template, translate, present=present, statutory=self.statutory, needed=needed
        )
        return QuorumCheck(met, present, self.statutory, needed, sentence)


def decide(
    rule: MajorityRule,
    counts: VoteCounts,
    *,
    quorum: Quorum | None = None,
    present: Number | None = None,
    translate: Translate | None = None,
) -> Decision:
    """Apply a majority rule, and the quorum when one is given.

    Without a quorum the vote is not valid, so the motion is not adopted whatever the
    counts; the sentence then gives both the counts and the missing quorum.
    """
    decision = rule.decide(counts, translate)
    if quorum is None:
        return decision
    if present is None:
        raise ValueError("a quorum needs the number (or weight) present")
    check = quorum.check(present, translate)
    if check.met:
        sentence = text.render(
            text.WITH_QUORUM, translate, decision=decision.sentence, quorum=check.sentence
        )
        return Decision(decision.adopted, decision.rule, counts, sentence, check)
    reason = text.render(
        text.WITHOUT_QUORUM,
        translate,
        quorum=check.sentence,
        for_=counts.for_,
        against=counts.against,
        abstain=counts.abstain,
    )
    sentence = text.render(text.NOT_ADOPTED, translate, reason=reason)
    return Decision(False, decision.rule, counts, sentence, check)
