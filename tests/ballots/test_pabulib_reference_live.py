"""Live cross-check against pabutools 1.2.3, when it is installed (the ``reference`` extra).

The recorded outcomes (``reference/``) cover the six sample files without pabutools;
here the reference runs for real: on small sample files, and on generated elections
full of ties, projects that cost nothing, projects nobody approved and empty ballots.
"""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots import pabulib
from ballots.counting import equal_shares, equal_shares_add1, greedy_by_support, group_ballots

pabutools = pytest.importorskip(
    "pabutools", reason="pabutools is not installed: pip install -e '.[reference]' to run these"
)
from pabutools.election import (  # noqa: E402
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
    Instance,
    Project,
    parse_pabulib,
)
from pabutools.fractions import frac  # noqa: E402
from pabutools.rules import (  # noqa: E402
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)


def reference_mes(instance, profile):
    return [p.name for p in method_of_equal_shares(instance, profile, sat_class=Cost_Sat)]


def reference_add1(instance, profile):
    outcome = completion_by_rule_combination(
        instance,
        profile,
        [method_of_equal_shares, greedy_utilitarian_welfare],
        [{"sat_class": Cost_Sat, "voter_budget_increment": 1}, {"sat_class": Cost_Sat}],
    )
    return [p.name for p in outcome]


def reference_greedy(instance, profile):
    return [p.name for p in greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)]


def as_reference(costs, ballots, budget):
    """Build a pabutools instance and approval profile from plain data."""
    projects = {
        pid: Project(pid, frac(Fraction(c).numerator, Fraction(c).denominator))
        for pid, c in costs.items()
    }
    budget = Fraction(budget)
    instance = Instance(projects.values(), budget_limit=frac(budget.numerator, budget.denominator))
    profile = ApprovalProfile([ApprovalBallot([projects[pid] for pid in b]) for b in ballots])
    return instance, profile


SMALL_FILES = ["Poland_Gdynia_2024_Maly_Kack__small.pb", "Poland_Katowice_2024_Bogucice.pb"]


@pytest.mark.parametrize("name", SMALL_FILES)
@pytest.mark.parametrize(
    ("rule", "reference_rule"),
    [("equal-shares", reference_mes), ("equal-shares-add1", reference_add1)],
)
def test_sample_files_against_live_pabutools(pabulib_dir, name, rule, reference_rule):
    path = pabulib_dir / name
    instance, profile = parse_pabulib(str(path))
    outcome = pabulib.select(pabulib.read(path), rule)
    assert list(outcome.selected) == reference_rule(instance, profile)


IDS = ["1", "10", "2", "9", "a", "b"]


@st.composite
def elections(draw):
    pids = draw(st.lists(st.sampled_from(IDS), unique=True, max_size=6))
    costs = {
        pid: draw(st.one_of(st.integers(0, 12), st.fractions(0, 12, max_denominator=3)))
        for pid in pids
    }
    ballot = st.sets(st.sampled_from(pids)) if pids else st.just(set())
    ballots = draw(st.lists(ballot, max_size=8))
    budget = draw(st.one_of(st.integers(0, 40), st.fractions(0, 40, max_denominator=3)))
    return costs, ballots, budget


@settings(max_examples=80, deadline=None)
@given(elections())
def test_generated_elections_against_live_pabutools(case):
    costs, ballots, budget = case
    instance, profile = as_reference(costs, ballots, budget)
    grouped, voters = group_ballots(ballots), len(ballots)
    assert list(equal_shares(costs, grouped, budget, voters=voters).selected) == reference_mes(
        instance, profile
    )
    assert list(
        equal_shares_add1(costs, grouped, budget, voters=voters).selected
    ) == reference_add1(instance, profile)
    supporters = {pid: sum(pid in b for b in ballots) for pid in costs}
    assert list(greedy_by_support(costs, supporters, budget).selected) == reference_greedy(
        instance, profile
    )
