"""The demo council loads as the issue describes it, and loading again changes nothing."""
import pytest

from accounts.models import User
from council.councillors import councillors_list
from council.models import Council
from council.selectors import session_votes
from demo.council import (
    LEAVING,
    NEXT,
    OPERATOR,
    PAST,
    SUCCESSOR,
    council_demo_load,
    councillor_emails,
)
from demo.people import people_load
from meetings.models import Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_demo_council_is_ready_to_run_and_loads_idempotently(client):
    people_load()
    council_demo_load()
    council_demo_load()

    council = Council.objects.get(organisation__slug="rada-rybnik")
    assert council.seats == 21
    upcoming = Meeting.objects.get(title=NEXT)
    assert upcoming.state == Meeting.State.DRAFT and upcoming.resolutions.count() == 3
    assert sorted(upcoming.roll.electors.values_list("user__email", flat=True)) == sorted(
        councillor_emails())
    past = Meeting.objects.get(title=PAST)
    votes = session_votes(past)
    assert past.state == Meeting.State.CLOSED and len(votes) == 3
    assert [v.secret for v in votes] == [False, False, True]
    assert Meeting.objects.filter(organisation=council.organisation).count() == 2
    page = client.get("/rada/rada-rybnik/").content.decode()
    assert "Uchwała nr XI/110/2026" in page and "Agnieszka Adamczyk" in page
    assert client.login(email="radny21@wotum.localhost", password="wotum-demo")
    # The "Radni" page: the successor invited, not activated; the one who left kept.
    client.force_login(User.objects.get(email=OPERATOR))
    page = client.get(f"/rada/radni/{council.pk}/").content.decode()
    rows = {c.user.email: c.state for c in councillors_list(council)}
    assert rows[SUCCESSOR[0]] == "invited" and rows[LEAVING] == "former"
    assert SUCCESSOR[0] in page and len([s for s in rows.values() if s != "former"]) == 21
    assert upcoming.session_documents.get().public
    assert past.roll.electors.filter(user__email=LEAVING).exists()
