"""PB-11: the reviewer's queue counts and filters by edition and district, with due dates."""
import datetime

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from intake.models import Edition, Proposal

from .conftest import edition_make, proposal_make, review_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_editions(city, edition, people):
    other = edition_make(city, name="Budżet Obywatelski Testowo 2027")
    for title in ("Park", "Ławki", "Boisko"):
        proposal_make(edition, title=title, applicant=people.applicant)
    Proposal.objects.filter(edition=edition, title="Boisko").update(
        pool=edition.pools.get(name="Ogólnomiejski"))
    proposal_make(other, title="Biblioteka", applicant=people.applicant)
    review_start(edition)
    review_start(other)
    Edition.objects.filter(pk=edition.pk).update(
        review_ends_at=timezone.now() - datetime.timedelta(days=1))
    Edition.objects.filter(pk=other.pk).update(
        review_ends_at=timezone.now() + datetime.timedelta(days=10))
    return edition, other


def test_the_queue_counts_each_edition_and_filters_by_edition_and_district(
        client, people, two_editions):
    edition, other = two_editions
    client.force_login(people.formal)
    page = client.get(reverse("workflows:queue")).content.decode()
    counts = page.split('data-testid="task-counts"')[1].split("</p>")[0]
    assert "Budżet Obywatelski Testowo 2026: <strong>3</strong>" in counts
    assert "Budżet Obywatelski Testowo 2027: <strong>1</strong>" in counts
    assert "wszystkie (4)" in page

    page = client.get(reverse("workflows:queue"), {"edition": edition.pk}).content.decode()
    assert "Park" in page and "Biblioteka" not in page
    assert "Dzielnica Północ (2)" in page and "Ogólnomiejski (1)" in page
    north = edition.pools.get(name="Dzielnica Północ")
    page = client.get(reverse("workflows:queue"),
                      {"edition": edition.pk, "district": north.pk}).content.decode()
    assert "Ławki" in page and "Boisko" not in page
    # Not a number: ignored, not an error.
    assert client.get(reverse("workflows:queue"), {"edition": "²"}).status_code == 200


def test_each_task_shows_its_due_date_and_overdue_ones_say_so(client, people, two_editions):
    edition, other = two_editions
    client.force_login(people.formal)
    page = client.get(reverse("workflows:queue"), {"edition": edition.pk}).content.decode()
    assert page.count("po terminie") == 3
    page = client.get(reverse("workflows:queue"), {"edition": other.pk}).content.decode()
    due = timezone.localtime(Edition.objects.get(pk=other.pk).review_ends_at)
    with translation.override("pl"):
        expected = formats.date_format(due, "j E Y")
    assert "po terminie" not in page
    assert expected in page.split('data-testid="due"')[1].split("</td>")[0]
