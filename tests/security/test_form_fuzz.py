"""Property-based fuzzing of every public form: whatever a stranger types, the answer is a
page (never a 5xx), and a refused submission stores nothing (X-4)."""
import itertools

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballots.models import Ballot
from intake.models import Proposal
from tests.factories import EditionFactory, UserFactory
from tests.voting.conftest import card_data, first_option, issue_token

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# Text that has broken forms before: digits that are not ASCII, NUL, right-to-left marks,
# very long values, numbers in other scripts, SQL and markup.
NASTY = st.sampled_from(["²³", "\x00", "١٢٣", "‮", "9" * 400, "' OR 1=1 --",
                         "<script>alert(1)</script>", "-1", "1e309", "NaN", " ", "",
                         "0x1F", "12,5", "１２"])
TEXT = st.one_of(NASTY, st.text(st.characters(exclude_categories=("Cs",)), max_size=80))
VALUES = st.one_of(TEXT, st.lists(TEXT, max_size=3))
_addresses = itertools.count()


def _post(client, url, data):
    response = client.post(url, data)
    assert response.status_code < 500, (url, data)
    return response


def _anonymous():
    return Client(raise_request_exception=False)


@FUZZ
@given(email=TEXT)
def test_link_request_form(box, email):
    cache.clear()
    _post(_anonymous(), reverse("ballots:link_request", args=[box.pk]), {"email": email})


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(["g-district-options", "g-district-abstain",
                                               "pesel", "declare_age", "declare_consent",
                                               "other"]), VALUES, max_size=6),
       replace_citywide=VALUES)
def test_ballot_card_form(box, fields, replace_citywide):
    token = issue_token(box, f"fuzz{next(_addresses)}@example.org")
    data = card_data(box, local=first_option(box, "Chwałowice").pk,
                     citywide=first_option(box, "Ogólnomiejski").pk)
    citywide_key = next(key for key in data if key.startswith("p-"))
    data.update(fields)
    data[citywide_key] = replace_citywide
    before = Ballot.objects.count()
    response = _post(_anonymous(), reverse("ballots:card", args=[token]), data)
    if response.status_code != 302:  # refused: the card is shown again, nothing stored
        assert Ballot.objects.count() == before


@FUZZ
@given(code=TEXT)
def test_receipt_check_form(db, code):
    response = _anonymous().get(reverse("ballots:receipt_check"), {"code": code})
    assert response.status_code < 500


@FUZZ
@given(login=TEXT, password=TEXT)
def test_login_form(db, login, password):
    cache.clear()
    _post(_anonymous(), reverse("account_login"), {"login": login, "password": password})


@FUZZ
@given(email=TEXT, password=TEXT)
def test_signup_form(db, email, password):
    cache.clear()
    _post(_anonymous(), reverse("account_signup"),
          {"email": email, "password1": password, "password2": password})


@FUZZ
@given(language=TEXT, next_url=TEXT)
def test_language_switch(db, language, next_url):
    _post(_anonymous(), reverse("set_language"), {"language": language, "next": next_url})


@pytest.fixture
def resident_client(city):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    return client, EditionFactory(organisation=city, phase="intake")


@FUZZ
@given(fields=st.fixed_dictionaries({}, optional=dict.fromkeys(
    ("title", "pool", "location", "description", "justification", "estimated_cost",
     "applicant_name"), VALUES)))
def test_proposal_form(resident_client, fields):
    client, edition = resident_client
    before = Proposal.objects.count()
    response = _post(client, reverse("intake:proposal_create", args=[edition.pk]), fields)
    if response.status_code != 302:
        assert Proposal.objects.count() == before
