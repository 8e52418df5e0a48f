"""Issue 12 item 1: casting and closing serialise (PostgreSQL, threads).

Cards are cast, by link and on paper, through each cast store while another thread closes
the box. Every acknowledged card is stored and counted by the close, whose audit row says
how many; every refused card got the "voting closed" refusal and left nothing behind.
"""
import threading

import pytest
from django.db import connection, connections, transaction

from audit.models import AuditRecord
from ballots.models import Ballot, BallotBox, BallotLink, Vote
from ballots.services import (
    BallotRefused,
    CardChoices,
    ballot_cast,
    ballot_link_request,
    box_close,
)
from tests.voting.conftest import box_make

pytestmark = pytest.mark.django_db(transaction=True)

CARDS = 24


@pytest.fixture(params=["ballots.store.orm.OrmStore",
                        "ballots.store.statement.OneStatementStore"],
                ids=["orm", "one-statement"])
def store(request, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the race is proven on PostgreSQL (SQLite serialises all writers)")
    settings.WOTUM_CAST_STORE = request.param
    return request.param


def test_cards_cast_while_the_box_closes_are_counted_or_refused_never_lost(store, city):
    box = box_make(city)
    citywide = box.polls.get(title="Ogólnomiejski")
    option = citywide.options.first()
    links = [ballot_link_request(box=box, email=f"v{i}@example.org", base_url="http://x")
             for i in range(CARDS // 2)]
    stale_box = BallotBox.objects.get(pk=box.pk)  # every caster read the box while open
    start = threading.Barrier(CARDS + 1)
    acknowledged, refused, errors, counted = [], [], [], []

    def cast(i):
        try:
            start.wait()
            ballot = ballot_cast(box=stale_box, choices=CardChoices(
                by_poll={citywide.pk: [option.pk]}), pesel=None,
                channel="email" if i % 2 else "paper", link=links[i // 2] if i % 2 else None)
            acknowledged.append(ballot.receipt_code)
        except BallotRefused as refusal:
            refused.append(refusal)
        except Exception as error:  # noqa: BLE001 - any other outcome fails the test
            errors.append(error)
        finally:
            connections.close_all()

    def close():
        try:
            start.wait()
            with transaction.atomic():
                counted.append(box_close(box=box, actor=None))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cast, args=(i,)) for i in range(CARDS)]
    threads.insert(CARDS // 2, threading.Thread(target=close))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(acknowledged) + len(refused) == CARDS
    assert {(r.code, r.message) for r in refused} <= {("closed", "Głosowanie jest zamknięte."),
                                                      ("closed", "Voting is closed.")}
    stored = Ballot.objects.filter(box=box)
    assert sorted(stored.values_list("receipt_code", flat=True)) == sorted(acknowledged)
    assert sorted(stored.values_list("state", "channel")) == sorted(
        ("counted", c) for c in stored.values_list("channel", flat=True)), (
        f"{len(acknowledged)} acknowledged, close counted {counted}")
    assert Vote.objects.filter(ballot__box=box).count() == len(acknowledged)
    [closed] = AuditRecord.objects.filter(action="box.close", object_id=str(box.pk))
    assert closed.details["counted"] == counted[0] == len(acknowledged)
    used = BallotLink.objects.filter(box=box, state="used").count()
    assert used == stored.filter(channel="email").count()
