"""PB-18: every message of the card, triggered by its input, in Polish by default."""
import pytest
from django.utils import translation

from ballots.forms import BallotCardForm
from tests.voting.conftest import PESEL_UNDER_16, box_make, card_data, first_option, issue_token

pytestmark = pytest.mark.django_db


def _errors(box, data):
    with translation.override("pl"):
        form = BallotCardForm(data, box=box)
        form.is_valid()
        return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


@pytest.fixture
def good(box):
    return card_data(box, local=first_option(box, "Boguszowice").pk,
                     citywide=first_option(box, "Ogólnomiejski").pk)


def test_a_complete_card_is_valid(box, good):
    form = BallotCardForm(good, box=box)
    assert form.is_valid(), form.errors
    assert form.pesel_facts.sex == "M"
    assert sorted(len(v) for v in form.choices.by_poll.values()) == [1, 1]


def test_section_left_empty_says_field_not_filled(box, good):
    good.pop("g-district-options")
    assert _errors(box, good)["g-district-options"] == ["nie wypełniono pola"]


def test_missing_declaration_says_tick_all_fields(box, good):
    good.pop("declare_consent")
    assert _errors(box, good)["__all__"] == ["zaznacz wszystkie pola"]


@pytest.mark.parametrize("pesel,message", [
    ("", "nie wypełniono pola"),
    ("9001011235x", "niedozwolony znak"),
    ("90-010112356", "niedozwolony znak"),
    ("9001011235", "numer PESEL musi mieć 11 cyfr"),
    ("900101123567", "numer PESEL musi mieć 11 cyfr"),
    ("90010112357", "niepoprawny numer pesel"),   # wrong checksum
    ("90133112359", "niepoprawny numer pesel"),   # month 13 does not exist
    (PESEL_UNDER_16, "nie ukończone 16 lat"),
])
def test_pesel_messages(box, good, pesel, message):
    good["pesel"] = pesel
    assert _errors(box, good)["pesel"] == [message]


def test_choosing_and_abstaining_at_once_is_refused(box, good):
    good["g-district-abstain"] = "on"
    assert "nie oba" in _errors(box, good)["g-district-options"][0]


def test_abstaining_in_both_sections_is_a_valid_card(box):
    data = card_data(box, abstain_local=True, abstain_citywide=True)
    form = BallotCardForm(data, box=box)
    assert form.is_valid(), form.errors
    assert form.choices.by_poll == {}


def test_projects_from_two_districts_are_refused(city):
    box = box_make(city, local_choices=2)
    data = card_data(box, local=[first_option(box, "Boguszowice").pk,
                                 first_option(box, "Chwałowice").pk],
                     citywide=first_option(box, "Ogólnomiejski").pk)
    assert _errors(box, data)["g-district-options"] == ["Wybierz projekty z jednej dzielnicy."]


def test_an_invalid_card_keeps_what_the_voter_entered(client, box, good):
    good["pesel"] = "123"
    link_token = _issue_token(box)
    page = client.post(f"/vote/card/{link_token}/", good)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'value="{first_option(box, "Boguszowice").pk}" id="opt-' in html
    assert 'checked' in html and 'value="123"' in html


def _issue_token(box):
    return issue_token(box, "voter@example.org")


def test_default_pesel_check_is_off_when_the_edition_says_so(city):
    box = box_make(city, pesel_required=False)
    data = card_data(box, abstain_local=True, abstain_citywide=True, pesel=None)
    form = BallotCardForm(data, box=box)
    assert form.is_valid(), form.errors
    assert "pesel" not in form.fields


def test_the_card_of_an_open_box_is_read_once_and_again_after_a_project_changes(
        client, box, django_assert_max_num_queries):
    from django.urls import reverse

    from ballots.models import Option
    from tests.voting.conftest import issue_token

    url = reverse("ballots:card", args=[issue_token(box, "anna@example.org")])
    client.get(url)  # reads the box's polls and options once
    with django_assert_max_num_queries(1):  # the link and its box; the card is kept
        assert client.get(url).status_code == 200

    option = Option.objects.filter(poll__box=box).first()
    option.label = "Nowa nazwa projektu"
    option.save()
    assert "Nowa nazwa projektu" in client.get(url).content.decode()
