"""PB-12: lists of all, accepted and rejected proposals for staff, with their xlsx export."""
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from organisations.roles import Role
from tests.workflows.conftest import decide, review_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(submit, edition, people, user_factory):
    """Four proposals: accepted, rejected formally, rejected on merit, still in review."""
    accepted = submit("Park kieszonkowy")
    rejected = submit("Parking wielopoziomowy", applicant=user_factory())
    rejected_merit = submit("Fontanna", applicant=user_factory())
    waiting = submit("Ścieżka rowerowa", applicant=user_factory(),
                     applicant_email="jan.kowalski@example.org")
    review_start(edition)
    for proposal in (accepted, rejected_merit):
        decide(people.formal, proposal, "accepted")
    decide(people.merit, accepted, "accepted", verified_cost=Decimal("140000"))
    decide(people.formal, rejected, "rejected", justification="Zadanie nie jest w gestii miasta.")
    decide(people.merit, rejected_merit, "rejected", justification="Za drogie.")
    return {"accepted": accepted, "rejected": rejected, "rejected_merit": rejected_merit,
            "waiting": waiting}


def _url(city, kind, name="workflows:proposals"):
    return reverse(name, args=[city.slug, kind])


def _listed(response):
    return [proposal.title for proposal in response.context["proposals"]]


@pytest.mark.parametrize("role", [Role.BUDGET_ADMIN, Role.FORMAL_REVIEWER, Role.MERIT_REVIEWER])
def test_staff_see_the_three_lists(client, reviewed, staff, city, role):
    client.force_login(staff(role))

    assert _listed(client.get(_url(city, "all"))) == [
        "Park kieszonkowy", "Parking wielopoziomowy", "Fontanna", "Ścieżka rowerowa"]
    assert _listed(client.get(_url(city, "accepted"))) == ["Park kieszonkowy"]
    rejected = client.get(_url(city, "rejected"))
    assert _listed(rejected) == ["Parking wielopoziomowy", "Fontanna"]
    assert "Zadanie nie jest w gestii miasta." in rejected.content.decode()


@pytest.mark.parametrize("who", ["applicant", "clerk", "other_city"])
@pytest.mark.parametrize("name", ["workflows:proposals", "workflows:proposals_export"])
def test_other_people_get_a_404_on_each_list_and_export(client, reviewed, people, staff,
                                                        other_city, city, who, name):
    user = {"applicant": people.applicant, "clerk": people.clerk,
            "other_city": staff(Role.BUDGET_ADMIN, organisation=other_city)}[who]
    client.force_login(user)

    for kind in ("all", "accepted", "rejected"):
        assert client.get(_url(city, kind, name)).status_code == 404


def test_an_unknown_list_is_a_404(client, reviewed, people, city):
    client.force_login(people.admin)
    assert client.get(_url(city, "everything")).status_code == 404


def test_lists_filter_by_pool_status_reviewer_and_title(client, reviewed, people, city,
                                                        edition):
    client.force_login(people.admin)
    district = edition.pools.get(kind="district")
    citywide = edition.pools.get(kind="citywide")

    assert len(_listed(client.get(_url(city, "all"), {"pool": district.pk}))) == 4
    assert _listed(client.get(_url(city, "all"), {"pool": citywide.pk})) == []
    assert _listed(client.get(_url(city, "all"), {"state": "submitted"})) == ["Ścieżka rowerowa"]
    assert _listed(client.get(_url(city, "all"), {"reviewer": people.merit.pk})) == [
        "Park kieszonkowy", "Fontanna"]
    assert _listed(client.get(_url(city, "rejected"), {"title": "fontan"})) == ["Fontanna"]


def test_lists_are_paginated_and_keep_their_filters(client, reviewed, people, city,
                                                    monkeypatch):
    from evaluation import views

    monkeypatch.setattr(views.ProposalListView, "paginate_by", 2)
    client.force_login(people.admin)

    first = client.get(_url(city, "all"), {"title": "a"})
    second = client.get(_url(city, "all"), {"title": "a", "page": 2})

    assert first.context["is_paginated"]
    assert "?title=a&amp;page=2" in first.content.decode()
    assert _listed(first) + _listed(second) == [
        "Park kieszonkowy", "Parking wielopoziomowy", "Fontanna", "Ścieżka rowerowa"]


def test_an_empty_list_says_so(client, people, city, edition):
    client.force_login(people.admin)
    assert 'data-testid="empty"' in client.get(_url(city, "accepted")).content.decode()


def _sheet(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


@pytest.mark.parametrize("kind,params", [("all", {}), ("accepted", {}), ("rejected", {}),
                                         ("all", {"reviewer": "merit"})])
def test_each_export_has_the_rows_of_its_list(client, reviewed, people, city, kind, params):
    client.force_login(people.formal)
    if params.get("reviewer"):
        params = {"reviewer": people.merit.pk}

    listed = client.get(_url(city, kind), params).context["proposals"]
    response = client.get(_url(city, kind, "workflows:proposals_export"), params)

    rows = _sheet(response)
    assert rows[0][:4] == ("Numer", "Edycja", "Dzielnica lub ogólnomiejski", "Tytuł")
    assert [(row[0], row[3]) for row in rows[1:]] == [(p.reference, p.title) for p in listed]
    assert f"wotum-{city.slug}-proposals-{kind}-" in response["Content-Disposition"]


def test_the_export_masks_e_mail_addresses_and_shows_review_columns(client, reviewed, people,
                                                                    city):
    client.force_login(people.admin)

    rows = _sheet(client.get(_url(city, "all", "workflows:proposals_export")))

    header, by_title = rows[0], {row[3]: dict(zip(rows[0], row, strict=True))
                                 for row in rows[1:]}
    assert "E-mail wnioskodawcy" in header
    assert by_title["Ścieżka rowerowa"]["E-mail wnioskodawcy"] == "j•••@example.org"
    assert "jan.kowalski" not in str(rows)
    accepted = by_title["Park kieszonkowy"]
    assert accepted["Zweryfikowany koszt (zł)"] == 140000
    assert accepted["Weryfikator merytoryczny"] == "m•••@example.org"
    assert accepted["Status"] == "zaakceptowany"
    assert by_title["Fontanna"]["Ostatnie uzasadnienie"] == "Za drogie."


def test_list_rows_link_to_the_proposal_and_districts_carry_their_edition(client, reviewed,
                                                                         people, city):
    client.force_login(people.admin)
    html = client.get(_url(city, "all")).content.decode()
    park = reviewed["accepted"]
    assert f'href="{reverse("intake:proposal_detail", args=[park.pk])}"' in html
    assert f"Dzielnica Północ ({park.edition.name})" in html
