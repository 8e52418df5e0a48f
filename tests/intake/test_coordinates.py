"""PB-14: where a project would be built, given by the clerk, an import or the applicant."""
from decimal import Decimal

import pytest
from django.urls import reverse

from intake.models import Edition, Proposal
from intake.services import edition_move

from .importfiles import HEADER, good_rows, xlsx_file

pytestmark = pytest.mark.django_db


def _paper(edition, **extra):
    return {"title": "Plac zabaw", "pool": edition.pools.get(name="Śródmieście").pk,
            "location": "ul. Rudzka 12", "description": "Zjeżdżalnia i huśtawki.",
            "estimated_cost": "250 000", "applicant_name": "Jan Nowak", "action": "save",
            **extra}


def test_coordinates_the_clerk_types_with_a_comma_are_on_the_project_page(client, edition,
                                                                           clerk):
    client.force_login(clerk)
    url = reverse("intake:paper_proposal_create", args=[edition.organisation.slug, edition.pk])
    response = client.post(url, _paper(edition, latitude="50,0971", longitude=" 18.5418 "))
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.latitude, proposal.longitude) == (Decimal("50.097100"),
                                                       Decimal("18.541800"))
    staff_page = client.get(reverse("intake:proposal_detail", args=[proposal.pk]))
    assert "szerokość 50,0971, długość 18,5418" in staff_page.content.decode()
    # The clerk's correction form shows the coordinates the Polish way.
    form = client.get(reverse("intake:proposal_update", args=[proposal.pk])).content.decode()
    assert 'value="50,0971"' in form and 'value="18,5418"' in form

    # The proposal goes through review onto the ballot; the vote opens.
    Proposal.objects.filter(pk=proposal.pk).update(state=Proposal.State.ACCEPTED, number=1,
                                                   verified_cost=Decimal("250000"))
    Edition.objects.filter(pk=edition.pk).update(state=Edition.State.REVIEW)
    edition = edition_move(edition=Edition.objects.get(pk=edition.pk), transition="open_voting",
                           actor=None)
    client.logout()
    page = client.get(reverse("intake:project_detail", args=[edition.pk, 1])).content.decode()
    assert "ul. Rudzka 12" in page
    assert "openstreetmap.org/?mlat=50.097100&amp;mlon=18.541800" in page


@pytest.mark.parametrize(("latitude", "longitude", "message"), [
    ("50,0971", "", "Podaj obie współrzędne"),
    ("", "18,5418", "Podaj obie współrzędne"),
    ("18,5418", "50,0971", "poza Polską"),  # swapped
    ("5,0971", "18,5418", "poza Polską"),
    ("50°05′", "18,5418", "nie jest liczbą stopni"),
])
def test_coordinates_outside_poland_half_given_or_not_numbers_are_refused(
        client, edition, clerk, latitude, longitude, message):
    client.force_login(clerk)
    url = reverse("intake:paper_proposal_create", args=[edition.organisation.slug, edition.pk])
    response = client.post(url, _paper(edition, latitude=latitude, longitude=longitude))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Proposal.objects.exists()


def test_the_applicant_gives_an_address_only_or_picks_coordinates_too(client, edition,
                                                                      resident):
    client.force_login(resident)
    url = reverse("intake:proposal_create", args=[edition.pk])
    assert 'name="latitude"' in client.get(url).content.decode()
    client.post(url, _paper(edition, title="Tylko adres"))
    client.post(url, _paper(edition, title="Z mapą", latitude="50.0971", longitude="18.5418"))
    assert dict(Proposal.objects.values_list("title", "latitude")) == {
        "Tylko adres": None, "Z mapą": Decimal("50.097100")}
    with_map = Proposal.objects.get(title="Z mapą")
    client.post(reverse("intake:proposal_update", args=[with_map.pk]),
                _paper(edition, title="Z mapą", category="Sport"))
    with_map.refresh_from_db()
    # Clearing both fields removes the place from the map; the category is kept.
    assert (with_map.latitude, with_map.longitude, with_map.category) == (None, None, "Sport")


def test_an_import_takes_coordinates_from_their_columns_and_refuses_bad_ones(client, edition,
                                                                            clerk):
    client.force_login(clerk)
    url = reverse("intake:proposal_import", args=[edition.organisation.slug, edition.pk])
    header = [*HEADER, "szerokość geograficzna", "długość geograficzna"]
    rows = [[*row, lat, lon] for row, (lat, lon) in zip(
        good_rows(3), [("50,0971", "18,5418"), (50.1, 18.6), ("", "")], strict=True)]
    bad = [[*rows[0][:-2], "50,0971", ""], *rows[1:]]
    response = client.post(url, {"file": xlsx_file(bad, header)})
    assert [line for line, _ in response.context["report"].errors] == [2]
    assert "Podaj obie współrzędne" in response.content.decode()
    client.post(url, {"file": xlsx_file(rows, header)})
    assert list(Proposal.objects.order_by("number").values_list("latitude", "longitude")) == [
        (Decimal("50.097100"), Decimal("18.541800")), (Decimal("50.1"), Decimal("18.6")),
        (None, None)]
