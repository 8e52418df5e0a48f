"""A card stored as invalid is never presented as accepted: its page and its e-mail say so."""
import pytest
from django.core import mail

from ballots.models import Ballot
from notifications.models import OutboundEmail
from notifications.services import email_text
from tests.voting.test_casting import _vote_by_link

pytestmark = pytest.mark.django_db

REASON = "Głos z tym numerem PESEL został już oddany"


def _receipts():
    return [email_text(e) for e in OutboundEmail.objects.filter(kind="ballot_receipt")
            .order_by("id")]


def test_the_invalid_cards_page_says_invalid_and_why_once_and_never_counted(client, box):
    _vote_by_link(client, box, "anna@example.org")
    html = _vote_by_link(client, box, "anna@example.org").content.decode()
    assert Ballot.objects.order_by("id").last().state == Ballot.State.INVALID
    assert "została zapisana jako nieważna" in html
    assert html.count(REASON) == 1
    assert "PESEL already voted" not in html
    assert "została policzona" not in html
    assert "dziękujemy za wypełnienie ankiety" not in html.lower()


def test_a_valid_cards_page_says_it_will_be_counted(client, box):
    html = _vote_by_link(client, box, "anna@example.org").content.decode()
    assert "nieważna" not in html and "została policzona" in html


def test_the_invalid_cards_email_says_invalid_and_why_not_accepted(client, box):
    _vote_by_link(client, box, "anna@example.org")
    _vote_by_link(client, box, "anna@example.org")
    (valid_subject, valid_body), (invalid_subject, invalid_body) = _receipts()
    assert "przyjęty" in valid_subject and "została policzona" in valid_body
    assert "przyjęty" not in invalid_subject and "nieważna" in invalid_subject
    assert "nieważna" in invalid_body and invalid_body.count(REASON) == 1
    assert "policzona" not in invalid_body and "przyjęty" not in invalid_body
    mail.outbox.clear()
    from notifications.tasks import email_deliver_queued

    email_deliver_queued()
    assert any("nieważna" in m.subject for m in mail.outbox)
