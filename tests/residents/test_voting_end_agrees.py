"""Issue 11: the link page, the card, the edition's pages and the refusal quote one end time,
also when the vote is closed by hand or its date was changed."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from ballots.services import box_refusal
from intake.models import Edition, Proposal
from intake.services import edition_move, edition_save
from organisations.roles import Role
from tests.factories import EditionFactory
from tests.voting.conftest import issue_token
from workflows.timetable import timetable_run

pytestmark = pytest.mark.django_db
WARSAW = datetime.timezone(datetime.timedelta(hours=2))  # summer time, as in September


def _dt(*args):
    return datetime.datetime(*args, tzinfo=WARSAW)


@pytest.fixture
def reviewed(city):
    """An edition in review with one accepted project; its vote planned 17–23 September."""
    with freeze_time("2026-05-10 12:00:00"):
        edition = EditionFactory(organisation=city, intake_starts_at=_dt(2026, 5, 1, 0, 0),
                                 intake_ends_at=_dt(2026, 5, 30, 23, 59),
                                 voting_starts_at=_dt(2026, 9, 17, 0, 0),
                                 voting_ends_at=_dt(2026, 9, 23, 23, 59), phase="review")
    proposal = Proposal.objects.create(
        edition=edition, pool=edition.pools.get(name="Śródmieście"), number=1, title="Ławki",
        description="Ławki", applicant_name="Jan", estimated_cost=Decimal("1000"),
        verified_cost=Decimal("1000"))
    Proposal.objects.filter(pk=proposal.pk).update(state=Proposal.State.ACCEPTED)
    return Edition.objects.get(pk=edition.pk)


def _quoted(client, edition, token) -> dict[str, str]:
    """The sentence on voting's end on every page a resident meets."""
    box = Edition.objects.get(pk=edition.pk).ballot_box

    def sentence(url, testid):
        html = client.get(url).content.decode()
        return html.split(f'data-testid="{testid}">')[1].split("<")[0].strip()

    link_page = reverse("ballots:link_request", args=[box.pk])
    quoted = {"edition": sentence(reverse("intake:edition_public", args=[edition.pk]),
                                  "voting-ends"),
              "front": sentence("/", "voting-ends")}
    if box.state == box.State.OPEN and box_refusal(box) is None:
        quoted["link"] = sentence(link_page, "voting-ends")
        quoted["card"] = sentence(reverse("ballots:card", args=[token]), "voting-ends")
    else:
        quoted["link"] = sentence(link_page, "refusal")
        quoted["card"] = sentence(reverse("ballots:card", args=[token]), "refusal")
        quoted["refusal"] = box_refusal(box)
    return quoted


def _all_say(quoted: dict, expected: str) -> None:
    assert quoted == dict.fromkeys(quoted, expected)


def test_a_vote_closed_early_ends_at_the_same_moment_on_every_page(client, reviewed):
    with freeze_time("2026-09-18 10:00:00"):
        edition = edition_move(edition=reviewed, transition="open_voting", actor=None)
        token = issue_token(edition.ballot_box, "anna@example.org")
        _all_say(_quoted(client, edition, token), "Głosowanie trwa do 23 września 2026, 23:59.")
    with freeze_time("2026-09-20 10:00:00"):  # 12:00 in Warsaw, three days early
        edition_move(edition=Edition.objects.get(pk=edition.pk), transition="close",
                     actor=None)
    with freeze_time("2026-09-21 08:00:00"):
        _all_say(_quoted(client, edition, token),
                 "Głosowanie zakończyło się 20 września 2026, 12:00.")


def test_a_changed_end_date_is_quoted_everywhere_and_a_late_close_keeps_it(client, reviewed,
                                                                          staff):
    with freeze_time("2026-09-01 10:00:00"):
        edition_save(organisation=reviewed.organisation, actor=staff(Role.BUDGET_ADMIN),
                     fields={"voting_ends_at": _dt(2026, 9, 25, 18, 0)}, pools=[],
                     edition=reviewed)
    with freeze_time("2026-09-18 10:00:00"):
        edition = edition_move(edition=Edition.objects.get(pk=reviewed.pk),
                               transition="open_voting", actor=None)
        token = issue_token(edition.ballot_box, "anna@example.org")
        _all_say(_quoted(client, edition, token), "Głosowanie trwa do 25 września 2026, 18:00.")
    # The timetable runs after the end: the vote ended at 18:00 for everyone who tried.
    with freeze_time("2026-09-25 16:00:30"):
        _all_say(_quoted(client, edition, token),
                 "Głosowanie zakończyło się 25 września 2026, 18:00.")
    with freeze_time("2026-09-25 22:10:00"):
        timetable_run()
    assert Edition.objects.get(pk=edition.pk).state == Edition.State.CLOSED
    with freeze_time("2026-09-26 08:00:00"):
        _all_say(_quoted(client, edition, token),
                 "Głosowanie zakończyło się 25 września 2026, 18:00.")
