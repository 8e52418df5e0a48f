"""The rules that protect votes hold under simultaneous requests (PostgreSQL, threads)."""

import pytest

from ballots.models import Ballot, BallotLink, EmailQuota
from ballots.pesel import pesel_check
from ballots.services import BallotRefused, CardChoices, ballot_cast, ballot_link_request
from tests.concurrency import race, require_postgres
from tests.voting.conftest import PESEL_ADULT_M, box_make

pytestmark = pytest.mark.django_db(transaction=True)


_require_postgres = require_postgres


def _race(target, n):
    return race(target, n, refused=(BallotRefused,))


def test_ten_simultaneous_requests_for_one_address_issue_exactly_three_links(city):
    _require_postgres()
    box = box_make(city)

    outcomes = _race(lambda i: ballot_link_request(box=box, email="rodzina@example.org",
                                                   base_url="http://x") and "sent", 10)

    assert sorted(outcomes) == ["quota"] * 7 + ["sent"] * 3
    assert BallotLink.objects.filter(box=box).count() == 3
    assert EmailQuota.objects.get(box=box).issued == 3


def test_simultaneous_cards_with_one_pesel_give_exactly_one_valid(city):
    _require_postgres()
    box = box_make(city)
    facts = pesel_check(PESEL_ADULT_M, on=box.opens_at.date(), minimum_age=16)

    outcomes = _race(lambda i: ballot_cast(box=box, choices=CardChoices(), pesel=facts,
                                           channel="paper").state, 8)

    assert sorted(outcomes) == ["cast"] + ["invalid"] * 7
    assert Ballot.objects.filter(box=box, state="cast").count() == 1
    assert Ballot.objects.filter(box=box, state="invalid",
                                 invalid_reason="pesel_already_voted").count() == 7


def test_one_link_used_twice_at_once_casts_one_card(city):
    _require_postgres()
    box = box_make(city)
    link = ballot_link_request(box=box, email="a@example.org", base_url="http://x")

    outcomes = _race(lambda i: ballot_cast(box=box, choices=CardChoices(), pesel=None,
                                           channel="email", link=link).state, 5)

    assert sorted(outcomes) == ["cast"] + ["used"] * 4
    assert Ballot.objects.filter(box=box).count() == 1
