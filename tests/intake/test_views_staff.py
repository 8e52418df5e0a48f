"""The administrator's and the clerk's pages: editions with pools, moves, paper, import."""
import io

import pytest
from django.urls import reverse

from audit.selectors import audit_for_object
from intake.models import Edition, Proposal

from .importfiles import good_rows, xlsx_file


@pytest.fixture
def en(client):
    client.cookies.load({"django_language": "en"})
    return client


def _edition_form(**extra):
    data = {"name": "BO 2028", "year": "2028", "intake_starts_at": "2027-03-01T00:00",
            "intake_ends_at": "2027-03-31T23:59", "review_ends_at": "", "voting_starts_at": "",
            "voting_ends_at": "", "max_proposals_per_applicant": "5",
            "max_attachments_per_proposal": "5", "max_attachment_mb": "10",
            "ballots_per_email": "3", "pesel_required": "on", "minimum_voter_age": "16",
            "selection_rule": "greedy",
            "pools-TOTAL_FORMS": "3", "pools-INITIAL_FORMS": "0",
            "pools-MIN_NUM_FORMS": "0", "pools-MAX_NUM_FORMS": "1000",
            "pools-0-kind": "citywide", "pools-0-name": "Ogólnomiejski",
            "pools-0-budget": "2 000 000,00", "pools-0-choices_per_ballot": "1",
            "pools-1-kind": "district", "pools-1-name": "Zamysłów",
            "pools-1-budget": "300000.00", "pools-1-choices_per_ballot": "2",
            "pools-2-kind": "", "pools-2-name": "", "pools-2-budget": "",
            "pools-2-choices_per_ballot": ""}
    data.update(extra)
    return data


@pytest.mark.django_db
def test_admin_creates_an_edition_with_pools(en, city, budget_admin):
    en.force_login(budget_admin)
    response = en.post(reverse("intake:edition_create", args=[city.slug]), _edition_form())
    assert response.status_code == 302
    edition = Edition.objects.get()
    assert (edition.organisation, edition.state, edition.pesel_required) == (city, "draft", True)
    pools = {pool.name: (pool.kind, str(pool.budget), pool.choices_per_ballot)
             for pool in edition.pools.all()}
    assert pools == {"Ogólnomiejski": ("citywide", "2000000.00", 1),
                     "Zamysłów": ("district", "300000.00", 2)}
    assert [r.action for r in audit_for_object(edition)] == ["edition.create"]
    page = en.get(response["Location"]).content.decode()
    assert "Open intake" in page and "2,000,000.00 zł" in page


@pytest.mark.django_db
def test_edition_form_refuses_bad_dates_two_citywide_pools_and_duplicate_names(
        en, city, budget_admin):
    en.force_login(budget_admin)
    url = reverse("intake:edition_create", args=[city.slug])
    dates = en.post(url, _edition_form(intake_ends_at="2027-02-01T00:00"))
    assert dates.status_code == 400 and "must not come before" in dates.content.decode()
    citywide = en.post(url, _edition_form(**{"pools-1-kind": "citywide"}))
    assert "at most one city-wide pool" in citywide.content.decode()
    names = en.post(url, _edition_form(**{"pools-1-name": "ogólnomiejski"}))
    assert "cannot have the same name" in names.content.decode()
    assert not Edition.objects.exists()


@pytest.mark.django_db
def test_admin_changes_limits_and_removes_an_unused_pool(en, edition, budget_admin):
    en.force_login(budget_admin)
    url = reverse("intake:edition_update", args=[edition.organisation.slug, edition.pk])
    form = en.get(url).context["pools"]
    data = _edition_form(name=edition.name, year="2027", max_proposals_per_applicant="3",
                         intake_starts_at="", intake_ends_at="")
    data.update({"pools-TOTAL_FORMS": str(len(form.forms)),
                 "pools-INITIAL_FORMS": str(len(form.initial_forms))})
    for index, pool_form in enumerate(form.forms):
        pool = pool_form.instance
        data.update({f"pools-{index}-id": pool.pk or "", f"pools-{index}-kind": pool.kind or "",
                     f"pools-{index}-name": pool.name, f"pools-{index}-budget":
                     str(pool.budget or ""), f"pools-{index}-choices_per_ballot":
                     pool.choices_per_ballot or "", f"pools-{index}-position": pool.position,
                     f"pools-{index}-edition": edition.pk})
        if pool.name == "Boguszowice":
            data[f"pools-{index}-DELETE"] = "on"
    response = en.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    edition.refresh_from_db()
    assert edition.max_proposals_per_applicant == 3
    assert sorted(edition.pools.values_list("name", flat=True)) == ["Ogólnomiejski",
                                                                     "Śródmieście"]


@pytest.mark.django_db
def test_a_refused_move_lists_its_blockers(en, edition_factory, city, budget_admin):
    edition = edition_factory(organisation=city, with_pools=False)
    en.force_login(budget_admin)
    response = en.post(reverse("intake:edition_move", args=[city.slug, edition.pk]),
                       {"transition": "open_intake", "confirm": "yes"}, follow=True)
    page = response.content.decode()
    assert "The edition cannot move on yet:" in page and "<li>The edition has no pools" in page
    edition.refresh_from_db()
    assert edition.state == "draft"


@pytest.mark.django_db
def test_admin_opens_intake_with_the_button(en, edition_factory, city, budget_admin):
    edition = edition_factory(organisation=city)
    en.force_login(budget_admin)
    page = en.get(reverse("intake:edition_detail", args=[city.slug, edition.pk]))
    assert 'value="open_intake"' in page.content.decode()
    response = en.post(reverse("intake:edition_move", args=[city.slug, edition.pk]),
                       {"transition": "open_intake", "confirm": "yes"}, follow=True)
    assert "now in the phase “proposal intake”" in response.content.decode()
    assert [r.actor for r in audit_for_object(edition)] == [budget_admin]


@pytest.mark.django_db
def test_editions_list_shows_only_the_organisations_own(en, edition, edition_factory,
                                                        other_city, budget_admin):
    edition_factory(organisation=other_city, name="Cudza edycja")
    en.force_login(budget_admin)
    page = en.get(reverse("intake:edition_list", args=[edition.organisation.slug]))
    assert [e.name for e in page.context["editions"]] == [edition.name]


@pytest.mark.django_db
def test_clerk_types_in_a_paper_proposal_for_an_account_and_submits_it(en, edition, clerk,
                                                                       resident):
    en.force_login(clerk)
    url = reverse("intake:paper_proposal_create", args=[edition.organisation.slug, edition.pk])
    response = en.post(url, {
        "title": "Z formularza", "pool": edition.pools.first().pk, "description": "Opis",
        "estimated_cost": "5000", "applicant_name": "Anna Mieszkańska",
        "applicant_email": "", "account_email": resident.email.upper(), "action": "submit"})
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.channel, proposal.entered_by, proposal.applicant, proposal.state) == \
        ("paper", clerk, resident, "submitted")
    assert proposal.applicant_email == resident.email
    assert [r.actor for r in audit_for_object(proposal)] == [clerk, clerk]


@pytest.mark.django_db
def test_paper_proposal_for_an_unknown_account_is_refused(en, edition, clerk):
    en.force_login(clerk)
    url = reverse("intake:paper_proposal_create", args=[edition.organisation.slug, edition.pk])
    response = en.post(url, {"title": "X", "pool": edition.pools.first().pk,
                             "description": "Opis", "estimated_cost": "5000",
                             "applicant_name": "Jan", "account_email": "nikt@example.org"})
    assert response.status_code == 400
    assert "no account with this e-mail" in response.content.decode()


@pytest.mark.django_db
def test_import_page_documents_columns_and_reports_bad_rows(en, edition, clerk):
    en.force_login(clerk)
    url = reverse("intake:proposal_import", args=[edition.organisation.slug, edition.pk])
    page = en.get(url).content.decode()
    for heading in ("tytuł", "pula", "koszt", "wnioskodawca", "Śródmieście"):
        assert heading in page
    rows = good_rows(3)
    rows[1][6] = "-5"
    response = en.post(url, {"file": xlsx_file(rows)})
    assert response.status_code == 400
    assert [line for line, _ in response.context["report"].errors] == [3]
    assert "Nothing was imported" in response.content.decode()
    assert not Proposal.objects.exists()
    response = en.post(url, {"file": xlsx_file(good_rows(3))}, follow=True)
    assert "3 proposals imported and submitted: 2027/001 … 2027/003." in \
        response.content.decode()


@pytest.mark.django_db
def test_admin_may_import_too(en, edition, budget_admin):
    en.force_login(budget_admin)
    url = reverse("intake:proposal_import", args=[edition.organisation.slug, edition.pk])
    en.post(url, {"file": xlsx_file(good_rows(2))})
    assert Proposal.objects.filter(state="submitted", entered_by=budget_admin).count() == 2


@pytest.mark.django_db
def test_the_template_is_an_xlsx_that_imports_as_it_is(en, edition, clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    en.force_login(clerk)
    response = en.get(reverse("intake:import_template",
                              args=[edition.organisation.slug, edition.pk]))
    assert response["Content-Disposition"].endswith('-wnioski.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook["wnioski"][1]][:3] == ["numer", "tytuł", "pula"]
    assert "Śródmieście" in [row[0] for row in workbook["pule"].iter_rows(values_only=True)]
    sheet = workbook["wnioski"]
    # Money is a number cell in the money format, not text.
    assert sheet["G2"].value == 12000 and sheet["G2"].number_format == "#,##0.00"
    assert isinstance(workbook["pule"]["C2"].value, int | float)
    url = reverse("intake:proposal_import", args=[edition.organisation.slug, edition.pk])
    # The example row as it is: left out with a message, never imported as a proposal.
    response = en.post(url, {"file": SimpleUploadedFile("t.xlsx", response.content)},
                       follow=True)
    assert not Proposal.objects.exists()
    assert "example row (line 2) was left out" in response.content.decode()

    # A row typed below the example is imported; the example still is not.
    sheet.append(["7", "Zieleń przy szkole", "Śródmieście", "", "Drzewa i krzewy.", "",
                  15000.5, "Anna Nowak", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    en.post(url, {"file": SimpleUploadedFile("t.xlsx", buffer.getvalue())})
    proposal = Proposal.objects.get()
    assert (proposal.title, str(proposal.estimated_cost)) == ("Zieleń przy szkole", "15000.50")


@pytest.mark.django_db
def test_a_phase_move_asks_for_confirmation_first_without_javascript(client, edition_factory,
                                                                    city, budget_admin):
    edition = edition_factory(organisation=city)
    client.force_login(budget_admin)
    url = reverse("intake:edition_move", args=[city.slug, edition.pk])
    page = client.post(url, {"transition": "open_intake"}).content.decode()
    assert "Przenieść edycję do następnej fazy?" in page
    assert 'name="confirm" value="yes"' in page and 'value="open_intake"' in page
    edition.refresh_from_db()
    assert edition.state == "draft"
    client.post(url, {"transition": "open_intake", "confirm": "yes"})
    edition.refresh_from_db()
    assert edition.state == "intake"


@pytest.mark.django_db
def test_paper_entry_and_import_are_not_offered_outside_intake(client, edition_factory, city,
                                                               staff):
    from organisations.roles import Role

    clerk = staff(Role.INTAKE_CLERK)
    client.force_login(clerk)
    draft = edition_factory(organisation=city)  # intake has not opened
    page = client.get(reverse("intake:edition_detail", args=[city.slug, draft.pk]))
    html = page.content.decode()
    assert reverse("intake:paper_proposal_create", args=[city.slug, draft.pk]) not in html
    assert reverse("intake:proposal_import", args=[city.slug, draft.pk]) not in html
