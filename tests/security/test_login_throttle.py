"""Login throttling that an attacker cannot turn against the account's owner."""
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _login(ip: str, email: str, password: str):
    return Client(REMOTE_ADDR=ip).post(reverse("account_login"),
                                       {"login": email, "password": password})


def test_failures_from_an_attackers_address_do_not_lock_the_owner_out(user_factory, password):
    cache.clear()
    victim = user_factory(email="burmistrz@example.org")
    attempts = [_login("203.0.113.9", victim.email, f"guess-{n}").status_code
                for n in range(8)]
    assert "Zbyt wiele nieudanych prób" in _login("203.0.113.9", victim.email,
                                                     password).content.decode()
    assert attempts.count(200) == 8  # refused on the form, never a 500

    owner = _login("198.51.100.7", victim.email, password)

    assert owner.status_code == 302 and owner["Location"] == reverse("home")
