"""A resident on a phone: e-mail form → link from the outbox → ballot card → thank you."""
import pytest
from playwright.sync_api import expect

from tests.voting.conftest import PESEL_2002_F, box_make

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, **PHONE}


@pytest.fixture
def open_box(transactional_db, organisation_factory):
    return box_make(organisation_factory(name="Miasto Rybnik", slug="rybnik-e2e"))


def _request_link(page, live_server, box, address):
    page.goto(f"{live_server.url}/vote/{box.pk}/")
    page.get_by_label("Adres e-mail").fill(address)
    page.get_by_role("button", name="Wyślij").click()


def test_resident_votes_with_the_emailed_link(page, live_server, open_box, axe):
    box = open_box
    page.goto(f"{live_server.url}/vote/{box.pk}/")
    axe(page)
    _request_link(page, live_server, box, "rodzina@example.org")
    expect(page.get_by_test_id("link-sent")).to_have_text(
        "Na adres email rodzina@example.org został wysłany odnośnik do formularza")
    axe(page)

    page.goto(f"{live_server.url}/outbox/?to=rodzina@example.org")
    page.get_by_role("link", name="/vote/card/").first.click()
    expect(page.get_by_role("heading", name="Karta do głosowania")).to_be_visible()
    axe(page)

    # Send an incomplete card first: the messages appear and nothing is lost.
    page.get_by_test_id("district-first").get_by_role("link", name="Chwałowice").click()
    page.get_by_label("Projekt Chwałowice 4").check()
    page.get_by_label("Numer PESEL").fill("0222110124")
    page.get_by_role("button", name="Wyślij").click()
    expect(page.get_by_test_id("card-errors")).to_be_visible()
    expect(page.get_by_text("numer PESEL musi mieć 11 cyfr")).to_be_visible()
    expect(page.get_by_text("zaznacz wszystkie pola").first).to_be_visible()
    expect(page.get_by_label("Projekt Chwałowice 4")).to_be_checked()
    axe(page)

    page.get_by_label("Nie głosuję na projekt ogólnomiejski").check()
    for label in ("Ukończyłem/łam 16 lat.", "Jestem mieszkańcem/mieszkanką tej gminy.",
                  "Dane, które zawarłem/łam", "Wyrażam zgodę"):
        page.get_by_label(label).check()
    page.get_by_label("Numer PESEL").fill(PESEL_2002_F)
    page.get_by_role("button", name="Wyślij").click()

    expect(page.get_by_role("heading", name="dziękujemy za wypełnienie ankiety")).to_be_visible()
    receipt = page.get_by_test_id("receipt").inner_text()
    axe(page)
    page.get_by_role("link", name="Sprawdź kod potwierdzenia").click()
    expect(page.get_by_test_id("receipt-result")).to_contain_text("należy do ważnej karty")
    assert len(receipt) == 10


def test_fourth_request_for_one_address_shows_the_maximum_message(page, live_server, open_box):
    for _ in range(3):
        _request_link(page, live_server, open_box, "rodzina@example.org")
        expect(page.get_by_test_id("link-sent")).to_be_visible()
    _request_link(page, live_server, open_box, "rodzina@example.org")
    expect(page.get_by_text(
        "dla adresu mail rodzina@example.org wysłano maksymalną liczbę formularzy")).to_be_visible()


def test_the_card_works_with_the_keyboard_alone(page, live_server, open_box):
    from tests.voting.conftest import issue_token

    token = issue_token(open_box, "klawiatura@example.org")
    page.goto(f"{live_server.url}/vote/card/{token}/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Enter")
    page.get_by_label("Nie głosuję na projekt lokalny").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Nie głosuję na projekt lokalny")).to_be_checked()


def test_a_card_with_a_pesel_that_already_voted_is_shown_as_invalid_not_accepted(
        page, live_server, open_box, axe):
    from django.test import Client

    from tests.voting.conftest import issue_token
    from tests.voting.test_casting import _vote_by_link

    _vote_by_link(Client(), open_box, "pierwsza@example.org", pesel=PESEL_2002_F)
    token = issue_token(open_box, "druga@example.org")
    page.goto(f"{live_server.url}/vote/card/{token}/")
    page.get_by_test_id("district-first").get_by_role("link", name="Chwałowice").click()
    page.get_by_label("Projekt Chwałowice 4").check()
    page.get_by_label("Nie głosuję na projekt ogólnomiejski").check()
    for label in ("Ukończyłem/łam 16 lat.", "Jestem mieszkańcem/mieszkanką tej gminy.",
                  "Dane, które zawarłem/łam", "Wyrażam zgodę"):
        page.get_by_label(label).check()
    page.get_by_label("Numer PESEL").fill(PESEL_2002_F)
    page.get_by_role("button", name="Wyślij").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Twoja karta została zapisana jako nieważna")
    expect(page.get_by_test_id("invalid")).to_contain_text(
        "Głos z tym numerem PESEL został już oddany w tym głosowaniu.")
    expect(page.get_by_test_id("invalid")).to_contain_text("nie jest liczona w wynikach")
    expect(page.get_by_text("dziękujemy za wypełnienie ankiety")).to_have_count(0)
    expect(page.get_by_text("została policzona")).to_have_count(0)
    page.screenshot(path="/tmp/pbux/invalid_card_phone.png", full_page=True)
    axe(page)


def _luminance(rgb: str) -> float:
    import re

    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, other: str) -> float:
    light, dark = sorted([_luminance(one), _luminance(other)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_checkbox_and_radio_borders_reach_3_to_1_against_the_page(page, live_server, open_box):
    from tests.voting.conftest import issue_token

    token = issue_token(open_box, "kontrast@example.org")
    page.goto(f"{live_server.url}/vote/card/{token}/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    for kind in ("checkbox", "radio"):
        border = page.locator(f"input[type={kind}].form-check-input").first.evaluate(
            "el => getComputedStyle(el).borderTopColor")
        assert _contrast(border, background) >= 3, (kind, border, background)
