"""A formal reviewer narrows the queue to one edition and district and sees what is due."""
import pytest
from playwright.sync_api import expect

from demo.review import review_demo_load


@pytest.fixture
def demo_review(demo_people):
    return review_demo_load()


def test_a_reviewer_filters_the_queue_by_edition_and_district(page, live_server, login, axe,
                                                             demo_review):
    edition = demo_review
    login(page, "formal@wotum.localhost")
    page.goto(f"{live_server.url}/review/queue/")
    expect(page.get_by_test_id("task-counts")).to_contain_text(edition.name)
    axe(page)
    page.get_by_label("Edycja").select_option(str(edition.pk))
    page.get_by_role("button", name="Pokaż").click()
    district = page.get_by_label("Dzielnica").locator("option").nth(1)
    name = district.inner_text().rsplit(" (", 1)[0]
    page.get_by_label("Dzielnica").select_option(district.get_attribute("value"))
    page.get_by_role("button", name="Pokaż").click()
    rows = page.get_by_test_id("tasks").locator("tbody tr")
    expect(rows.first).to_contain_text(name)
    for n in range(rows.count()):
        expect(rows.nth(n)).to_contain_text(name)
        expect(rows.nth(n).get_by_test_id("due")).not_to_have_text("")
    axe(page)
