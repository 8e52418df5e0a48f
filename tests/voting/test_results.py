"""PB-21: results per pool from the votes and the money, as immutable snapshots."""
from decimal import Decimal

import pytest

from ballots.models import Option, ResultSnapshot
from ballots.results import poll_result_compute
from ballots.selectors import poll_tally
from ballots.services import CardChoices, ballot_cast
from tests.voting.conftest import box_make

pytestmark = pytest.mark.django_db


def _cast(box, poll, codes, times):
    options = {o.code: o.pk for o in poll.options.all()}
    for _ in range(times):
        ballot_cast(box=box, choices=CardChoices({poll.pk: [options[c] for c in codes]}),
                    pesel=None, channel="paper")


@pytest.fixture
def citywide(city):
    """A city-wide pool of 1 000 000 zł where three voters' choices decide the outcome."""
    box = box_make(city, pesel_required=False, citywide_choices=2)
    poll = box.polls.get(title="Ogólnomiejski")
    costs = {"2026/007": "600000", "2026/008": "500000", "2026/009": "300000"}
    for code, cost in costs.items():
        Option.objects.filter(poll=poll, code=code).update(cost=Decimal(cost))
    _cast(box, poll, ["2026/007"], 5)                 # 007: 5 votes, 600 000
    _cast(box, poll, ["2026/008", "2026/009"], 4)     # 008, 009: 4 votes each
    return box, poll


def test_greedy_ranks_by_votes_and_skips_what_no_longer_fits(citywide):
    _box, poll = citywide
    snapshot = poll_result_compute(poll=poll, rule="greedy")

    rows = {row["code"]: row for row in snapshot.data["rows"]}
    assert snapshot.data["selected"] == ["2026/007", "2026/009"]
    assert [row["code"] for row in snapshot.data["rows"]] == ["2026/007", "2026/008",
                                                              "2026/009"]
    assert (rows["2026/008"]["votes"], rows["2026/008"]["selected"]) == (4, False)
    assert snapshot.data["money_left"] == "100000"
    assert snapshot.ballots == 9


def test_recomputing_gives_the_same_snapshot_and_a_new_vote_changes_it(citywide):
    box, poll = citywide
    first = poll_result_compute(poll=poll, rule="greedy")
    again = poll_result_compute(poll=poll, rule="greedy")
    assert first.digest == again.digest and first.pk != again.pk

    _cast(box, poll, ["2026/008"], 2)
    changed = poll_result_compute(poll=poll, rule="greedy")
    assert changed.digest != first.digest
    assert changed.data["selected"] == ["2026/008", "2026/009"]


def test_equal_shares_buys_only_what_supporters_can_pay_for(citywide):
    _box, poll = citywide
    snapshot = poll_result_compute(poll=poll, rule="equal-shares")
    # 9 voters hold 111 111.11 each. The 5 supporters of 007 hold 555 555.56 < 600 000;
    # the 4 of 008 and 009 hold 444 444.44: 009 (75 000 each) is bought first, after
    # which 008 (500 000) is out of their reach.
    assert snapshot.data["selected"] == ["2026/009"]
    assert snapshot.data["money_left"] == "700000"


def test_invalid_ballots_do_not_count(citywide):
    box, poll = citywide
    ballot = box.ballots.first()
    ballot.invalidate(reason="annulled")
    ballot.save()
    ballot.votes.update(counts=False)
    assert poll_tally(poll).total("head") == 12


def test_snapshots_are_immutable(citywide):
    _box, poll = citywide
    snapshot = poll_result_compute(poll=poll)
    snapshot.rule = "forged"
    with pytest.raises(PermissionError):
        snapshot.save()
    assert ResultSnapshot.objects.get(pk=snapshot.pk).rule == "greedy"
