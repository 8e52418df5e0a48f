"""PB-21: each rule on a known edition, one GROUP BY for the box, points and city variants."""
import pytest

from ballots.models import Ballot, Option, Poll, ResultSnapshot
from ballots.results import box_results_compute, poll_result_compute
from ballots.selectors import box_tallies
from ballots.statistics import box_statistics
from intake.voting import edition_results_compute

pytestmark = pytest.mark.django_db


def selected_titles(snapshots) -> dict[str, list[str]]:
    return {s.poll.title: sorted(row["label"] for row in s.data["rows"] if row["selected"])
            for s in snapshots}


@pytest.mark.parametrize(("rule", "citywide"), [
    # Rowery 5 votes (600 000) first; Psi park (500 000) no longer fits; Koncerty does.
    ("greedy", ["Koncerty", "Rowery miejskie"]),
    # 9 voters hold 111 111.11 each: Rowery's 5 cannot pay 600 000; the 4 buy Koncerty.
    ("equal-shares", ["Koncerty"]),
    # Add1 raises each voter's money until Rowery's 5 can pay for it too.
    ("equal-shares-add1", ["Koncerty", "Rowery miejskie"]),
])
def test_each_rule_on_a_known_edition(voting, rule, citywide):
    edition, _clerk = voting
    snapshots = box_results_compute(box=edition.ballot_box, rule=rule)
    titles = selected_titles(snapshots)
    assert titles["Ogólnomiejski"] == citywide
    if rule == "greedy":
        # Plac zabaw (4 votes, 250 000) first; Ławki (3) no longer fits in 300 000.
        assert titles["Śródmieście"] == ["Plac zabaw"]
        assert titles["Boguszowice"] == ["Drzewa"]
    assert {s.rule for s in snapshots} == {rule}


def test_greedy_rows_carry_votes_cost_cumulative_cost_and_money_left(voting):
    edition, _clerk = voting
    snapshot = {s.poll.title: s for s in box_results_compute(box=edition.ballot_box,
                                                             rule="greedy")}["Ogólnomiejski"]
    rows = [(r["label"], r["votes"], r["cost"], r["cumulative_cost"], r["selected"])
            for r in snapshot.data["rows"]]
    assert rows == [("Rowery miejskie", 5, "600000", "600000", True),
                    ("Psi park", 4, "500000", "600000", False),
                    ("Koncerty", 4, "300000", "900000", True)]
    assert snapshot.data["money_left"] == "100000"
    assert snapshot.ballots == 9


def test_one_group_by_for_the_whole_box(voting, django_assert_max_num_queries):
    edition, _clerk = voting
    box = edition.ballot_box
    polls, options = list(box.polls.all()), list(Option.objects.filter(poll__box=box))
    with django_assert_max_num_queries(1):
        scores = box_tallies(box, polls, options)
    assert scores == box_tallies(box)
    stats = box_statistics(box)
    for entry in stats.polls:
        for row in entry["ranking"]:
            assert scores[entry["poll"].pk].heads[str(row["option"].pk)] == row["votes"]


def test_recomputing_gives_the_same_digests(voting):
    edition, _clerk = voting
    first = [s.digest for s in box_results_compute(box=edition.ballot_box, rule="greedy")]
    again = [s.digest for s in box_results_compute(box=edition.ballot_box, rule="greedy")]
    assert first == again
    assert ResultSnapshot.objects.count() == 6


def test_the_close_counts_with_the_edition_rule(voting):
    edition, _clerk = voting
    edition.selection_rule = "equal-shares"
    snapshots = edition_results_compute(edition=edition)
    assert {s.rule for s in snapshots} == {"equal-shares"}


def test_points_threshold_and_no_skip_are_the_poll_settings(voting):
    edition, _clerk = voting
    poll = edition.ballot_box.polls.get(title="Ogólnomiejski")
    votes = poll.votes.filter(option__label="Koncerty")
    votes.update(weight=3)  # as if cumulative: 4 voters gave Koncerty 3 points each
    Poll.objects.filter(pk=poll.pk).update(scoring=Poll.Scoring.POINTS)
    poll.refresh_from_db()
    data = poll_result_compute(poll=poll).data
    assert [r["label"] for r in data["rows"]] == ["Koncerty", "Rowery miejskie", "Psi park"]
    assert [r["points"] for r in data["rows"]] == [12, 5, 4]
    assert data["selected"] == [r["code"] for r in data["rows"][:2]]

    Poll.objects.filter(pk=poll.pk).update(threshold=6)
    poll.refresh_from_db()
    assert [r["label"] for r in poll_result_compute(poll=poll).data["rows"]
            if r["selected"]] == ["Koncerty"]

    Poll.objects.filter(pk=poll.pk).update(scoring="votes", threshold=None, greedy_skip=False)
    poll.refresh_from_db()
    # No-skip: Psi park does not fit, so counting stops there and Koncerty is not reached.
    assert [r["label"] for r in poll_result_compute(poll=poll).data["rows"]
            if r["selected"]] == ["Rowery miejskie"]


def test_invalid_cards_count_nowhere(voting):
    edition, _clerk = voting
    box = edition.ballot_box
    assert box.ballots.filter(state=Ballot.State.INVALID).count() == 1
    snapshots = box_results_compute(box=box, rule="greedy")
    assert sum(row["votes"] for s in snapshots for row in s.data["rows"]) == 9 + 9 + 4
