"""The administrator follows the vote, downloads the results, and the public sees the winners."""
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.results.conftest import voting_make


@pytest.fixture
def rybnik_vote(demo_people):
    from accounts.models import User
    from organisations.models import Organisation

    clerk = User.objects.get(email="clerk@wotum.localhost")
    edition = voting_make(Organisation.objects.get(slug="rybnik"), clerk)
    # This edition's rules allow preliminary results during the vote.
    edition.preliminary_results_during_voting = True
    edition.save(update_fields=["preliminary_results_during_voting"])
    return edition


def test_administrator_follows_the_vote_and_publishes_the_results(
        page, live_server, login, axe, rybnik_vote):
    edition = rybnik_vote
    login(page, "budget@wotum.localhost")
    page.goto(f"{live_server.url}/pb/org/rybnik/editions/{edition.pk}/")
    page.get_by_role("link", name="Raport bieżący").click()
    expect(page.get_by_test_id("ballots-valid")).to_have_text("9")
    expect(page.get_by_test_id("turnout")).to_contain_text("Śródmieście")
    axe(page)

    page.goto(f"{live_server.url}/pb/org/rybnik/editions/{edition.pk}/results/")
    page.get_by_role("button", name="Oblicz wyniki teraz").click()
    expect(page.get_by_test_id("run-state")).to_have_text("gotowe")
    expect(page.get_by_test_id("pool-result").nth(2)).to_contain_text(
        "wybrany: mieści się, zostaje 400 000 zł")
    axe(page)
    # The file is the result the page shows: same rule, same votes, reasons in Polish.
    with page.expect_download() as info:
        page.get_by_role("link", name="Wyniki jako xlsx").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    content = Path(download.path()).read_bytes()
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Pula", "Reguła", "Miejsce", "Numer")
    assert sum(row[5] for row in rows[1:]) == 22  # every vote of the live report
    assert {row[1] for row in rows[1:]} == {"metoda zachłanna (według liczby głosów)"}
    page.get_by_role("button", name="Opublikuj wstępne wyniki").click()
    expect(page.get_by_test_id("confirm-consequence")).to_be_visible()
    page.get_by_role("button", name="Opublikuj wstępne wyniki").click()  # confirmed
    expect(page.get_by_test_id("published")).to_be_visible()

    page.get_by_role("link", name="Publiczna strona wyników").first.click()
    winners = page.get_by_test_id("winners")
    expect(winners.nth(2)).to_contain_text("Rowery miejskie")
    expect(winners.nth(2)).to_contain_text("Koncerty")
    expect(winners.nth(2)).not_to_contain_text("Psi park")
    expect(winners.nth(0)).to_contain_text("Plac zabaw")
    axe(page)


def test_the_edition_page_exports_that_edition_only(page, live_server, login, axe, rybnik_vote):
    """Issue 11: "Złożone wnioski (xlsx)" on an edition's page gave every edition's proposals."""
    from intake.models import Edition, Proposal
    from tests.factories import EditionFactory
    from tests.results.conftest import _accepted

    edition = rybnik_vote
    # Another edition of the same city, with a submitted proposal of its own.
    other = EditionFactory(organisation=edition.organisation, phase="review")
    _accepted(other, other.pools.first(), 1, "Wniosek z innej edycji", "50000")
    login(page, "budget@wotum.localhost")
    page.goto(f"{live_server.url}/pb/org/rybnik/editions/{edition.pk}/")
    axe(page)
    links = page.get_by_test_id("report-links")
    with page.expect_download() as info:
        links.get_by_role("listitem").filter(has_text="Złożone wnioski").get_by_role(
            "link", name="xlsx").click()
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    edition_column = rows[0].index("Edycja")
    assert len(rows) - 1 == Proposal.objects.filter(edition=edition).count() == 6
    assert {row[edition_column] for row in rows[1:]} == {
        Edition.objects.get(pk=edition.pk).name}
    assert sheet.freeze_panes == "A2"
