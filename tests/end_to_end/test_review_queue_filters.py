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


def test_a_reviewer_ticks_the_editions_checklist_to_accept(page, live_server, login, axe,
                                                          demo_review):
    from intake.models import Edition

    edition = demo_review
    Edition.objects.filter(pk=edition.pk).update(
        review_criteria="zgodny z prawem\nw kompetencjach gminy\nkoszt realny")
    login(page, "formal@wotum.localhost")
    page.goto(f"{live_server.url}/review/queue/")
    page.get_by_role("button", name="Weź").first.click()
    page.get_by_label("zgodny z prawem").check()
    page.get_by_label("Przyjmij formalnie", exact=False).check()
    page.get_by_role("button", name="Zapisz decyzję").click()
    expect(page.get_by_text("Aby przyjąć wniosek, zaznacz wszystkie kryteria")).to_be_visible()
    axe(page)
    page.get_by_label("w kompetencjach gminy").check()
    page.get_by_label("koszt realny").check()
    page.get_by_role("button", name="Zapisz decyzję").click()
    expect(page.get_by_text("Decyzja zapisana")).to_be_visible()
