"""A fresh demo: e-mails link to the port it runs on, and the README's example works."""
import re

import pytest
from django.urls import reverse

from ballots.services import BallotRefused, ballot_link_request
from intake.models import Edition
from notifications.models import OutboundEmail
from notifications.services import email_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_data, db):
    return None


def test_demo_emails_link_to_the_port_the_demo_runs_on(demo):
    links = [link for email in OutboundEmail.objects.all()
             for link in re.findall(r"https?://[^\s/]+", email_text(email)[1])]
    assert links and all(link == "http://127.0.0.1:8123" for link in links), set(links)


def test_the_readme_example_address_has_all_three_cards_on_a_fresh_demo(demo):
    box = Edition.objects.get(year=2025).ballot_box
    for _ in range(3):
        ballot_link_request(box=box, email="rodzina@example.org", base_url="http://x")
    with pytest.raises(BallotRefused):
        ballot_link_request(box=box, email="rodzina@example.org", base_url="http://x")


def test_the_administrators_home_does_not_call_them_a_resident(demo, client):
    from accounts.models import User

    client.force_login(User.objects.get(email="admin@wotum.localhost"))
    html = client.get(reverse("home")).content.decode()
    assert "jako mieszkaniec" not in html and "jako administrator" in html
