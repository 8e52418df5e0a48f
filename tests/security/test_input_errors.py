"""X-4: no input a stranger can send turns into a 500."""
import pytest
from django.test import Client
from django.urls import reverse

from ballots.models import Ballot, BallotLink
from tests.voting.conftest import card_data, first_option, issue_token

pytestmark = pytest.mark.django_db


def test_superscript_digits_in_an_option_field_redisplay_the_card(client, box):
    token = issue_token(box, "anna@example.org")
    data = card_data(box, local="²³", citywide=first_option(box, "Ogólnomiejski").pk)
    page = client.post(reverse("ballots:card", args=[token]), data)
    assert page.status_code == 200  # the card again, with its message; nothing stored
    assert not Ballot.objects.exists()
    assert BallotLink.objects.get().state == BallotLink.State.ISSUED


def test_a_utf16_form_post_gets_a_clean_400_in_polish():
    client = Client(raise_request_exception=False)
    page = client.post("/accounts/login/", data=b"a=b",
                       content_type="application/x-www-form-urlencoded; charset=utf-16")
    assert page.status_code == 400
    assert "Nieprawidłowe żądanie" in page.content.decode()


def test_an_unexpected_error_gets_the_site_500_page(settings):
    from wotum import views

    client = Client(raise_request_exception=False)
    response = views.server_error(client.get("/").wsgi_request)
    assert response.status_code == 500
    assert "Coś poszło nie tak" in response.content.decode()
