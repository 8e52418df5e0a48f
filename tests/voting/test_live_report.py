"""PB-22: the live report counts what the ballots say, for staff of the organisation only."""
import pytest
from django.urls import reverse

from ballots.models import Ballot
from ballots.pesel import pesel_check
from ballots.services import CardChoices, ballot_cast
from ballots.statistics import box_statistics
from organisations.roles import Role
from tests.voting.conftest import PESEL_2002_F, PESEL_ADULT_F, PESEL_ADULT_M, first_option

pytestmark = pytest.mark.django_db


@pytest.fixture
def voted(box):
    local = first_option(box, "Boguszowice")
    for pesel, channel in ((PESEL_ADULT_M, "email"), (PESEL_ADULT_F, "paper"),
                           (PESEL_2002_F, "email"), (PESEL_ADULT_M, "paper")):
        facts = pesel_check(pesel, on=box.opens_at.date(), minimum_age=16)
        ballot_cast(box=box, choices=CardChoices({local.poll_id: [local.pk]}), pesel=facts,
                    channel=channel)
    return box


def test_figures(voted):
    stats = box_statistics(voted, day=voted.opens_at.date())
    assert (stats.ballots, stats.valid) == (4, 3)
    assert stats.invalid_by_reason == [("głos z tym numerem PESEL już oddano", 1)]
    assert dict(stats.by_channel) == {"odnośnik e-mail": 2, "karta papierowa": 1}
    by_age = {band: (women, men) for band, women, men in stats.by_age}
    assert by_age["16–24"] == (1, 0)       # born 2002, a woman
    assert by_age["35–44"] == (1, 1)       # born 1985 (F) and 1990 (M)
    boguszowice = next(p for p in stats.polls if p["poll"].title == "Boguszowice")
    assert boguszowice["ballots"] == 3
    assert boguszowice["ranking"][0]["votes"] == 3
    assert Ballot.objects.filter(state="invalid").count() == 1


def test_report_page_for_staff_only(client, voted, staff, user_factory, other_city):
    url = reverse("ballots:live_report", args=[voted.pk])
    client.force_login(staff(Role.BUDGET_ADMIN))
    page = client.get(url)
    assert page.status_code == 200
    assert b'data-testid="ballots-valid">3<' in page.content
    for outsider in (user_factory(), staff(Role.BUDGET_ADMIN, organisation=other_city),
                     staff(Role.FORMAL_REVIEWER)):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
