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

    with page.expect_download() as info:
        page.get_by_test_id("export-results").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    content = Path(download.path()).read_bytes()
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("Pula", "Reguła", "Miejsce", "Numer")
    assert sum(row[5] for row in rows[1:]) == 22  # every vote of the live report

    page.goto(f"{live_server.url}/pb/org/rybnik/editions/{edition.pk}/results/")
    page.get_by_role("button", name="Oblicz wyniki teraz").click()
    expect(page.get_by_test_id("run-state")).to_have_text("gotowe")
    axe(page)
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
