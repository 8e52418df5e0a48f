"""Issue 12, Done when: card POSTs under load while the box closes, Redis restarts and the
web's database connections are killed. Every acknowledged card is stored once and counted,
none after the close, no address over its links, no e-mail twice, the worker still alive.

PostgreSQL, a real celery worker on a redis-server of the test's own (also the cache).
"""
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.core.cache import caches
from django.db import connection, connections, transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from ballots.hashing import token_digest
from ballots.models import Ballot, BallotLink
from ballots.services import box_close
from notifications.models import OutboundEmail
from notifications.services import email_queue
from notifications.tasks import email_deliver_queued
from tests.security.faults import (
    needs_postgresql,
    redis_server,  # noqa: F401 - a fixture, used by name
)
from tests.security.test_fault_worker import worker_on  # noqa: F401 - a fixture
from tests.voting.conftest import box_make, card_data, first_option, issue_token
from tests.worker.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

CARDS = 48
FAMILY = 8  # link requests for one address, racing the cards


@pytest.fixture
def redis_everywhere(settings, redis_server):  # noqa: F811
    """The cache on the throwaway server too: its restart hits rate limits as well."""
    settings.CACHES = {"default": {"BACKEND": "wotum.cache.RedisCache",
                                   "LOCATION": f"{redis_server.url}/1"}}
    yield
    caches["default"].close()


WEB = "wotum-load-web"


def _terminate_web_backends(seconds: float = 1.5) -> int:
    """Keep terminating the requests' database backends (named WEB; Django opens one per
    request here) for ``seconds``; the worker's and this test's own are spared."""
    db = connection.settings_dict
    killed, deadline = 0, time.monotonic() + seconds
    with psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
                         user=db["USER"], password=db["PASSWORD"] or None,
                         dbname=db["NAME"], autocommit=True) as other:
        while time.monotonic() < deadline:
            killed += other.execute(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = %s",
                [WEB]).fetchone()[0]
            time.sleep(0.02)
    return killed


def test_cards_under_load_survive_a_close_a_redis_restart_and_killed_connections(
        city, monkeypatch, worker_on, redis_server, redis_everywhere):  # noqa: F811
    needs_postgresql()
    box = box_make(city, pesel_required=False)
    with monkeypatch.context() as quiet:  # read the links before the worker wipes them
        quiet.setattr("ballots.services.delivery_nudge", lambda: None)
        quiet.setattr("notifications.services.delivery_nudge", lambda: None)
        tokens = [issue_token(box, f"v{n}@example.org") for n in range(CARDS)]
    data = card_data(box, local=first_option(box, "Chwałowice").pk,
                     citywide=first_option(box, "Ogólnomiejski").pk, pesel=None)
    answered, lock = [], threading.Lock()
    acknowledged, closed_at = [], []

    def post(job):
        kind, value = job
        try:
            client = Client(raise_request_exception=False)
            if kind == "card":
                # When the voter pressed the button: a request sent before the close may
                # be answered after it, one sent after it must be turned away.
                sent_at = time.monotonic()
                page = client.post(reverse("ballots:card", args=[value]), data)
                if page.status_code == 302 and page.url == reverse("ballots:thanks"):
                    with lock:
                        acknowledged.append((value, sent_at))
            else:
                page = client.post(reverse("ballots:link_request", args=[box.pk]),
                                   {"email": "rodzina@example.org"})
            with lock:
                answered.append(page.status_code)
        except Exception as error:  # noqa: BLE001 - a killed connection mid-request
            with lock:
                answered.append(type(error).__name__)
        finally:
            connections.close_all()

    jobs = [("card", token) for token in tokens]
    for n in range(FAMILY):
        jobs.insert(n * 6 + 3, ("link", n))
    started = time.monotonic()
    # The requests' threads connect under this name (their settings are this dict).
    with monkeypatch.context() as named, ThreadPoolExecutor(max_workers=6) as pool:
        named.setitem(connection.settings_dict["OPTIONS"], "application_name", WEB)
        futures = [pool.submit(post, job) for job in jobs]
        assert wait_for(lambda: len(answered) >= 10, timeout=30)
        killed = _terminate_web_backends()
        assert wait_for(lambda: len(answered) >= 20, timeout=30)
        redis_server.kill()
        time.sleep(1)
        redis_server.start()
        assert wait_for(lambda: len(answered) >= 32, timeout=30)
        with transaction.atomic():
            counted = box_close(box=box, actor=None)
        closed_at.append(time.monotonic())
        for future in futures:
            future.result()
    assert killed >= 1

    # Every acknowledged card stored once, counted by the close; none after it.
    links = {link.pk: link for link in BallotLink.objects.filter(box=box)}
    cards = list(Ballot.objects.filter(box=box))
    per_link = Counter(card.link_id for card in cards if card.link_id)
    assert set(per_link.values()) <= {1}
    assert {card.state for card in cards} <= {"counted"}
    assert counted == len(cards) >= len(acknowledged) > 0
    stored = {links[card.link_id].token_digest for card in cards if card.link_id}
    assert {token_digest(token) for token, _at in acknowledged} <= stored
    assert all(at < closed_at[0] for _token, at in acknowledged)
    used = [link for link in links.values() if link.state == "used"]
    assert len(used) == len(per_link)
    # No address over its three links, the racing family included.
    assert max(BallotLink.objects.filter(box=box).values("email_digest")
               .annotate(n=Count("id")).values_list("n", flat=True)) <= 3
    assert 500 not in answered or answered.count(500) <= killed  # only the killed requests

    # The worker is alive: a message queued now goes out, and nothing went out twice.
    email_queue(to="after@example.org", subject="Po restarcie", body_text="x", kind="test")
    # A nudge published on a connection from before the restart may be lost (it fails soft);
    # what beat's minute sweep publishes then:
    email_deliver_queued.apply_async()
    done = wait_for(lambda: not OutboundEmail.objects.exclude(status="sent").exists(),
                    timeout=60)
    if not done:  # celery's SIGUSR1 handler logs where each of the worker's threads is
        worker_on["process"].send_signal(signal.SIGUSR1)
        time.sleep(1)
    log = worker_on["log"].read_text()
    assert done, f"mail left unsent; worker log:\n{log[-6000:]}"
    assert worker_on["process"].poll() is None, f"the worker died:\n{log[-3000:]}"
    sends = Counter(line.split()[1] for line in worker_on["sent"].read_text().splitlines())
    assert set(sends.values()) == {1}
    assert len(sends) == OutboundEmail.objects.count()
    assert time.monotonic() - started < 60
