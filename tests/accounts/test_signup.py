"""Residents sign up, confirm their e-mail address, log in; staff reset passwords."""
import re

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import OutboundEmail


def _link_in(body: str) -> str:
    return re.search(r"https?://\S+", body).group(0)


@pytest.mark.django_db
def test_resident_signs_up_confirms_and_is_logged_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), {
            "email": "Nowa@Example.org", "password1": "Kasztan-Rybnik-2026",
            "password2": "Kasztan-Rybnik-2026"})
    assert response.status_code == 302
    assert OutboundEmail.objects.get().kind == "email_confirmation_signup"
    [message] = mail.outbox
    assert message.to == ["nowa@example.org"]

    # Not confirmed yet: logging in is refused and the person is told to confirm.
    client.logout()
    login = client.post(reverse("account_login"), {"login": "nowa@example.org",
                                                   "password": "Kasztan-Rybnik-2026"})
    assert login.status_code == 302
    assert login["Location"] == reverse("account_email_verification_sent")

    confirm_url = _link_in(message.body)
    assert client.get(confirm_url).status_code == 200
    response = client.post(confirm_url)
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.context["user"].email == "nowa@example.org"


@pytest.mark.django_db
def test_password_reset_goes_through_the_queue(client, user_factory,
                                               django_capture_on_commit_callbacks):
    person = user_factory(email="staff@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": person.email})
    [message] = mail.outbox
    assert "/accounts/password/reset/key/" in message.body
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT


@pytest.mark.django_db
def test_login_page_is_polish_by_default(client):
    page = client.get(reverse("account_login"))
    assert page.headers["Content-Language"] == "pl"
    assert '<html lang="pl">' in page.content.decode()


@pytest.mark.django_db
def test_language_switch_to_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("account_login"))
    assert '<html lang="en">' in page.content.decode()


@pytest.mark.django_db
def test_an_english_browser_still_gets_polish_until_the_person_switches(client):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="pl">' in page.content.decode()


@pytest.mark.django_db
def test_the_signup_email_names_the_site_and_its_domain(client, settings,
                                                         django_capture_on_commit_callbacks):
    settings.WOTUM_SITE_NAME = "Budżet Obywatelski Rybnik"
    settings.WOTUM_BASE_URL = "https://budzet.example.pl"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), {
            "email": "nowa@example.org", "password1": "Kasztan-Rybnik-2026",
            "password2": "Kasztan-Rybnik-2026"})
    [message] = mail.outbox
    assert message.subject == "[Budżet Obywatelski Rybnik] Potwierdź swój adres e-mail"
    assert "Budżet Obywatelski Rybnik!" in message.body
    assert "w domenie budzet.example.pl." in message.body
    assert " z !" not in message.body and "domenie ." not in message.body
