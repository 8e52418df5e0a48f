"""X-4 in the browser: a malformed request gets a readable Polish page, and a resident past
the drafts cap is told why on the form, keyboard-usable and accessible (axe)."""
import pytest
from playwright.sync_api import expect

from tests.factories import EditionFactory, OrganisationFactory, ProposalFactory, UserFactory

PASSWORD = "Kasztan-Rybnik-2026"


@pytest.fixture
def edition(transactional_db):
    rybnik = OrganisationFactory(name="Miasto Rybnik", slug="rybnik")
    return EditionFactory(organisation=rybnik, name="Budżet Obywatelski Rybnik 2027",
                          phase="intake")


def test_a_malformed_request_gets_the_polish_400_page(page, live_server, axe):
    too_many_fields = "&".join(f"f{n}=1" for n in range(1100))
    response = page.goto(f"{live_server.url}/vote/receipt/?{too_many_fields}")

    assert response.status == 400
    expect(page.get_by_role("heading", name="Nieprawidłowe żądanie")).to_be_visible()
    expect(page.get_by_role("link", name="Przejdź do strony głównej")).to_be_visible()
    axe(page)
    for width, height in ((390, 844), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=f"/tmp/wotum-400-{width}.png", full_page=True)


def test_a_resident_past_the_drafts_cap_is_told_on_the_form(page, live_server, axe, login,
                                                            edition, settings):
    settings.WOTUM_MAX_DRAFTS_PER_ACCOUNT = 1
    resident = UserFactory(email="anna.rybnik@example.org", password=PASSWORD)
    ProposalFactory(edition=edition, applicant=resident)
    login(page, resident.email, PASSWORD)

    page.goto(f"{live_server.url}/pb/editions/{edition.pk}/new/")
    page.get_by_label("Imię i nazwisko wnioskodawcy").fill("Anna Rybnicka")
    page.get_by_label("Tytuł").fill("Stojaki rowerowe")
    page.get_by_label("Dzielnica lub ogólnomiejski").select_option(index=1)
    page.get_by_label("Opis").fill("Dwadzieścia stojaków przy szkołach.")
    page.get_by_label("Szacunkowy koszt (zł)").fill("8 000")
    page.get_by_label("Szacunkowy koszt (zł)").press("Enter")  # the keyboard submits
    page.wait_for_load_state()

    expect(page.get_by_text("ile można mieć naraz (1)")).to_be_visible()
    axe(page)
    page.screenshot(path="/tmp/wotum-drafts-cap.png", full_page=True)
