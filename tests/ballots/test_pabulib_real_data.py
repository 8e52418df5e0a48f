"""Real elections from pabulib: the cities' selections and the reference's outcomes.

The reference outcomes in ``reference/`` were recorded with pabutools 1.2.3 by
``bench/pabutools_reference.py``; ``test_pabulib_reference_live.py`` recomputes some.
"""

import pytest

from ballots import pabulib
from ballots.counting import greedy, greedy_by_support


@pytest.fixture
def election(pabulib_file):
    return pabulib.read(pabulib_file)


def test_greedy_reproduces_the_city_selection(election):
    outcome = pabulib.select(election, "greedy")
    assert set(outcome.selected) == election.selected_ids()
    assert outcome.cost <= election.budget


@pytest.mark.parametrize("rule", ["equal-shares", "equal-shares-add1"])
def test_equal_shares_rules_equal_the_reference(election, reference, rule):
    outcome = pabulib.select(election, rule)
    expected = reference["rules"][rule]
    assert sorted(outcome.selected) == expected["selected"]
    assert list(outcome.selected) == expected["selection_order"]
    assert outcome.cost == expected["cost"]
    assert outcome.cost <= election.budget


def test_completion_greedy_equals_the_reference(election, reference):
    outcome = greedy_by_support(election.costs(), election.supporters(), election.budget)
    assert list(outcome.selected) == reference["rules"]["greedy-cost-sat"]["selection_order"]


def test_vote_and_score_columns_agree_with_the_ballots(election):
    for pid, project in election.projects.items():
        if "votes" in project.fields:
            assert int(project.fields["votes"]) == election.supporters()[pid]
        if "score" in project.fields:
            assert int(project.fields["score"]) == election.scores()[pid]


def test_files_are_written_back_byte_for_byte(pabulib_file):
    assert pabulib.write(pabulib.read(pabulib_file)).encode() == pabulib_file.read_bytes()


def test_points_decide_where_cities_rank_by_points(pabulib_dir):
    # Częstochowa ranks cumulative ballots by points; by votes the selection differs.
    election = pabulib.read(pabulib_dir / "Poland_Czestochowa_2024_Rakow.pb")
    by_votes = greedy(election.costs(), election.supporters(), election.budget)
    assert set(by_votes.selected) != election.selected_ids()
    assert set(pabulib.select(election, "greedy").selected) == election.selected_ids()
