"""An intake clerk imports an XLSX file: a bad row is reported and nothing goes in; the
corrected file then imports, submitted and numbered in file order (PB-8)."""
import pytest
from playwright.sync_api import expect

from intake import tasks
from intake.import_jobs import proposal_import_run
from intake.import_models import ProposalImport
from intake.models import Proposal
from organisations.models import Organisation
from tests.factories import EditionFactory
from tests.intake.importfiles import good_rows, xlsx_bytes


@pytest.fixture
def edition(demo_people):
    return EditionFactory(organisation=Organisation.objects.get(slug="rybnik"),
                          name="Budżet Obywatelski Rybnik 2027", phase="intake")


def test_clerk_imports_a_file_with_a_bad_row_then_the_corrected_file(
        page, live_server, edition, login, axe, tmp_path):
    rows = good_rows(3)
    rows[1][2] = "Atlantyda"  # line 3 names a pool the edition does not have
    bad, good = tmp_path / "wnioski-bledne.xlsx", tmp_path / "wnioski.xlsx"
    bad.write_bytes(xlsx_bytes(rows))
    good.write_bytes(xlsx_bytes(good_rows(3)))

    login(page, "clerk@wotum.localhost")
    page.get_by_role("link", name="Edycje — Miasto Rybnik").click()
    axe(page)
    page.get_by_role("link", name=edition.name).click()
    axe(page)
    page.get_by_role("link", name="Importuj wnioski z pliku").click()
    expect(page.get_by_test_id("import-columns")).to_contain_text("wnioskodawca")
    axe(page)

    page.get_by_label("Plik z wnioskami").set_input_files(str(bad))
    page.get_by_role("button", name="Importuj", exact=True).click()
    report = page.get_by_test_id("import-report")
    expect(report).to_contain_text("W tej edycji nie ma puli „Atlantyda”")
    expect(report.locator("tbody tr")).to_have_count(1)
    expect(report.locator("tbody tr td").first).to_have_text("3")
    expect(page.get_by_text("Nic nie zaimportowano")).to_be_visible()
    axe(page)
    assert Proposal.objects.count() == 0

    page.get_by_label("Plik z wnioskami").set_input_files(str(good))
    page.get_by_role("button", name="Importuj", exact=True).click()
    expect(page.get_by_text("2027/001 … 2027/003")).to_be_visible()
    expect(page.get_by_test_id("proposals").locator("tbody tr")).to_have_count(3)
    axe(page)
    assert list(Proposal.objects.order_by("number").values_list("title", "state")) == [
        ("Projekt 1", "submitted"), ("Projekt 2", "submitted"), ("Projekt 3", "submitted")]


def test_a_large_file_is_imported_in_the_background_with_a_progress_page(
        page, live_server, edition, login, axe, tmp_path, settings, monkeypatch):
    settings.WOTUM_IMPORT_IN_REQUEST_ROWS = 5  # anything longer goes to the worker
    rows = good_rows(12)
    rows[9][2] = "Atlantyda"  # line 11
    large = tmp_path / "wnioski-duze.xlsx"
    large.write_bytes(xlsx_bytes(rows))
    # The worker's message is held back, so that the page is seen while the job waits.
    held = []
    monkeypatch.setattr(tasks.proposal_import_task, "delay", held.append)

    login(page, "clerk@wotum.localhost")
    page.goto(f"{live_server.url}/pb/org/rybnik/editions/{edition.pk}/import/")
    page.get_by_label("Plik z wnioskami").set_input_files(str(large))
    page.get_by_role("button", name="Importuj", exact=True).click()
    expect(page.get_by_test_id("import-state")).to_have_text("oczekuje")
    expect(page.get_by_test_id("import-progress")).to_have_text("Sprawdzone wiersze: 0 z 0.")
    expect(page.get_by_role("progressbar", name="Sprawdzone wiersze")).to_be_visible()
    expect(page.get_by_label("Odświeżaj stronę automatycznie", exact=False)).to_be_checked()
    axe(page)
    job = ProposalImport.objects.get()
    assert held == [job.pk] and job.state == "queued"

    proposal_import_run(held[0])  # what the worker does with the message
    # The page refreshes itself and ends with the same row report as a small file's.
    expect(page.get_by_test_id("import-state")).to_have_text("zakończono", timeout=15_000)
    report = page.get_by_test_id("import-report")
    expect(report).to_contain_text("W tej edycji nie ma puli „Atlantyda”")
    expect(report.locator("tbody tr")).to_have_count(1)
    expect(report.locator("tbody tr td").first).to_have_text("11")
    expect(page.get_by_text("Nic nie zaimportowano")).to_be_visible()
    expect(page.get_by_test_id("import-progress")).to_have_count(0)
    axe(page)
    assert Proposal.objects.count() == 0


def test_staff_pages_of_an_edition_are_accessible(page, live_server, edition, login, axe):
    login(page, "budget@wotum.localhost")
    page.get_by_role("link", name="Edycje — Miasto Rybnik").click()
    axe(page)
    page.get_by_role("link", name="Nowa edycja").click()
    expect(page.get_by_role("group", name="Pule")).to_be_visible()
    axe(page)
    page.go_back()
    page.get_by_role("link", name=edition.name).click()
    expect(page.get_by_test_id("edition-phase")).to_have_text("nabór wniosków")
    page.get_by_role("button", name="Zamknij nabór").click()
    expect(page.get_by_test_id("confirm-consequence")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Zamknij nabór").click()  # confirmed
    expect(page.get_by_test_id("edition-phase")).to_have_text("weryfikacja")
    axe(page)

    page.context.clear_cookies()
    login(page, "clerk@wotum.localhost")
    page.goto(f"{live_server.url}/pb/org/rybnik/editions/{edition.pk}/paper/")
    expect(page.get_by_text("Nabór wniosków zakończył się")).to_be_visible()
    axe(page)
