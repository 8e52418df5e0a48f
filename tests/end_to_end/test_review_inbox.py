"""A proposal through formal and merit review in the browser, and the applicant is told."""
import re

import pytest
from playwright.sync_api import expect

from demo.review import review_demo_load

TITLE = "Park kieszonkowy przy ul. Kościuszki"


@pytest.fixture
def demo_review(demo_people):
    edition = review_demo_load()
    return edition.proposals.get(title=TITLE)


def _take_from_queue(page, live_server, axe, reference):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Kolejka zadań").click()
    expect(page.get_by_role("heading", name="Zadania oceny do wzięcia")).to_be_visible()
    axe(page)
    page.get_by_role("button", name=f"Weź {reference}").click()
    expect(page.get_by_text("Zadanie jest teraz na Twojej liście.")).to_be_visible()
    axe(page)


def _sign_out(page):
    page.context.clear_cookies()


def test_reviewers_accept_a_proposal_and_the_applicant_sees_it_accepted(
        page, live_server, demo_review, login, axe):
    reference = demo_review.reference

    login(page, "formal@wotum.localhost")
    _take_from_queue(page, live_server, axe, reference)
    expect(page.get_by_test_id("proposal")).to_contain_text(TITLE)
    page.get_by_label(re.compile("Przyjmij formalnie")).check()
    page.get_by_role("button", name="Zapisz decyzję").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Decyzja zapisana: {reference}")
    expect(page.get_by_role("heading", name="Moje zadania oceny")).to_be_visible()
    axe(page)
    _sign_out(page)

    login(page, "merit@wotum.localhost")
    _take_from_queue(page, live_server, axe, reference)
    page.get_by_label(re.compile("Przyjmij pod głosowanie")).check()
    page.get_by_role("button", name="Zapisz decyzję").click()
    expect(page.get_by_label("Zweryfikowany koszt (zł)")).to_have_attribute(
        "aria-invalid", "true")
    axe(page)
    page.get_by_label("Zweryfikowany koszt (zł)").fill("175 000,00")  # as the proposal form
    page.get_by_label("Uzasadnienie").fill("Wycena potwierdzona przez wydział.")
    page.get_by_role("button", name="Zapisz decyzję").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Decyzja zapisana: {reference}")
    _sign_out(page)

    login(page, "resident@wotum.localhost")
    page.goto(f"{live_server.url}/pb/")
    row = page.get_by_test_id("my-proposals").get_by_role("row").filter(has_text=TITLE)
    expect(row.get_by_test_id("proposal-state")).to_have_text("zaakceptowany")
    axe(page)
    page.goto(f"{live_server.url}/outbox/?to=resident@wotum.localhost")
    expect(page.get_by_text(f"Wniosek {reference} przyjęty do głosowania")).to_be_visible()
    axe(page)


def test_the_lists_and_the_empty_inbox_are_accessible(page, live_server, demo_review, login,
                                                      axe):
    login(page, "budget@wotum.localhost")
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("pb-review-links").get_by_role("link").first.click()
    expect(page.get_by_test_id("proposals")).to_contain_text(TITLE)
    axe(page)
    page.get_by_role("link", name="Wnioski odrzucone").click()
    expect(page.get_by_test_id("proposals")).to_contain_text("Parking wielopoziomowy")
    axe(page)
    _sign_out(page)

    login(page, "merit@wotum.localhost")
    page.goto(f"{live_server.url}/review/inbox/")
    expect(page.get_by_test_id("empty")).to_be_visible()
    axe(page)


def test_a_returned_proposal_shows_the_applicant_what_to_correct_and_by_when(
        page, live_server, demo_review, login, axe):
    import datetime

    from django.utils import formats, timezone

    reference = demo_review.reference
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    login(page, "formal@wotum.localhost")
    _take_from_queue(page, live_server, axe, reference)
    page.get_by_label(re.compile("Zwróć wnioskodawcy do poprawy")).check()
    page.get_by_label("Uzasadnienie").fill("Dołącz mapkę z zaznaczonym terenem.")
    page.get_by_label("Termin poprawy").fill(deadline.isoformat())
    page.get_by_role("button", name="Zapisz decyzję").click()
    expect(page.get_by_role("alert").first).to_contain_text(f"Decyzja zapisana: {reference}")
    _sign_out(page)

    login(page, "resident@wotum.localhost")
    page.goto(f"{live_server.url}/pb/")
    page.get_by_test_id("my-proposals").get_by_role("link", name=TITLE).click()
    returned = page.get_by_test_id("returned")
    expect(returned).to_contain_text("Dołącz mapkę z zaznaczonym terenem.")
    expect(returned).to_contain_text(
        f"Popraw wniosek i złóż go ponownie do {formats.date_format(deadline, 'j E Y')}")
    expect(page.get_by_test_id("review-decisions")).to_contain_text("zwrócony do poprawy")
    page.screenshot(path="/tmp/pbux/returned_desktop.png", full_page=True)
    axe(page)
