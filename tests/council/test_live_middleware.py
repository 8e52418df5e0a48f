"""LiveStateMiddleware on a council session's public state: a vote past its deadline is
closed by the first poll after it, even with nothing else changed (issue 17)."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from council import services as council_services
from council.models import SessionItem
from meetings import live
from meetings.models import Resolution
from tests.council.conftest import present_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _memory_cache(settings):
    # The default cache of the SQLite pass is a database table; production's is Redis.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "live-state-tests"}}


def test_a_council_vote_past_its_deadline_is_closed_by_the_next_poll(
        session, operator, councillors, client, monkeypatch, django_assert_num_queries):
    present_make(session, operator, councillors[:11])
    resolution = session.resolutions.order_by("pk").first()
    council_services.item_vote_open(resolution=resolution, actor=operator,
                                    rule=Resolution.Rule.SIMPLE, seconds=30)
    url = reverse("council:state", args=[session.pk])
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(0):
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    # The deadline passes with no change: the cached deadline sends the poll to the view.
    closes_at = SessionItem.objects.get(resolution=resolution).closes_at
    SessionItem.objects.filter(resolution=resolution).update(
        closes_at=timezone.now() - timedelta(seconds=1))
    monkeypatch.setattr(live, "_now", lambda: closes_at.timestamp() + 1)
    after = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert after.status_code == 200
    resolution.refresh_from_db()
    assert resolution.state == Resolution.State.CLOSED


def test_a_vote_changes_the_counting_screens_not_the_public_pages(
        session, operator, councillors, client, django_capture_on_commit_callbacks):
    present_make(session, operator, councillors[:11])
    resolution = session.resolutions.order_by("pk").first()
    public = reverse("council:state", args=[session.pk])
    counting = f"{public}?follow={live.TALLY}"
    tags = {url: client.get(url)["ETag"] for url in (public, counting)}

    council_services.item_vote_open(resolution=resolution, actor=operator,
                                    rule=Resolution.Rule.SIMPLE, seconds=600)
    for url in (public, counting):
        opened = client.get(url, HTTP_IF_NONE_MATCH=tags[url])
        assert opened.status_code == 200
        tags[url] = opened["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        council_services.item_vote_cast(resolution=resolution, user=councillors[0],
                                        choice="for")
    assert client.get(public, HTTP_IF_NONE_MATCH=tags[public]).status_code == 304
    counted = client.get(counting, HTTP_IF_NONE_MATCH=tags[counting])
    assert counted.status_code == 200
    projector = client.get(reverse("council:projector", args=[session.pk])).content.decode()
    assert f'data-live-version="{counted.json()["screen"]}"' in projector
    tags[counting] = counted["ETag"]

    from meetings.services import resolution_close

    resolution.refresh_from_db()
    resolution_close(resolution=resolution, actor=operator)
    for url in (public, counting):
        assert client.get(url, HTTP_IF_NONE_MATCH=tags[url]).status_code == 200
