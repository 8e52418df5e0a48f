"""PB-1 "cached, cheap": the front page counts participation once for all its editions."""
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intake.models import Edition, Proposal
from intake.services import edition_move
from intake.timeline import editions_for_residents
from tests.factories import EditionFactory

pytestmark = pytest.mark.django_db


def _editions_in_voting(organisation, count: int) -> None:
    for _n in range(count):
        edition = EditionFactory(organisation=organisation, phase="review")
        Proposal.objects.create(edition=edition, pool=edition.pools.first(), number=1,
                                title="Ławki", description="Ławki", applicant_name="Jan",
                                estimated_cost=Decimal("1000"), verified_cost=Decimal("1000"))
        Proposal.objects.filter(edition=edition).update(state=Proposal.State.ACCEPTED)
        edition_move(edition=Edition.objects.get(pk=edition.pk), transition="open_voting",
                     actor=None)


def _front_page_queries(client) -> tuple[int, int]:
    """Queries of the front page with a cold cache, then with a warm one."""
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        assert client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as warm:
        client.get("/")
    counts = [sum('"ballots_ballot"' in q["sql"] for q in run) for run in (cold, warm)]
    assert counts == [1, 0], "cold: one grouped count of cards; warm: none"
    return len(cold), len(warm)


def test_the_front_page_counts_every_editions_cards_in_one_query(client, voting,
                                                                 django_assert_max_num_queries):
    _editions_in_voting(voting.organisation, 1)
    few = _front_page_queries(client)
    _editions_in_voting(voting.organisation, 4)
    many = _front_page_queries(client)
    assert many == few, "the front page's queries grow with the number of editions"
    cache.clear()
    with django_assert_max_num_queries(few[0]):
        client.get("/")
    with django_assert_max_num_queries(few[1]):
        client.get("/")


def test_each_edition_keeps_its_own_count(voting):
    _editions_in_voting(voting.organisation, 2)
    cards = {card.edition.pk: card.participation.cards for card in editions_for_residents()}
    assert cards.pop(voting.pk) == 9
    assert list(cards.values()) == [0, 0]
    cache.clear()
    Edition.objects.filter(pk=voting.pk).update(state=Edition.State.INTAKE, ballot_box=None)
    by_pk = {card.edition.pk: card.participation for card in editions_for_residents()}
    assert by_pk[voting.pk] is None  # before the vote opens there is nothing to count
