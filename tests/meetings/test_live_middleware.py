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



def tagged(user):
    """A browser of ``user`` holding the tag of the meeting's state as it shows it now."""
    browser = Client()
    browser.force_login(user)
    return browser


def poll(browser, meeting, etag=None):
    return browser.get(state(meeting), **({"HTTP_IF_NONE_MATCH": etag} if etag else {}))


def test_other_peoples_votes_keep_a_members_tag_but_not_the_secretarys(
        make_meeting, secretary, django_capture_on_commit_callbacks, django_assert_num_queries):
    meeting, (a, b, c) = make_meeting(start=True, resolutions=ONE)
    resolution = services.resolution_open(resolution=meeting.resolutions.get(),
                                          actor=secretary)
    member, runner = tagged(a.user), tagged(secretary)
    member_first, runner_first = poll(member, meeting), poll(runner, meeting)

    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_vote(resolution=resolution, elector=b, cast_by=b.user, choice="for")

    with django_assert_num_queries(0):
        assert poll(member, meeting, member_first["ETag"]).status_code == 304
    # The secretary's screen shows the votes cast: its live region must be fetched again.
    after = poll(runner, meeting, runner_first["ETag"])
    assert after.status_code == 200
    assert after.json()["screen"] != runner_first.json()["screen"]
    page = runner.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert f'data-live-version="{after.json()["screen"]}"' in page


def test_a_members_own_vote_elsewhere_and_their_proxys_change_their_screen(
        make_meeting, secretary, django_capture_on_commit_callbacks):
    meeting, (a, b, c) = make_meeting(start=True, resolutions=ONE)
    services.proxy_note(meeting=meeting, elector=b, proxy_email=a.user.email,
                        document="pełnomocnictwo z 1 grudnia 2026", actor=secretary)
    resolution = services.resolution_open(resolution=meeting.resolutions.get(),
                                          actor=secretary)
    proxy, principal, other = tagged(a.user), tagged(b.user), tagged(c.user)
    tags = {browser: poll(browser, meeting) for browser in (proxy, principal, other)}

    # The proxy votes for the principal (from their phone, say): both screens show it.
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_vote(resolution=resolution, elector=b, cast_by=a.user,
                              choice="against")

    for browser in (proxy, principal):
        after = poll(browser, meeting, tags[browser]["ETag"])
        assert after.status_code == 200
        assert after.json()["screen"] != tags[browser].json()["screen"]
        page = browser.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
        assert 'data-testid="my-vote"' in page
        assert f'data-live-version="{after.json()["screen"]}"' in page
    assert poll(other, meeting, tags[other]["ETag"]).status_code == 304


def test_opening_and_closing_a_vote_change_every_screen(make_meeting, secretary):
    meeting, (a, *_) = make_meeting(start=True, resolutions=ONE)
    member, runner = tagged(a.user), tagged(secretary)
    tags = {browser: poll(browser, meeting)["ETag"] for browser in (member, runner)}

    resolution = services.resolution_open(resolution=meeting.resolutions.get(),
                                          actor=secretary)
    for browser in (member, runner):
        opened = poll(browser, meeting, tags[browser])
        assert opened.status_code == 200
        assert opened.json()["resolutions"][0]["state"] == "open"
        tags[browser] = opened["ETag"]

    services.resolution_close(resolution=resolution, actor=secretary)
    for browser in (member, runner):
        closed = poll(browser, meeting, tags[browser])
        assert closed.status_code == 200
        assert closed.json()["resolutions"][0]["state"] == "closed"


def test_the_wsgi_application_answers_the_middlewares_304_and_passes_the_rest_on(
        make_meeting, monkeypatch):
    from django.conf import settings

    from wotum import wsgi

    meeting, (a, *_) = make_meeting(start=True, resolutions=ONE)
    browser = tagged(a.user)
    first = poll(browser, meeting)
    through_django = poll(browser, meeting, first["ETag"])
    assert through_django.status_code == 304
    passed_on = []
    monkeypatch.setattr(wsgi, "django_application",
                        lambda environ, start_response: passed_on.append(environ) or [b"200"])

    name = settings.SESSION_COOKIE_NAME
    cookie = f"{name}={browser.cookies[name].value}"

    def call(etag, method="GET"):
        answered = []
        body = wsgi.application({
            "REQUEST_METHOD": method, "PATH_INFO": state(meeting), "QUERY_STRING": "",
            "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_COOKIE": cookie,
            "HTTP_IF_NONE_MATCH": etag}, lambda status, headers: answered.append((status,
                                                                                   headers)))
        return answered, body

    answered, body = call(first["ETag"])
    assert answered == [("304 Not Modified", list(through_django.items()))]
    assert body == [] and passed_on == []

    assert call('"m1-v1-c1-0123456789abcdef01234567"') == ([], [b"200"])
    assert call(first["ETag"], method="HEAD") == ([], [b"200"])
    assert len(passed_on) == 2
