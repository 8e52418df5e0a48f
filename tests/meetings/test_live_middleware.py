"""LiveStateMiddleware: an unchanged live state is a 304 before sessions, auth and the
database, and only for the browser that got the authorised 200 (issue 17)."""
import pytest
from django.test import Client
from django.urls import reverse

from meetings import services

pytestmark = pytest.mark.django_db

ONE = [{"identifier": "Uchwała nr 1/2026"}]


@pytest.fixture(autouse=True)
def _memory_cache(settings):
    # The default cache of the SQLite pass is a database table; production's is Redis.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "live-state-tests"}}


def state(meeting):
    return reverse("meetings:state", args=[meeting.pk])


def test_an_unchanged_state_is_a_304_without_a_database_query(make_meeting, client,
                                                              django_assert_num_queries):
    meeting, (a, *_) = make_meeting(start=True, resolutions=ONE)
    client.force_login(a.user)
    first = client.get(state(meeting))
    assert first.status_code == 200

    with django_assert_num_queries(0):
        again = client.get(state(meeting), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]


def test_a_change_answers_200_with_the_new_state(make_meeting, client, secretary):
    meeting, (a, *_) = make_meeting(start=True, resolutions=ONE)
    client.force_login(a.user)
    before = client.get(state(meeting))

    services.resolution_open(resolution=meeting.resolutions.get(), actor=secretary)
    after = client.get(state(meeting), HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert after.json()["resolutions"][0]["can_vote"] is True


def test_another_browser_with_the_same_etag_gets_no_304(make_meeting, client):
    meeting, (a, b, *_) = make_meeting(start=True, resolutions=ONE)
    client.force_login(a.user)
    etag = client.get(state(meeting))["ETag"]

    other = Client()
    other.force_login(b.user)
    assert other.get(state(meeting), HTTP_IF_NONE_MATCH=etag).status_code == 200
    anonymous = Client()
    assert anonymous.get(state(meeting), HTTP_IF_NONE_MATCH=etag).status_code == 403

