"""CS-2 … CS-5 in a browser: the operator checks the quorum and runs a named vote; three
councillors in their own browser contexts follow live (one stays absent); the projector and
the public page show the count and then the result with names."""
import time

import pytest
from playwright.sync_api import expect

LIVE = 10_000  # ms: screens poll every second; allow for a slow machine
CLOSE_TO_SCREEN = 2_000  # ms: the projector shows the result this soon after the close


@pytest.fixture
def small_council(demo_people):
    """Rada Miasta Rybnika cut down to three seats and three councillors, one session."""
    from council import services
    from council.models import Council
    from demo.people import person_ensure
    from organisations.models import Membership, Organisation
    from organisations.roles import Role

    organisation = Organisation.objects.get(slug="rada-rybnik")
    council = Council.objects.create(organisation=organisation, seats=3)
    for email, first, last in (("radny02@wotum.localhost", "Agnieszka", "Adamczyk"),
                               ("radny03@wotum.localhost", "Bartosz", "Banaś")):
        Membership.objects.create(user=person_ensure(email, first, last),
                                  organisation=organisation, role=Role.COUNCILLOR)
    from accounts.models import User

    operator = User.objects.get(email="operator@wotum.localhost")
    meeting = services.council_session_create(council=council, title="Sesja XII/2026",
                                              actor=operator)
    services.session_item_add(meeting=meeting, identifier="Uchwała nr XII/120/2026",
                              title="w sprawie budżetu na rok 2027", actor=operator)
    return meeting


def test_quorum_check_and_named_vote_live_on_every_screen(browser, live_server, login, axe,
                                                          small_council):
    url = f"{live_server.url}/rada/sesje/{small_council.pk}/"
    contexts = [browser.new_context() for _ in range(5)]
    operator, radoslaw, agnieszka, bartosz, projector = (c.new_page() for c in contexts)
    for page, email in ((operator, "operator@wotum.localhost"),
                        (radoslaw, "councillor@wotum.localhost"),
                        (agnieszka, "radny02@wotum.localhost"),
                        (bartosz, "radny03@wotum.localhost")):
        login(page, email)
        page.goto(url)

    operator.get_by_role("button", name="Rozpocznij sesję").click()
    expect(operator.get_by_test_id("meeting-state")).to_have_text("głosowanie")
    axe(operator)
    operator.get_by_role("button", name="Sprawdź kworum").click()

    # "Jestem obecny/obecna" appears by itself; Bartosz does not press it.
    for page in (radoslaw, agnieszka, bartosz):
        expect(page.get_by_role("button", name="Jestem obecny/obecna")).to_be_visible(
            timeout=LIVE)
    axe(radoslaw)
    for page in (radoslaw, agnieszka):
        page.get_by_role("button", name="Jestem obecny/obecna").click()
        expect(page.get_by_test_id("present-confirmed")).to_be_visible()
    expect(operator.get_by_test_id("quorum-count")).to_contain_text("2 z 3", timeout=LIVE)
    expect(bartosz.get_by_test_id("quorum-count")).to_contain_text("2 z 3", timeout=LIVE)
    operator.get_by_role("button", name="Zakończ sprawdzanie kworum teraz").click()
    expect(operator.get_by_test_id("quorum-result")).to_contain_text("Kworum jest")

    projector.goto(f"{live_server.url}/rada/sesje/{small_council.pk}/projektor/")
    expect(projector.get_by_text("Oczekiwanie na kolejne głosowanie")).to_be_visible()

    operator.get_by_role("button", name="Rozpocznij głosowanie — Uchwała nr XII/120/2026").click()
    # The buttons appear without reloading, for the present councillors only.
    for page in (radoslaw, agnieszka):
        expect(page.get_by_role("button", name="ZA", exact=True)).to_be_visible(timeout=LIVE)
    expect(bartosz.get_by_test_id("not-present")).to_be_visible(timeout=LIVE)
    expect(bartosz.get_by_role("button", name="ZA", exact=True)).to_have_count(0)
    axe(agnieszka)
    radoslaw.get_by_role("button", name="ZA", exact=True).click()
    expect(radoslaw.get_by_test_id("my-vote")).to_contain_text("Za")
    agnieszka.get_by_role("button", name="WSTRZYMUJĘ SIĘ").click()
    expect(projector.get_by_test_id("cast")).to_have_text("2", timeout=LIVE)
    expect(operator.get_by_test_id("live-count")).to_contain_text("Oddane głosy: 2",
                                                                   timeout=LIVE)
    axe(projector)

    operator.get_by_role("button", name="Zakończ głosowanie").click()
    closed_at = time.monotonic()
    result = projector.get_by_test_id("projector-result")
    expect(result).to_contain_text("Przyjęta", timeout=CLOSE_TO_SCREEN)
    assert time.monotonic() - closed_at <= CLOSE_TO_SCREEN / 1000 + 0.5
    names = projector.get_by_test_id("named-list")
    expect(names).to_contain_text("Radosław Radny")
    expect(names).to_contain_text("Agnieszka Adamczyk")
    expect(names).to_contain_text("Bartosz Banaś")
    axe(projector)

    public = contexts[4].new_page()
    public.goto(f"{live_server.url}/rada/rada-rybnik/")
    vote = public.get_by_test_id(f"closed-vote-{small_council.resolutions.get().pk}")
    expect(vote.get_by_test_id("outcome")).to_have_text("Przyjęta")
    expect(vote.get_by_test_id("named-list")).to_contain_text("Radosław Radny")
    expect(vote.get_by_test_id("named-list")).to_contain_text("Wstrzymuję się")
    axe(public)
    for context in contexts:
        context.close()
