"""Budget selection: greedy as cities count, equal shares, Add1, with explanations."""

from fractions import Fraction

import counting_oracle as oracle
import pytest

from ballots.counting import (
    Project,
    equal_shares,
    equal_shares_add1,
    greedy,
    greedy_by_support,
    group_ballots,
)
from ballots.counting.equal_shares import Electorate

COSTS = {"A": 50, "B": 60, "C": 40, "D": 10}
VOTES = {"A": 10, "B": 9, "C": 8, "D": 8}


def test_greedy_skips_what_does_not_fit_and_spends_to_the_grosz():
    outcome = greedy(COSTS, VOTES, 100)
    assert outcome.selected == ("A", "C", "D")
    assert outcome.cost == 100 and outcome.money_left == 0
    reasons = {row.project: row.reason for row in outcome.rows}
    assert reasons["B"] == "does not fit: 50 left"
    assert reasons["D"] == "selected: fits, 0 left after it"
    assert [row.rank for row in outcome.rows] == [1, 2, 3, 4]
    assert [row.cumulative_cost for row in outcome.rows] == [50, 50, 90, 100]


def test_greedy_no_skip_stops_at_the_first_project_that_does_not_fit():
    outcome = greedy(COSTS, VOTES, 100, skip=False)
    assert outcome.selected == ("A",)
    assert outcome.rule == "greedy-no-skip"
    reasons = [row.reason for row in outcome.rows]
    assert reasons[1] == "does not fit: 50 left; counting stops here (no-skip rule)"
    assert reasons[2:] == ["not considered: counting stopped at B"] * 2


def test_greedy_threshold_is_a_minimum_score():
    outcome = greedy(COSTS, VOTES, 100, threshold=9)
    assert outcome.selected == ("A",)
    assert outcome.rows[2].reason == "below threshold: 8 < 9"
    assert greedy(COSTS, VOTES, 100, threshold=8).selected == ("A", "C", "D")


def test_greedy_ties_go_to_the_lower_project_id_as_strings():
    outcome = greedy({"9": 10, "10": 10}, {"9": 5, "10": 5}, 10)
    assert outcome.selected == ("10",)
    assert outcome.rows[1].reason == "does not fit: 0 left"


def test_greedy_projects_without_votes_score_zero_and_still_count():
    outcome = greedy({"a": 5, "b": 5}, {"a": 3}, 10)
    assert outcome.selected == ("a", "b")
    assert outcome.rows[1].score == 0


def test_greedy_formats_money_for_people():
    outcome = greedy({"big": 1_000_000, "small": 880_000}, {"big": 2, "small": 1}, 1_000_000)
    assert outcome.rows[1].reason == "does not fit: 0 left"
    outcome = greedy({"x": 10}, {"x": 1}, 120_010)
    assert outcome.rows[0].reason == "selected: fits, 120 000 left after it"
    outcome = greedy({"x": Fraction(1, 2)}, {"x": 1}, Fraction(21, 2))
    assert outcome.rows[0].reason == "selected: fits, 10 left after it"


def test_greedy_accepts_projects_and_fraction_costs():
    projects = [Project("p", Fraction(5, 2)), Project("q", 3)]
    outcome = greedy(projects, {"p": 2, "q": 1}, Fraction(11, 2))
    assert outcome.selected == ("p", "q") and outcome.cost == Fraction(11, 2)


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: greedy({"a": -1}, {}, 10), ValueError),
        (lambda: greedy({"a": 1}, {}, -10), ValueError),
        (lambda: greedy({"a": 1}, {"zzz": 3}, 10), ValueError),
        (lambda: greedy({"a": 1.5}, {}, 10), TypeError),
        (lambda: greedy([Project("a", 1), Project("a", 2)], {}, 10), ValueError),
        (lambda: equal_shares({"a": 1}, {frozenset({"b"}): 1}, 10), ValueError),
        (lambda: equal_shares({"a": 1}, {frozenset({"a"}): -1}, 10), ValueError),
        (lambda: equal_shares({"a": 1}, {frozenset({"a"}): 3}, 10, voters=2), ValueError),
    ],
)
def test_bad_inputs_are_refused(call, error):
    with pytest.raises(error):
        call()


def test_greedy_by_support_ranks_by_supporters_and_puts_free_projects_last():
    costs = {"a": 10, "b": 5, "free": 0, "nobody": 1}
    supporters = {"a": 3, "b": 3, "free": 9}
    outcome = greedy_by_support(costs, supporters, 15)
    assert outcome.selected == ("a", "b", "free")
    assert [row.project for row in outcome.rows] == ["a", "b", "free", "nobody"]


# Equal shares, worked by hand: 4 voters and 100 to share, 25 each.
HAND_COSTS = {"X": 40, "Y": 30, "Z": 60}
HAND_BALLOTS = {frozenset("X"): 0, frozenset("XY"): 2, frozenset("XZ"): 2}


def test_equal_shares_by_hand():
    outcome = equal_shares(HAND_COSTS, HAND_BALLOTS, 100)
    # X: 10 each (ρ = 1/4); then Y: 15 each from voters 1-2 (ρ = 1/2); Z: 30 < 60.
    assert outcome.selected == ("X", "Y") and outcome.cost == 70
    reasons = [row.reason for row in outcome.rows]
    assert reasons[0] == "selected by equal shares in round 1: each supporter pays up to 10"
    assert reasons[1] == "selected by equal shares in round 2: each supporter pays up to 15"
    assert reasons[2] == "not selected: its supporters have 30 left, it costs 60"
    assert outcome.details == {"voter_budget": 25, "runs": 1}


def test_equal_shares_add1_raises_every_budget_until_exhaustive():
    # 2 voters, 10 to share. P (6, both) then Q (4, voter 1): Q fits the money left but
    # voter 1 can only pay it once everyone's budget is 7, two increments later.
    costs = {"P": 6, "Q": 4}
    ballots = {frozenset("PQ"): 1, frozenset("P"): 1}
    assert equal_shares(costs, ballots, 10).selected == ("P",)
    outcome = equal_shares_add1(costs, ballots, 10)
    assert outcome.selected == ("P", "Q") and outcome.cost == 10
    assert outcome.details["voter_budget"] == 7
    assert outcome.selected == tuple(oracle.equal_shares_add1(costs, [{"P", "Q"}, {"P"}], 10))


def test_add1_keeps_the_last_run_that_did_not_overspend_then_completes_greedily():
    costs = {"a": 6, "b": 6, "c": 1}
    ballots = {frozenset("a"): 1, frozenset("b"): 1, frozenset("c"): 1}
    # 3 voters, 4 each at first: nothing is affordable alone until each voter has 6,
    # and then a and b together overspend; so the run before stands and greedy fills.
    outcome = equal_shares_add1(costs, ballots, 12)
    expected = oracle.equal_shares_add1(costs, [{"a"}, {"b"}, {"c"}], 12)
    assert list(outcome.selected) == expected
    assert outcome.cost <= 12


def test_free_projects_are_left_to_the_greedy_completion():
    costs = {"free": 0, "paid": 10}
    ballots = {frozenset({"free", "paid"}): 2}
    assert equal_shares(costs, ballots, 10).selected == ("paid",)
    assert (
        equal_shares(costs, ballots, 10)
        .rows[1]
        .reason.startswith("not selected by equal shares: a project that costs nothing")
    )
    assert equal_shares_add1(costs, ballots, 10).selected == ("paid", "free")


def test_empty_ballots_share_the_budget():
    costs = {"A": 6}
    # 3 voters, one with an empty ballot: 3 each, so A's two supporters pay exactly 6.
    assert equal_shares(costs, {frozenset(): 1, frozenset("A"): 2}, 9).selected == ("A",)
    assert equal_shares(costs, {frozenset("A"): 2}, 9, voters=3).selected == ("A",)
    assert equal_shares(costs, {frozenset("A"): 2}, 8, voters=3).selected == ()


def test_equal_shares_ties_go_to_the_lower_id_and_grouping_changes_nothing():
    # 5 each; a and b tie at ρ = 1/2, a wins, and then b's supporters have 5 < 10.
    costs = {"b": 10, "a": 10, "c": 10}
    ballots = [{"a"}, {"b"}, {"a", "b"}, {"c"}]
    grouped = group_ballots(ballots)
    assert equal_shares(costs, grouped, 20).selected == ("a",)
    assert equal_shares(costs, [(b, 1) for b in ballots], 20).selected == ("a",)
    swapped = [{"b"}, {"a"}, {"a", "b"}, {"c"}]
    assert equal_shares(costs, group_ballots(swapped), 20).selected == ("a",)
    assert list(equal_shares(costs, grouped, 20).selected) == oracle.equal_shares(
        costs, ballots, 20
    )


def test_no_voters_no_projects():
    assert equal_shares({}, {}, 100).selected == ()
    assert equal_shares({"a": 5}, {}, 100).selected == ()
    assert equal_shares_add1({"a": 5}, {}, 100).selected == ("a",)  # greedy completion
    assert greedy({}, {}, 0).selected == ()


def test_fraction_costs_and_budgets_are_exact():
    costs = {"a": Fraction(1, 3), "b": Fraction(1, 7), "c": Fraction(5, 11)}
    ballots = [{"a", "b"}, {"b", "c"}, {"c"}, {"a"}, {"a", "c"}]
    budget = Fraction(9, 10)
    ours = equal_shares(costs, group_ballots(ballots), budget)
    assert list(ours.selected) == oracle.equal_shares(costs, ballots, budget)
    ours = equal_shares_add1(costs, group_ballots(ballots), budget)
    assert list(ours.selected) == oracle.equal_shares_add1(costs, ballots, budget)


def test_a_warm_run_equals_a_cold_one():
    costs = {str(i): c for i, c in enumerate([30, 45, 12, 60, 25, 8, 33])}
    ballots = [{"0", "1"}, {"1", "2", "3"}, {"3", "4"}, {"0", "5"}, {"6"}, {"2", "6"}, {"4"}]
    electorate = Electorate(costs, group_ballots(ballots), len(ballots))
    for richer, poorer in [(30, 29), (31, 25), (Fraction(61, 2), 30)]:
        warm = electorate.run(richer)
        assert electorate.run(poorer, warm=warm).purchases == electorate.run(poorer).purchases
    with pytest.raises(ValueError, match="at least as much"):
        electorate.run(31, warm=electorate.run(30))


def test_add1_rows_explain_selection_and_what_did_not_fit():
    costs = {"P": 6, "Q": 4, "R": 3, "nobody": 20}
    ballots = {frozenset("PQ"): 1, frozenset("PR"): 1}
    outcome = equal_shares_add1(costs, ballots, 10)
    by_project = {row.project: row for row in outcome.rows}
    assert by_project["P"].reason.startswith("selected by equal shares in round 1")
    assert not by_project["nobody"].selected
    assert by_project["nobody"].reason == f"does not fit: {outcome.money_left} left"
    assert outcome.rows[-1].cumulative_cost == outcome.cost
    assert sum(row.cost for row in outcome.rows if row.selected) == outcome.cost
