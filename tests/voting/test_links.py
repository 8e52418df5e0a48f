"""PB-15, PB-16: links by e-mail, three cards per address, single use, phase-bound."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from ballots.hashing import token_digest
from ballots.models import BallotLink, EmailQuota
from ballots.services import BallotRefused, ballot_link_request, ballot_link_resolve
from notifications.models import OutboundEmail
from notifications.services import email_text
from tests.voting.conftest import box_make, card_data, first_option, issue_token

pytestmark = pytest.mark.django_db


def test_request_page_says_where_the_link_went_and_the_mail_carries_it(client, box):
    response = client.post(reverse("ballots:link_request", args=[box.pk]),
                           {"email": "Rodzina@Example.org"}, follow=True)
    assert "Na adres email rodzina@example.org został wysłany odnośnik do formularza" in \
        response.content.decode()
    email = OutboundEmail.objects.get(to="rodzina@example.org", kind="ballot_link")
    subject, body = email_text(email)  # what the worker will send
    assert "/vote/card/" in body and "Budżet" in subject


def test_fourth_request_for_one_address_is_refused_with_the_rule_message(client, box):
    for _ in range(3):
        ballot_link_request(box=box, email="rodzina@example.org", base_url="http://x")
    response = client.post(reverse("ballots:link_request", args=[box.pk]),
                           {"email": "RODZINA@example.org"})
    assert "dla adresu mail rodzina@example.org wysłano maksymalną liczbę formularzy" in \
        response.content.decode()
    assert BallotLink.objects.filter(box=box).count() == 3
    assert EmailQuota.objects.get(box=box).issued == 3


def test_the_quota_is_per_box(city, box):
    other = box_make(city)
    for target in (box, box, box, other):
        ballot_link_request(box=target, email="a@example.org", base_url="http://x")
    assert BallotLink.objects.filter(box=other).count() == 1


def test_tokens_are_stored_only_as_hashes(box):
    token = issue_token(box, "a@example.org")
    link = BallotLink.objects.get()
    assert link.token_digest == token_digest(token)
    assert token not in link.token_digest
    assert len(token) >= 40


def test_the_link_request_page_of_a_box_that_does_not_exist_is_not_found(client, box):
    url = reverse("ballots:link_request", args=[box.pk + 1000])
    assert client.get(url).status_code == 404
    assert client.post(url, {"email": "a@example.org"}).status_code == 404
    assert not BallotLink.objects.exists()


def test_a_forged_link_gets_a_clear_page(client, box):
    response = client.get(reverse("ballots:card", args=["forged-token"]))
    assert response.status_code == 404
    assert "Ten odnośnik jest nieprawidłowy" in response.content.decode()


def test_a_used_link_gets_a_clear_page_and_casts_nothing_twice(client, box):
    token = issue_token(box, "a@example.org")
    data = card_data(box, local=first_option(box, "Boguszowice").pk, abstain_citywide=True)
    assert client.post(reverse("ballots:card", args=[token]), data).status_code == 302
    again = client.post(reverse("ballots:card", args=[token]), data)
    assert again.status_code == 410
    assert "został już użyty" in again.content.decode()
    assert box.ballots.count() == 1


def test_links_are_refused_before_voting_opens_and_after_it_closes(client, city):
    box = box_make(city)
    token = issue_token(box, "a@example.org")
    with freeze_time(box.closes_at + timedelta(minutes=1)):
        page = client.get(reverse("ballots:card", args=[token]))
        assert page.status_code == 410
        assert "Głosowanie zakończyło się" in page.content.decode()
        with pytest.raises(BallotRefused) as refused:
            ballot_link_request(box=box, email="b@example.org", base_url="http://x")
        assert refused.value.code == "closed"
    with freeze_time(box.opens_at - timedelta(hours=1)):
        page = client.get(reverse("ballots:link_request", args=[box.pk]))
        assert "Głosowanie rozpocznie się" in page.content.decode()


def test_a_box_not_yet_opened_refuses_requests(city):
    box = box_make(city, state="draft")
    with pytest.raises(BallotRefused) as refused:
        ballot_link_request(box=box, email="a@example.org", base_url="http://x")
    assert refused.value.code == "closed"


def test_a_link_expires_with_the_box(city):
    box = box_make(city)
    token = issue_token(box, "a@example.org")
    BallotLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(BallotRefused) as refused:
        ballot_link_resolve(token)
    assert refused.value.code == "expired"


def test_requests_are_rate_limited_per_client(client, box, settings):
    settings.WOTUM_LINK_RATE = "2/m"
    url = reverse("ballots:link_request", args=[box.pk])
    for n in range(2):
        assert client.post(url, {"email": f"p{n}@example.org"}).status_code == 302
    limited = client.post(url, {"email": "p9@example.org"})
    assert "Zbyt wiele zgłoszeń" in limited.content.decode()
    assert not BallotLink.objects.filter(email="p9@example.org").exists()


def test_the_request_page_speaks_polish_about_the_three_cards(client, box):
    html = client.get(reverse("ballots:link_request", args=[box.pk])).content.decode()
    assert "One address" not in html
    assert "Na jeden adres można otrzymać do 3 kart do głosowania" in html
