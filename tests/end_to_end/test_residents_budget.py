"""A resident reads the budget: front page → edition → project page; results on a phone."""
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.results.conftest import voting_make

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def rybnik_vote(demo_people):
    from accounts.models import User
    from ballots.models import BallotBox
    from intake.models import Edition, Proposal
    from organisations.models import Organisation

    clerk = User.objects.get(email="clerk@wotum.localhost")
    edition = voting_make(Organisation.objects.get(slug="rybnik"), clerk)
    Proposal.objects.filter(edition=edition, title="Plac zabaw").update(
        location="ul. Rudzka 12", category="Sport i rekreacja",
        latitude="50.097100", longitude="18.541800",
        description="Nowy plac zabaw dla dzieci do 12 lat przy szkole.")
    ends = timezone.now() + timezone.timedelta(days=6)
    Edition.objects.filter(pk=edition.pk).update(population=5000, voting_ends_at=ends)
    # The box holds the vote's dates once it exists (it was created with the edition's).
    BallotBox.objects.filter(pk=edition.ballot_box_id).update(closes_at=ends)
    return Edition.objects.get(pk=edition.pk)


def test_a_resident_goes_from_the_front_page_to_a_project_page(page, live_server, axe,
                                                               rybnik_vote):
    page.goto(f"{live_server.url}/")
    card = page.get_by_test_id("votes-open").filter(has_text=rybnik_vote.name)
    expect(card.get_by_test_id("current-phase")).to_contain_text("Głosowanie")
    expect(card.get_by_test_id("days-left")).to_contain_text("zostało 6 dni")
    expect(card.get_by_test_id("call-to-action")).to_contain_text("Głosuj")
    expect(card.get_by_test_id("participation")).to_contain_text("Dotąd zagłosowało 9")
    axe(page)

    card.get_by_role("link", name=rybnik_vote.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(rybnik_vote.name)
    expect(page.get_by_test_id("participation")).to_contain_text("Frekwencja: 0,18%")
    axe(page)
    page.get_by_role("link", name="Projekty na karcie").click()
    page.get_by_label("Kategoria").select_option("Sport i rekreacja")
    page.get_by_role("button", name="Pokaż").click()
    expect(page.get_by_test_id("found")).to_contain_text("Znaleziono 1 projekt.")
    axe(page)
    page.get_by_role("link", name="Plac zabaw").click()
    expect(page.get_by_test_id("project-facts")).to_contain_text("ul. Rudzka 12")
    expect(page.get_by_test_id("project-facts")).to_contain_text("250 000,00 zł")
    expect(page.get_by_test_id("map-link")).to_have_attribute(
        "href", "https://www.openstreetmap.org/?mlat=50.097100&mlon=18.541800"
                "#map=17/50.097100/18.541800")
    axe(page)


def test_a_resident_on_a_phone_sees_why_each_project_won_or_lost(browser, live_server, axe,
                                                                 rybnik_vote):
    from intake.models import Edition
    from intake.voting import edition_results_compute

    edition_results_compute(edition=rybnik_vote)
    Edition.objects.filter(pk=rybnik_vote.pk).update(results_published_at=timezone.now())
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/pb/editions/{rybnik_vote.pk}/results/")
    citywide = page.get_by_test_id("pool-result").nth(2)
    lines = citywide.get_by_test_id("result-line")
    expect(lines).to_have_count(3)
    expect(lines.nth(0).get_by_test_id("won")).to_be_visible()
    expect(lines.nth(1).get_by_test_id("lost")).to_be_visible()
    expect(lines.nth(1).get_by_test_id("reason")).to_have_text(
        "nie zmieścił się: zostało 400\xa0000 zł, projekt kosztuje 500\xa0000 zł")
    expect(citywide.get_by_test_id("tie")).to_contain_text("Remis")
    expect(citywide.get_by_test_id("rule")).to_contain_text("dopóki starcza pieniędzy")
    # Nothing decisive is scrolled out of sight: the page is no wider than the phone.
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    for n in range(lines.count()):
        box = lines.nth(n).get_by_test_id("reason").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    axe(page)
    context.close()


def test_a_resident_reads_a_project_then_votes_with_the_district_first_and_a_summary(
        page, live_server, axe, rybnik_vote):
    from tests.voting.conftest import PESEL_2002_F

    page.goto(f"{live_server.url}/pb/editions/{rybnik_vote.pk}/projects/")
    page.get_by_role("link", name="Plac zabaw").click()
    expect(page.get_by_test_id("project-number")).to_have_text(
        f"{rybnik_vote.year}/002")
    page.get_by_role("link", name="Głosuj").click()
    page.get_by_label("Adres e-mail").fill("rodzina@example.org")
    page.get_by_role("button", name="Wyślij").click()
    page.goto(f"{live_server.url}/outbox/?to=rodzina@example.org")
    page.get_by_role("link", name="/vote/card/").first.click()
    expect(page.get_by_role("heading", name="Karta do głosowania")).to_be_visible()

    page.get_by_test_id("district-first").get_by_role("link", name="Śródmieście").click()
    district = page.locator("details[open]")
    expect(district).to_have_count(1)
    expect(district.locator("summary")).to_have_text("Śródmieście")
    page.get_by_label("Plac zabaw").check()
    description = page.get_by_role("link", name="opis 2027/002 Plac zabaw", exact=False)
    expect(description).to_have_attribute("target", "_blank")
    page.get_by_label("Koncerty").check()
    summary = page.get_by_test_id("card-summary")
    expect(summary).to_contain_text("Plac zabaw")
    expect(summary.get_by_test_id("choices-left").nth(1)).to_have_text(
        "wybrano 1 z 2; można wybrać jeszcze 1")
    axe(page)

    # Without JavaScript's help the same summary comes from the server, ticks kept.
    page.get_by_role("button", name="Sprawdź mój wybór").click()
    expect(page.get_by_test_id("card-summary")).to_contain_text("Koncerty")
    expect(page.get_by_label("Plac zabaw")).to_be_checked()
    for label in ("Ukończyłem/łam 16 lat.", "Jestem mieszkańcem/mieszkanką tej gminy.",
                  "Dane, które zawarłem/łam", "Wyrażam zgodę"):
        page.get_by_label(label).check()
    page.get_by_label("Numer PESEL").fill(PESEL_2002_F)
    page.get_by_role("button", name="Wyślij").click()
    expect(page.get_by_role("heading", name="dziękujemy za wypełnienie ankiety")).to_be_visible()


def test_the_live_report_charts_have_legends_and_pass_axe(page, live_server, login, axe,
                                                          rybnik_vote):
    login(page, "budget@wotum.localhost")
    page.goto(f"{live_server.url}/vote/{rybnik_vote.ballot_box_id}/report/")
    expect(page.get_by_test_id("by-day-legend")).to_contain_text("łącznie od otwarcia")
    expect(page.get_by_role("img", name="Karty ważne w poszczególnych dniach i łącznie")
           ).to_be_visible()
    expect(page.get_by_test_id("age-legend")).to_contain_text("kobiety")
    expect(page.get_by_role("heading", name="Głosujący według dzielnic")).to_be_visible()
    axe(page)
    page.screenshot(path="/tmp/residents_live_report.png", full_page=True)
