"""PB-15: the card puts the voter's district first, links each project, and sums up the choice."""
import pytest
from django.urls import reverse

from ballots.models import Ballot, Poll
from tests.voting.conftest import PESEL_2002_F, issue_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def card_url(voting):
    return reverse("ballots:card", args=[issue_token(voting.ballot_box, "anna@example.org")])


def _district(edition, name):
    return Poll.objects.get(box=edition.ballot_box, title=name)


def test_the_chosen_district_comes_first_open_and_is_remembered(client, voting, card_url):
    boguszowice = _district(voting, "Boguszowice")
    page = client.get(card_url, {"district": boguszowice.pk})
    html = page.content.decode()
    assert html.index(f'data-poll="{boguszowice.pk}" open') < html.index("Śródmieście</summary>")
    assert "Pozostałe dzielnice" in html
    assert page.cookies[f"card_district_{voting.ballot_box_id}"].value == str(boguszowice.pk)
    # The next card on this device opens at the same district without asking again.
    html = client.get(card_url).content.decode()
    assert f'data-poll="{boguszowice.pk}" open' in html


def test_a_district_of_another_box_or_not_a_number_is_ignored(client, voting, card_url):
    for value in ("999999", "²³", "1 OR 1=1"):
        html = client.get(card_url, {"district": value}).content.decode()
        assert " open>" not in html and "Pozostałe dzielnice" not in html


def test_each_project_links_to_its_page_in_a_new_tab(client, voting, card_url):
    html = client.get(card_url).content.decode()
    url = reverse("intake:project_detail", args=[voting.pk, 2])
    assert f'href="{url}" target="_blank" rel="noopener"' in html
    assert "otwiera się w nowej karcie; Twoje zaznaczenia zostają tutaj" in html


def test_checking_the_choice_sums_it_up_with_choices_left_and_casts_nothing(
        client, voting, card_url):
    from ballots.models import Option

    options = {o.label: o.pk for o in Option.objects.filter(poll__box=voting.ballot_box)}
    srodmiescie = _district(voting, "Śródmieście")
    citywide = Poll.objects.get(box=voting.ballot_box, choice_group="")
    before = Ballot.objects.count()
    data = {"g-district-options": options["Plac zabaw"],
            f"p-{citywide.pk}-options": [options["Koncerty"]], "action": "review"}
    html = client.post(card_url, data).content.decode().replace("\xa0", " ")
    assert Ballot.objects.count() == before
    summary = html.split('data-testid="card-summary"')[1].split("</section>")[0]
    assert "Twój wybór" in summary
    assert "Plac zabaw" in summary and f"({srodmiescie.title})" in summary
    assert "wybrano 1 z 2; można wybrać jeszcze 1" in summary
    assert "wybrano 1 z 1; można wybrać jeszcze 0" in summary
    assert f'value="{options["Plac zabaw"]}" id="opt-{options["Plac zabaw"]}"\n' \
           '                     checked' in html  # the ticks are kept

    # Sending the same card (with the declarations) casts it.
    data.pop("action")
    data.update(declare_age="on", declare_resident="on", declare_true="on",
                declare_consent="on", pesel=PESEL_2002_F)
    assert client.post(card_url, data).status_code == 302
    assert Ballot.objects.count() == before + 1
