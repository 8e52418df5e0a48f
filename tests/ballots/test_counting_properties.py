"""Properties of the counting core on many generated elections (hypothesis)."""

import counting_oracle as oracle
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.counting import (
    ABSOLUTE,
    SIMPLE,
    THREE_QUARTERS,
    TWO_THIRDS,
    AbsoluteMajorityOfMembers,
    Quorum,
    VoteCounts,
    decide,
    equal_shares,
    equal_shares_add1,
    greedy,
    group_ballots,
)
from ballots.counting.equal_shares import Electorate

# Ids chosen so string order differs from number order ("10" < "9").
IDS = ["1", "10", "2", "9", "a", "b", "ż"]
CHECK = settings(max_examples=150, deadline=None)


def costs_strategy():
    # Small integer costs make ties (equal ρ, equal scores) common; a few fractions too.
    return st.one_of(st.integers(0, 12), st.fractions(0, 12, max_denominator=4))


@st.composite
def elections(draw):
    """Return (costs, ballots as a list of sets, budget)."""
    pids = draw(st.lists(st.sampled_from(IDS), unique=True, max_size=6))
    costs = {pid: draw(costs_strategy()) for pid in pids}
    ballot = st.sets(st.sampled_from(pids)) if pids else st.just(set())
    ballots = draw(st.lists(ballot, max_size=9))
    budget = draw(st.one_of(st.integers(0, 40), st.fractions(0, 40, max_denominator=3)))
    return costs, ballots, budget


@st.composite
def greedy_cases(draw):
    costs, _, budget = draw(elections())
    scores = {pid: draw(st.integers(0, 6)) for pid in costs}
    threshold = draw(st.none() | st.integers(0, 4))
    skip = draw(st.booleans())
    return costs, scores, budget, threshold, skip


@CHECK
@given(greedy_cases())
def test_greedy_never_overspends_and_matches_the_oracle(case):
    costs, scores, budget, threshold, skip = case
    outcome = greedy(costs, scores, budget, threshold=threshold, skip=skip)
    assert outcome.cost <= budget
    assert list(outcome.selected) == oracle.greedy(costs, scores, budget, threshold, skip)


@CHECK
@given(greedy_cases())
def test_greedy_with_skip_leaves_nothing_that_fits(case):
    costs, scores, budget, threshold, _ = case
    outcome = greedy(costs, scores, budget, threshold=threshold, skip=True)
    for pid, cost in costs.items():
        eligible = threshold is None or scores[pid] >= threshold
        if pid not in outcome.selected and eligible:
            assert cost > outcome.money_left


@CHECK
@given(greedy_cases(), st.integers(1, 3), st.data())
def test_a_vote_more_never_deselects_a_selected_project(case, extra, data):
    costs, scores, budget, threshold, skip = case
    before = greedy(costs, scores, budget, threshold=threshold, skip=skip)
    if not before.selected:
        return
    pid = data.draw(st.sampled_from(before.selected))
    more = {**scores, pid: scores[pid] + extra}
    assert pid in greedy(costs, more, budget, threshold=threshold, skip=skip).selected


@CHECK
@given(elections())
def test_equal_shares_is_exact_and_never_overspends(case):
    costs, ballots, budget = case
    outcome = equal_shares(costs, group_ballots(ballots), budget, voters=len(ballots))
    assert outcome.cost <= budget
    assert list(outcome.selected) == oracle.equal_shares(costs, ballots, budget)


@CHECK
@given(elections())
def test_equal_shares_add1_is_exact_and_never_overspends(case):
    costs, ballots, budget = case
    outcome = equal_shares_add1(costs, group_ballots(ballots), budget, voters=len(ballots))
    assert outcome.cost <= budget
    assert list(outcome.selected) == oracle.equal_shares_add1(costs, ballots, budget)


@CHECK
@given(elections(), st.fractions(0, 10, max_denominator=3), st.fractions(0, 5, max_denominator=2))
def test_a_warm_start_changes_nothing(case, share, extra):
    costs, ballots, _ = case
    electorate = Electorate(costs, group_ballots(ballots), len(ballots))
    warm = electorate.run(share + extra)
    assert electorate.run(share, warm=warm).purchases == electorate.run(share).purchases


# 100 members: more than the most votes generated below (3 × 20 + 5).
RULES = [SIMPLE, ABSOLUTE, TWO_THIRDS, THREE_QUARTERS, AbsoluteMajorityOfMembers(100)]
amounts = st.one_of(st.integers(0, 20), st.fractions(0, 20, max_denominator=7))


@CHECK
@given(st.sampled_from(RULES), amounts, amounts, amounts, st.integers(1, 5), st.booleans())
def test_majority_decisions_are_monotone_in_for_votes(rule, for_, against, abstain, more, weight):
    basis = "weight" if weight else "head"
    before = rule.decide(VoteCounts(for_, against, abstain, basis))
    after = rule.decide(VoteCounts(for_ + more, against, abstain, basis))
    assert after.adopted or not before.adopted


@CHECK
@given(st.sampled_from(RULES), amounts, amounts, amounts, st.integers(0, 60))
def test_decisions_with_quorum_are_monotone_in_for_votes(rule, for_, against, abstain, present):
    quorum = Quorum(60)
    before = decide(rule, VoteCounts(for_, against, abstain), quorum=quorum, present=present)
    after = decide(rule, VoteCounts(for_ + 1, against, abstain), quorum=quorum, present=present)
    assert after.adopted or not before.adopted
    assert before.adopted <= quorum.check(present).met


@CHECK
@given(amounts, amounts, amounts)
def test_qualified_majorities_are_stricter_than_absolute_and_simple(for_, against, abstain):
    votes = VoteCounts(for_, against, abstain)
    ladder = [THREE_QUARTERS, TWO_THIRDS, ABSOLUTE, SIMPLE]
    adopted = [rule.decide(votes).adopted for rule in ladder]
    assert adopted == sorted(adopted)  # once adopted by a stricter rule, by all laxer ones
