"""BR-1 … BR-8 in a browser: the secretary runs the demo board meeting; two members in two
browser contexts see every step without reloading their pages."""
import io
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from meetings.models import Meeting

LIVE = 10_000  # ms: the screens poll every second; allow for a slow machine


@pytest.fixture
def board_meeting(demo_people):
    from demo.meetings import BOARD, meetings_demo_load

    meetings_demo_load()
    return Meeting.objects.get(title=BOARD)


def _vote(page, choice):
    page.get_by_role("link", name="Głosuj").first.click()
    page.get_by_label(choice, exact=True).check()
    page.get_by_role("button", name="Zatwierdź").click()
    expect(page.get_by_test_id("confirmation-id")).to_have_text(
        re.compile(r"^[A-Z2-9]{10}$"))


def test_secretary_runs_a_resolution_and_members_follow_live(browser, live_server, login,
                                                            axe, board_meeting):
    url = f"{live_server.url}/meetings/{board_meeting.pk}/"
    contexts = [browser.new_context(accept_downloads=True) for _ in range(3)]
    secretary, stefan, bozena = (context.new_page() for context in contexts)
    for page, email in ((secretary, "secretary@wotum.localhost"),
                        (stefan, "shareholder@wotum.localhost"),
                        (bozena, "board2@wotum.localhost")):
        login(page, email)
    # Members reach the meeting from their home page; the secretary too.
    for page in (secretary, stefan, bozena):
        page.get_by_test_id("meeting-links").get_by_role(
            "link", name="Posiedzenie Zarządu nr 3/2026").click()
        expect(page).to_have_url(url)
    first = stefan.get_by_test_id(f"resolution-{board_meeting.resolutions.first().pk}")
    expect(first.get_by_role("button", name="Głosuj")).to_be_disabled()
    axe(stefan)

    # The gate: board3@ has not registered; starting needs an explicit choice.
    expect(secretary.get_by_test_id("unregistered")).to_contain_text("Bartłomiej Członkowski")
    axe(secretary)
    secretary.get_by_role("button", name="Rozpocznij głosowanie").click()
    expect(secretary.get_by_role("alert").first).to_contain_text("Nie wszyscy")
    secretary.get_by_label("Rozpocznij bez członków, którzy się nie zarejestrowali").check()
    secretary.get_by_role("button", name="Rozpocznij głosowanie").click()
    secretary.get_by_role("button", name="Uruchom głosowanie — Uchwała nr 7/2026").click()

    # Without reloading, "Głosuj" becomes active on both members' screens.
    for page in (stefan, bozena):
        expect(page.get_by_role("link", name="Głosuj").first).to_be_visible(timeout=LIVE)
    _vote(stefan, "Za")
    axe(stefan)
    _vote(bozena, "Przeciw")
    bozena.get_by_role("link", name="Wróć do posiedzenia").click()
    _vote(bozena, "Za")  # she changes her vote; the last one counts
    for page in (stefan, bozena):
        page.get_by_role("link", name="Wróć do posiedzenia").click()
        expect(page.get_by_test_id("my-vote")).to_contain_text("Za")
    expect(secretary.get_by_test_id("votes-cast")).to_contain_text("2 z 3", timeout=LIVE)

    secretary.get_by_role("button", name="Zakończ głosowanie — Uchwała nr 7/2026").click()

    # Both members see the result without reloading, and download their xlsx.
    for page in (stefan, bozena):
        expect(page.get_by_test_id("result")).to_contain_text("Przyjęta", timeout=LIVE)
        expect(page.get_by_role("heading", name="Wyniki głosowania")).to_be_visible()
        with page.expect_download() as download:
            page.get_by_test_id("results-download").click()
        content = Path(download.value.path()).read_bytes()
        sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[1][0] == "Uchwała nr 7/2026" and rows[1][1] == "przyjęta"
        assert "Za" in rows[1]
    axe(bozena)

    secretary.get_by_role("button", name="Zamknij posiedzenie").click()
    expect(secretary.get_by_test_id("meeting-state")).to_have_text("zamknięte")

    # After "Zamknij posiedzenie" results are gone from the members' screens, live.
    for page in (stefan, bozena):
        expect(page.get_by_test_id("results-gone")).to_be_visible(timeout=LIVE)
        expect(page.get_by_test_id("result")).to_have_count(0)
        expect(page.get_by_test_id("results-download")).to_have_count(0)
    expect(secretary.get_by_test_id("result")).to_be_visible()
    for context in contexts:
        context.close()
