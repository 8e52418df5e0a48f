"""X-4: with Redis stopped, a voter is still answered with the truth (faults against a real,
stopped redis-server of the test's own)."""
import pytest
from django.core.cache import caches
from django.urls import reverse

from ballots.models import Ballot, BallotLink
from notifications.models import OutboundEmail
from tests.security.faults import redis_server  # noqa: F401 - a fixture, used by name
from tests.voting.conftest import card_data, first_option, issue_token
from wotum.celery import app as celery_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings, redis_server):  # noqa: F811
    settings.CACHES = {"default": {"BACKEND": "wotum.cache.RedisCache",
                                   "LOCATION": f"{redis_server.url}/0"}}
    yield caches["default"]
    caches["default"].close()


def test_link_requests_are_answered_and_healthz_says_degraded_while_redis_is_down(
        client, box, redis_cache, redis_server, caplog):  # noqa: F811
    url = reverse("ballots:link_request", args=[box.pk])
    assert client.post(url, {"email": "anna@example.org"}).status_code == 302
    assert client.get("/healthz").json()["cache"] == "ok"

    redis_server.kill()

    page = client.post(url, {"email": "bartek@example.org"})
    assert page.status_code == 302  # sent, not a 500
    assert OutboundEmail.objects.filter(to="bartek@example.org").exists()
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert health.json()["cache"].startswith("error: ")
    assert "rate_limits" in health.json()
    assert "Cache unavailable" in caplog.text


def test_the_link_rate_limit_holds_while_redis_is_up(client, box, redis_cache, settings):
    settings.WOTUM_LINK_RATE = "2/m"
    url = reverse("ballots:link_request", args=[box.pk])
    answers = [client.post(url, {"email": f"p{n}@example.org"}).status_code for n in range(3)]
    assert answers == [302, 302, 200]  # the third is refused on the form


@pytest.mark.django_db(transaction=True)  # real commits: the nudge runs after the card's
def test_a_stored_card_is_acknowledged_while_the_broker_is_down(
        client, box, redis_server, monkeypatch, caplog):  # noqa: F811
    token = issue_token(box, "anna@example.org")
    redis_server.kill()
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    # The namespaced key: the one celery reads first.
    monkeypatch.setitem(celery_app.conf, "CELERY_BROKER_URL", f"{redis_server.url}/1")
    monkeypatch.setenv("CELERY_BROKER_URL", f"{redis_server.url}/1")  # read before settings
    monkeypatch.setattr(celery_app, "_pool", None)  # connections made from the new URL
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    monkeypatch.setattr("notifications.services._next_nudge", 0.0)
    data = card_data(box, local=first_option(box, "Chwałowice").pk,
                     citywide=first_option(box, "Ogólnomiejski").pk)

    page = client.post(reverse("ballots:card", args=[token]), data)

    assert page.status_code == 302 and page.url == reverse("ballots:thanks")
    assert Ballot.objects.get().state == Ballot.State.CAST
    assert BallotLink.objects.get().state == BallotLink.State.USED
    assert OutboundEmail.objects.get(kind="ballot_receipt").status == "queued"
    assert "Could not nudge the e-mail worker" in caplog.text
