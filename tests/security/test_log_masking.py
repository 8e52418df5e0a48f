"""X-5: link tokens, PESELs and addresses never reach the logs, whatever logged them."""
import logging

import pytest
from django.test import Client
from django.urls import reverse

from tests.voting.conftest import PESEL_ADULT_M, card_data, first_option, issue_token
from wotum.logs import mask_secrets

pytestmark = pytest.mark.django_db


def test_requests_that_log_4xx_with_tokens_leave_no_token_in_the_logs(client, box, caplog,
                                                                      capfd):
    caplog.set_level(logging.INFO)
    token = issue_token(box, "anna@example.org")
    data = card_data(box, local=first_option(box, "Chwałowice").pk,
                     citywide=first_option(box, "Ogólnomiejski").pk)
    assert client.post(reverse("ballots:card", args=[token]), data).status_code == 302
    answers = [
        client.get(reverse("ballots:card", args=[token])).status_code,  # used: 410
        client.get(reverse("ballots:card", args=[token[:-1] + "x"])).status_code,  # 404
        client.get(f"/no-such-page/{PESEL_ADULT_M}/anna@example.org/").status_code,
    ]
    logging.getLogger("wotum.test").error("Card %s for %s failed", token, "anna@example.org")
    try:
        raise ValueError(f"bad link {token} of PESEL {PESEL_ADULT_M}")
    except ValueError:
        logging.getLogger("wotum.test").exception("Unexpected")

    assert answers == [410, 404, 404]
    assert "Gone: /vote/card/[token]/" in caplog.text
    logged = caplog.text + "".join(capfd.readouterr())
    for secret in (token, token[:-1], PESEL_ADULT_M, "anna@example.org"):
        assert secret not in logged
    assert "a•••@example.org" in logged


def test_a_500_with_a_token_in_its_path_logs_the_error_without_the_token(caplog, monkeypatch):
    def broken(token):
        raise RuntimeError(f"no card for {token}")

    monkeypatch.setattr("ballots.views.ballot_link_resolve", broken)
    token = "Q" * 10 + "k2-_" * 8
    page = Client(raise_request_exception=False).get(f"/vote/card/{token}/")
    assert page.status_code == 500
    assert "Internal Server Error: /vote/card/[token]/" in caplog.text
    assert token not in caplog.text


@pytest.mark.parametrize(("raw", "masked"), [
    ("/vote/card/3q2-_Xk9ZpL0aBcDeFgHiJkLmNoPqRsTuVwXyZ012345/",
     "/vote/card/[token]/"),
    ("PESEL 90010112356 rejected", "PESEL [PESEL] rejected"),
    ("to jan.kowalski@gmina.pl", "to j•••@gmina.pl"),
    ("Not Found: /pb/3/proposals/17/", "Not Found: /pb/3/proposals/17/"),
    ("closed at 2026-12-02T18:15:35.123456+00:00", "closed at 2026-12-02T18:15:35.123456+00:00"),
    ("/accounts/confirm-email/MQ:1tXyZa:Zx3kY0q9wQm-4pLr2sT8uVb1nC6dE7fG5hJ0kL/",
     "/accounts/confirm-email/MQ:1tXyZa:[token]/"),
    ("Task notifications.tasks.email_deliver_queued[0a1b] OrganisationRoleBackend",
     "Task notifications.tasks.email_deliver_queued[0a1b] OrganisationRoleBackend"),
])
def test_masking_keeps_what_an_operator_needs(raw, masked):
    assert mask_secrets(raw) == masked
