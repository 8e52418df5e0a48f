"""Every demo role logs in through the form and lands on a home page that names its role."""
import pytest
from playwright.sync_api import expect

from demo.people import PEOPLE


@pytest.mark.parametrize("email,role,organisation_slug", [
    (email, role, slug) for email, _, _, slug, role in PEOPLE])
def test_demo_person_logs_in_and_sees_their_role(page, live_server, demo_people, login, axe,
                                                 email, role, organisation_slug):
    login(page, email)

    expect(page.get_by_test_id("signed-in-as")).to_have_text(email)
    roles = page.get_by_test_id("roles")
    if organisation_slug is None:
        expect(roles).to_contain_text("mieszkaniec")
    else:
        expect(roles).to_contain_text(str(role.label))
    axe(page)


def test_login_page_is_accessible_and_works_with_the_keyboard(page, live_server, demo_people,
                                                             axe):
    page.goto(f"{live_server.url}/accounts/login/")
    axe(page)
    page.keyboard.press("Tab")
    expect(page.get_by_text("Przejdź do treści")).to_be_focused()
    page.get_by_label("Adres e-mail").focus()
    page.keyboard.type("budget@wotum.localhost")
    page.keyboard.press("Tab")
    page.keyboard.type("wotum-demo")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("signed-in-as")).to_have_text("budget@wotum.localhost")


def test_wrong_password_gets_a_clear_message(page, live_server, demo_people, login):
    login(page, "budget@wotum.localhost", password="nie-to-haslo")
    expect(page.get_by_text("Podany adres e-mail i/lub hasło są niepoprawne.")).to_be_visible()
    expect(page.get_by_test_id("signed-in-as")).to_have_count(0)
