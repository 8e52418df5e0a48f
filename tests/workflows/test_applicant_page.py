"""The applicant reads the review on their proposal's page: why, what to correct, by when."""
import pytest
from django.urls import reverse
from django.utils import formats

from .conftest import decide, in_days

pytestmark = pytest.mark.django_db


def _page(client, user, proposal):
    client.force_login(user)
    return client.get(reverse("intake:proposal_detail", args=[proposal.pk])).content.decode()


def test_a_returned_proposal_tells_the_applicant_what_to_correct_and_by_when(
        client, reviewing, people):
    deadline = in_days(7)
    decide(people.formal, reviewing, "returned", justification="Dodaj mapkę terenu.",
           correction_deadline=deadline, notes="wewnętrzna uwaga")
    html = _page(client, people.applicant, reviewing)
    assert 'data-testid="returned"' in html and "Dodaj mapkę terenu." in html
    assert f"złóż go ponownie do {formats.date_format(deadline, 'j E Y')}" in html
    assert "wewnętrzna uwaga" not in html and people.formal.email not in html


def test_the_applicant_sees_the_justification_of_a_rejection(client, reviewing, people):
    decide(people.formal, reviewing, "rejected", justification="Teren nie należy do miasta.")
    html = _page(client, people.applicant, reviewing)
    assert "Teren nie należy do miasta." in html and 'data-testid="returned"' not in html
    assert "Ocena wniosku" in html


def test_staff_opening_a_proposal_see_a_staff_breadcrumb(client, reviewing, people):
    staff_html = _page(client, people.admin, reviewing)
    assert "Twoje wnioski" not in staff_html
    assert reverse("intake:edition_detail", args=[reviewing.edition.organisation.slug,
                                                  reviewing.edition.pk]) in staff_html
    assert "Twoje wnioski" in _page(client, people.applicant, reviewing)
