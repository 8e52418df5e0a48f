"""The demo meetings load as the issue describes them, and loading again changes nothing."""
import pytest

from ballots.models import Vote
from demo.meetings import BOARD, GENERAL, meetings_demo_load
from demo.people import people_load
from meetings.models import Meeting, Resolution
from meetings.results import resolution_result
from meetings.selectors import members_unregistered

pytestmark = pytest.mark.django_db


def test_demo_meetings_are_ready_to_run_and_load_idempotently():
    people_load()
    meetings_demo_load()
    meetings_demo_load()

    board = Meeting.objects.get(title=BOARD)
    assert board.state == Meeting.State.REGISTRATION
    assert [e.user.email for e in board.roll.electors.all()] == [
        "shareholder@wotum.localhost", "board2@wotum.localhost", "board3@wotum.localhost"]
    assert members_unregistered(board) == ["Bartłomiej Członkowski"]
    assert not board.resolutions.exclude(state=Resolution.State.DRAFT).exists()

    general = Meeting.objects.get(title=GENERAL)
    assert sorted(general.roll.electors.values_list("weight", flat=True)) == [2000, 3000, 5000]
    proxied = general.roll.electors.get(proxy__isnull=False)
    assert (proxied.user.email, proxied.proxy.email) == ("board3@wotum.localhost",
                                                        "board2@wotum.localhost")
    first = general.resolutions.first()
    assert resolution_result(first).adopted
    assert Meeting.objects.count() == 2 and Vote.objects.filter(poll=first.poll).count() == 3
