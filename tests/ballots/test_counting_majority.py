"""Majority rules and quorum at their edges: ties, exactly half, all abstain, no votes."""

from fractions import Fraction

import pytest

from ballots.counting import (
    ABSOLUTE,
    SIMPLE,
    THREE_QUARTERS,
    TWO_THIRDS,
    AbsoluteMajorityOfMembers,
    QualifiedMajority,
    Quorum,
    VoteCounts,
    decide,
)


def counts(for_, against, abstain, basis="head"):
    return VoteCounts(for_, against, abstain, basis)


@pytest.mark.parametrize(
    ("rule", "votes", "adopted"),
    [
        # simple majority: FOR > AGAINST, abstentions ignored
        (SIMPLE, (5, 4, 100), True),
        (SIMPLE, (4, 4, 0), False),  # tie
        (SIMPLE, (1, 0, 0), True),
        (SIMPLE, (0, 0, 7), False),  # all abstain
        (SIMPLE, (0, 0, 0), False),  # no votes
        # absolute majority of votes cast: FOR > AGAINST + ABSTAIN
        (ABSOLUTE, (12, 8, 1), True),
        (ABSOLUTE, (10, 8, 2), False),  # exactly half
        (ABSOLUTE, (11, 8, 2), True),
        (ABSOLUTE, (5, 4, 1), False),  # exactly half, abstention decides
        (ABSOLUTE, (0, 0, 3), False),
        (ABSOLUTE, (0, 0, 0), False),
        # qualified 2/3 of votes cast (abstentions count as cast)
        (TWO_THIRDS, (14, 7, 0), True),  # exactly 2/3
        (TWO_THIRDS, (13, 7, 0), False),
        (TWO_THIRDS, (14, 6, 1), True),
        (TWO_THIRDS, (2, 0, 1), True),  # exactly 2/3 with an abstention
        (TWO_THIRDS, (1, 0, 1), False),
        (TWO_THIRDS, (0, 0, 5), False),
        (TWO_THIRDS, (0, 0, 0), False),
        # qualified 3/4
        (THREE_QUARTERS, (3, 1, 0), True),  # exactly 3/4
        (THREE_QUARTERS, (74, 26, 0), False),
        (THREE_QUARTERS, (75, 20, 5), True),
        (THREE_QUARTERS, (0, 0, 0), False),
    ],
)
def test_rules_by_head(rule, votes, adopted):
    decision = rule.decide(counts(*votes))
    assert decision.adopted is adopted
    assert decision.sentence.startswith("adopted" if adopted else "not adopted")


@pytest.mark.parametrize(
    ("members", "for_", "adopted"),
    [
        (21, 11, True),  # 11 of 21 is the absolute majority of the statutory membership
        (21, 10, False),
        (20, 10, False),  # exactly half
        (20, 11, True),
        (15, 8, True),
    ],
)
def test_absolute_majority_of_members(members, for_, adopted):
    rule = AbsoluteMajorityOfMembers(members)
    assert rule.decide(counts(for_, 0, 0)).adopted is adopted


def test_absolute_majority_of_members_counts_absent_members_against():
    # 11 FOR of 21 members wins even when only 12 voted; 10 FOR does not, whatever else.
    rule = AbsoluteMajorityOfMembers(21)
    assert rule.decide(counts(11, 1, 0)).adopted
    assert not rule.decide(counts(10, 0, 0)).adopted
    assert "11 needed" in rule.decide(counts(10, 0, 0)).sentence


@pytest.mark.parametrize(
    ("rule", "votes", "adopted"),
    [
        (SIMPLE, (Fraction(501, 2), Fraction(500, 2), 0), True),
        (ABSOLUTE, (500, 300, 200), False),  # exactly half of the weight cast
        (ABSOLUTE, (501, 300, 200), True),
        (TWO_THIRDS, (Fraction(2, 3), Fraction(1, 3), 0), True),
        (TWO_THIRDS, (Fraction(2, 3) - Fraction(1, 10**9), Fraction(1, 3), 0), False),
        (THREE_QUARTERS, (750_000, 200_000, 50_000), True),
        (THREE_QUARTERS, (749_999, 200_001, 50_000), False),
    ],
)
def test_rules_by_weight(rule, votes, adopted):
    decision = rule.decide(counts(*votes, basis="weight"))
    assert decision.adopted is adopted
    assert decision.sentence.endswith("(by weight)")


def test_absolute_majority_of_capital_by_weight():
    rule = AbsoluteMajorityOfMembers(1_000_000)
    assert not rule.decide(counts(500_000, 0, 0, "weight")).adopted
    assert rule.decide(counts(500_001, 0, 0, "weight")).adopted


def test_sentences_explain_the_decision():
    assert ABSOLUTE.decide(counts(12, 8, 1)).sentence == (
        "adopted: 12 for > 8 against + 1 abstaining"
    )
    assert SIMPLE.decide(counts(4, 4, 1)).sentence == "not adopted: 4 for, not more than 4 against"
    assert TWO_THIRDS.decide(counts(13, 7, 0)).sentence == (
        "not adopted: 13 for < 2/3 of 20 cast (14 needed)"
    )
    assert SIMPLE.decide(counts(0, 0, 0)).sentence == "not adopted: no votes cast"
    assert SIMPLE.decide(counts(12_000, 8_000, 0, "weight")).sentence == (
        "adopted: 12 000 for > 8 000 against (by weight)"
    )


def test_quorum_combined_with_a_majority():
    decision = decide(ABSOLUTE, counts(12, 8, 1), quorum=Quorum(21), present=15)
    assert decision.adopted
    assert decision.sentence == (
        "adopted: 12 for > 8 against + 1 abstaining; quorum 15 of 21 present"
    )
    assert decision.quorum.met and decision.quorum.needed == 11


def test_no_quorum_means_not_adopted_whatever_the_votes():
    decision = decide(SIMPLE, counts(9, 0, 0), quorum=Quorum(21), present=10)
    assert not decision.adopted
    assert decision.sentence == (
        "not adopted: no quorum: 10 of 21 present, 11 needed "
        "(votes: 9 for, 0 against, 0 abstaining)"
    )


@pytest.mark.parametrize(
    ("quorum", "present", "met"),
    [
        (Quorum(20), 10, True),  # exactly half: "at least half" (Polish municipal statute)
        (Quorum(20), 9, False),
        (Quorum(21), 11, True),
        (Quorum(21), 10, False),  # 10.5 needed
        (Quorum(20, inclusive=False), 10, False),  # "more than half"
        (Quorum(20, inclusive=False), 11, True),
        (Quorum(1_000_000, share=Fraction(1, 3)), 333_333, False),  # a third of the capital
        (Quorum(1_000_000, share=Fraction(1, 3)), 333_334, True),
        (Quorum(Fraction(10, 3)), Fraction(5, 3), True),
        (Quorum(21), 0, False),
    ],
)
def test_quorum_edges(quorum, present, met):
    assert quorum.check(present).met is met


def test_quorum_needs_presence_and_sane_numbers():
    with pytest.raises(ValueError, match="present"):
        decide(SIMPLE, counts(1, 0, 0), quorum=Quorum(21))
    with pytest.raises(ValueError, match="outside"):
        Quorum(21).check(22)
    with pytest.raises(ValueError, match="positive"):
        Quorum(0)
    with pytest.raises(ValueError, match="share"):
        Quorum(10, share=Fraction(3, 2))


def test_rule_arguments_are_checked():
    with pytest.raises(ValueError, match="lies in"):
        QualifiedMajority(Fraction(1, 3))
    with pytest.raises(ValueError, match="positive"):
        AbsoluteMajorityOfMembers(0)
    with pytest.raises(ValueError, match="members"):
        AbsoluteMajorityOfMembers(5).decide(counts(4, 2, 0))
    with pytest.raises(TypeError):
        QualifiedMajority(0.75)


def test_sentences_can_be_translated():
    polish = {
        "adopted: {reason}": "przyjęto: {reason}",
        "{for_} for > {against} against": "{for_} za > {against} przeciw",
    }
    decision = SIMPLE.decide(counts(3, 2, 0), translate=lambda text: polish.get(text, text))
    assert decision.sentence == "przyjęto: 3 za > 2 przeciw"


def test_rule_names():
    assert [r.name for r in (SIMPLE, ABSOLUTE, TWO_THIRDS, THREE_QUARTERS)] == [
        "simple",
        "absolute",
        "qualified-2/3",
        "qualified-3/4",
    ]
    assert AbsoluteMajorityOfMembers(21).name == "absolute-of-members"
