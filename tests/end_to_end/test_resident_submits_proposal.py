"""A resident signs up, confirms the address from the demo outbox, and submits a proposal.

PB-4 … PB-6 end to end, in Polish, with axe on every page: the attachment is stored, the
proposal is numbered, and a sixth submission is refused with the limit's message.
"""
import re

import pytest
from playwright.sync_api import expect

from intake.models import Proposal
from tests.factories import EditionFactory, OrganisationFactory, ProposalFactory

PASSWORD = "Kasztan-Rybnik-2026"
EMAIL = "nowa.mieszkanka@example.org"


@pytest.fixture
def edition(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    rybnik = OrganisationFactory(name="Miasto Rybnik", slug="rybnik")
    return EditionFactory(organisation=rybnik, name="Budżet Obywatelski Rybnik 2027",
                          phase="intake", max_proposals_per_applicant=5)


def _sign_up_and_confirm(page, live_server, axe, login):
    page.goto(f"{live_server.url}/accounts/signup/")
    axe(page)
    page.get_by_label("Adres e-mail").fill(EMAIL)
    page.locator("#id_password1").fill(PASSWORD)  # labels end with a required-field mark
    page.get_by_label("Hasło (ponownie)").fill(PASSWORD)
    page.get_by_role("button", name="Zarejestruj się").click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/outbox/?to={EMAIL}")
    axe(page)
    message = page.get_by_test_id("email").first
    message.locator("a[href*='/accounts/confirm-email/']").first.click()
    page.wait_for_load_state()
    axe(page)
    page.get_by_role("button", name=re.compile("Potwierdź")).click()
    page.wait_for_load_state()
    if page.get_by_test_id("signed-in-as").count() == 0:
        login(page, EMAIL, PASSWORD)
    expect(page.get_by_test_id("signed-in-as")).to_have_text(EMAIL)


def _write_proposal(page, edition, title, axe, attachment=None, submit=False):
    page.get_by_role("link", name=re.compile("Twoje wnioski")).first.click()
    axe(page)
    page.get_by_role("link", name=f"Napisz wniosek — {edition.name}").click()
    axe(page)
    page.get_by_label("Imię i nazwisko wnioskodawcy").fill("Nowa Mieszkanka")
    page.get_by_label("Tytuł").fill(title)
    page.get_by_label("Dzielnica lub ogólnomiejski").select_option(label="Śródmieście")
    page.get_by_label("Lokalizacja").fill("Park Miejski")
    page.get_by_label("Opis").fill("Dziesięć nowych ławek wzdłuż głównej alejki.")
    page.get_by_label("Szacunkowy koszt (zł)").fill("12 000,50")
    if attachment:
        page.get_by_label("Załączniki").set_input_files(attachment)
    page.get_by_role("button", name="Zapisz i złóż" if submit else "Zapisz szkic").click()
    page.wait_for_load_state()


def test_resident_signs_up_and_submits_a_proposal_with_an_attachment(
        page, live_server, edition, axe, login, tmp_path):
    _sign_up_and_confirm(page, live_server, axe, login)
    plan = tmp_path / "plan ławek.pdf"
    plan.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

    page.goto(live_server.url)
    axe(page)
    _write_proposal(page, edition, "Ławki w Parku Miejskim", axe, attachment=str(plan))
    expect(page.get_by_text("Zapisano szkic.")).to_be_visible()
    expect(page.get_by_test_id("proposal-state")).to_have_text("szkic")
    expect(page.get_by_test_id("attachments")).to_contain_text("plan ławek.pdf")
    axe(page)
    page.get_by_role("button", name="Złóż wniosek").click()
    expect(page.get_by_text("Złożono wniosek 2027/001.")).to_be_visible()
    expect(page.get_by_test_id("proposal-state")).to_have_text("złożony")
    expect(page.get_by_test_id("proposal-reference")).to_have_text("2027/001")
    expect(page.get_by_test_id("history")).to_contain_text("Dołączono plik")
    axe(page)
    page.get_by_role("link", name="Wniosek do wydruku").click()
    expect(page.get_by_test_id("print-reference")).to_have_text("2027/001")
    axe(page)

    # Four more submitted through the services: five in all, the edition's limit.
    resident = Proposal.objects.get().applicant
    for _ in range(4):
        ProposalFactory(edition=edition, applicant=resident, submitted=True)
    page.goto(live_server.url)
    _write_proposal(page, edition, "Szósty wniosek", axe, submit=True)
    expect(page.get_by_role("alert").filter(has_text="Osiągnięto limit wniosków złożonych "
                                                     "przez jednego wnioskodawcę w tej edycji "
                                                     "(5).")).to_be_visible()
    expect(page.get_by_test_id("proposal-state")).to_have_text("szkic")
    axe(page)
    assert Proposal.objects.filter(applicant=resident, state="submitted").count() == 5
    page.get_by_role("link", name="Twoje wnioski").first.click()
    expect(page.get_by_test_id("my-proposals").locator("tbody tr")).to_have_count(6)
    axe(page)
