"""PB-17, PB-19: one valid ballot per PESEL across channels; invalid cards are kept."""
import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditRecord
from audit.selectors import audit_chain_verify, audit_unchained_count
from audit.services import audit_chain
from ballots.models import Ballot, BallotLink, Option, Vote
from ballots.pesel import pesel_digest
from notifications.models import OutboundEmail
from notifications.tasks import email_deliver_queued
from organisations.roles import Role
from tests.voting.conftest import PESEL_ADULT_F, PESEL_ADULT_M, card_data, first_option, issue_token

pytestmark = pytest.mark.django_db


def _vote_by_link(client, box, email, pesel=PESEL_ADULT_M):
    token = issue_token(box, email)
    data = card_data(box, local=first_option(box, "Chwałowice").pk,
                     citywide=first_option(box, "Ogólnomiejski").pk, pesel=pesel)
    return client.post(reverse("ballots:card", args=[token]), data, follow=True)


def test_casting_consumes_the_link_stores_votes_and_thanks_the_voter(client, box):
    page = _vote_by_link(client, box, "anna@example.org")
    html = page.content.decode()
    assert "dziękujemy za wypełnienie ankiety" in html
    ballot = Ballot.objects.get()
    assert ballot.state == Ballot.State.CAST and ballot.receipt_code in html
    assert ballot.pesel_digest == pesel_digest(PESEL_ADULT_M)
    assert PESEL_ADULT_M not in str(Ballot.objects.values().get())
    assert (ballot.birth_date.isoformat(), ballot.sex) == ("1990-01-01", "M")
    assert Vote.objects.filter(ballot=ballot, counts=True).count() == 2
    link = BallotLink.objects.get()
    assert link.state == BallotLink.State.USED and link.email == ""
    receipt = OutboundEmail.objects.get(kind="ballot_receipt")
    assert receipt.to == "anna@example.org"
    mail.outbox.clear()
    email_deliver_queued()  # the worker renders the receipt as it sends it
    sent = next(m for m in mail.outbox if "przyjęty" in m.subject)
    assert sent.to == ["anna@example.org"] and ballot.receipt_code in sent.body


def test_second_card_with_the_same_pesel_is_kept_as_invalid_and_the_voter_told(client, box):
    _vote_by_link(client, box, "anna@example.org")
    page = _vote_by_link(client, box, "anna@example.org")
    assert "zapisana jako nieważna" in page.content.decode()
    first, second = Ballot.objects.order_by("id")
    assert first.state == Ballot.State.CAST
    assert (second.state, second.invalid_reason) == (Ballot.State.INVALID,
                                                    Ballot.InvalidReason.PESEL_ALREADY_VOTED)
    assert Vote.objects.filter(ballot=second, counts=False).count() == 2
    assert Vote.objects.filter(counts=True).count() == 2


def test_paper_and_email_cards_with_one_pesel_give_one_valid_and_one_invalid(client, box,
                                                                             staff):
    clerk = staff(Role.INTAKE_CLERK)
    client.force_login(clerk)
    data = card_data(box, local=first_option(box, "Boguszowice").pk, abstain_citywide=True,
                     pesel=PESEL_ADULT_F)
    response = client.post(reverse("ballots:paper_entry", args=[box.pk]), data, follow=True)
    assert "zapisana jako ważna" in response.content.decode()
    client.logout()
    _vote_by_link(client, box, "anna@example.org", pesel=PESEL_ADULT_F)

    paper, email = Ballot.objects.order_by("id")
    assert (paper.channel, paper.state, paper.entered_by) == ("paper", "cast", clerk)
    assert (email.channel, email.state) == ("email", "invalid")


def test_every_card_writes_an_audit_row_and_the_chain_holds(client, box):
    _vote_by_link(client, box, "a@example.org")
    _vote_by_link(client, box, "b@example.org")
    rows = AuditRecord.objects.filter(action="ballot.cast")
    assert sorted(rows.values_list("to_state", flat=True)) == ["cast", "invalid"]
    assert audit_chain_verify() == []


def test_receipt_check_shows_status_but_no_choices(client, box):
    _vote_by_link(client, box, "a@example.org")
    ballot = Ballot.objects.get()
    page = client.get(reverse("ballots:receipt_check"), {"code": ballot.receipt_code.lower()})
    html = page.content.decode()
    assert "należy do ważnej karty" in html
    assert "Projekt" not in html  # no project names: choices stay secret
    unknown = client.get(reverse("ballots:receipt_check"), {"code": "NOPE"})
    assert "Żadna karta nie ma takiego kodu" in unknown.content.decode()


def test_paper_entry_is_404_for_residents_and_other_organisations(client, box, staff,
                                                                  user_factory, other_city):
    url = reverse("ballots:paper_entry", args=[box.pk])
    client.force_login(user_factory())
    assert client.get(url).status_code == 404
    client.force_login(staff(Role.INTAKE_CLERK, organisation=other_city))
    assert client.get(url).status_code == 404
    client.force_login(staff(Role.BUDGET_ADMIN))
    assert client.get(url).status_code == 200
    assert client.get(reverse("ballots:blank_card", args=[box.pk])).status_code == 200


def test_a_card_cannot_name_an_option_of_another_box(client, city, box):
    from tests.voting.conftest import box_make

    other = box_make(city)
    token = issue_token(box, "a@example.org")
    data = card_data(box, local=first_option(other, "Boguszowice").pk, abstain_citywide=True)
    page = client.post(reverse("ballots:card", args=[token]), data)
    assert page.status_code == 200  # the form refuses a value that is not on this card
    assert not Ballot.objects.exists()


def test_closing_the_box_counts_the_valid_cards_and_refuses_more(client, box):
    from ballots.services import BallotRefused, box_close

    _vote_by_link(client, box, "a@example.org")
    _vote_by_link(client, box, "b@example.org")  # same PESEL: invalid
    token = issue_token(box, "c@example.org")

    assert box_close(box=box, actor=None) == 1
    assert sorted(Ballot.objects.values_list("state", flat=True)) == ["counted", "invalid"]
    assert set(box.polls.values_list("state", flat=True)) == {"closed"}
    assert AuditRecord.objects.get(action="box.close").details == {"counted": 1}
    page = client.get(reverse("ballots:card", args=[token]))
    assert page.status_code == 410
    box.refresh_from_db()
    with pytest.raises(BallotRefused):
        issue_token(box, "d@example.org")


def test_the_service_refuses_a_card_after_the_box_closed(box):
    from ballots.services import BallotRefused, CardChoices, ballot_cast, box_close

    box_close(box=box, actor=None)
    box.refresh_from_db()
    with pytest.raises(BallotRefused) as refused:
        ballot_cast(box=box, choices=CardChoices(), pesel=None, channel="paper")
    assert refused.value.code == "closed"
    assert not Ballot.objects.exists()


def test_the_blank_card_is_a_pdf_listing_every_project_by_pool(client, box, staff):
    import io

    from pypdf import PdfReader

    client.force_login(staff(Role.INTAKE_CLERK))
    response = client.get(reverse("ballots:blank_card_pdf", args=[box.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for option in Option.objects.filter(poll__box=box):
        assert option.code in text and option.label in text
    for words in ("Karta do głosowania", "Chwałowice", "Nie głosuję na projekt lokalny",
                  "Oświadczenia", "Numer PESEL"):
        assert words in text


def test_the_blank_card_pdf_is_404_for_residents(client, box, user_factory):
    client.force_login(user_factory())
    assert client.get(reverse("ballots:blank_card_pdf", args=[box.pk])).status_code == 404


def test_many_cards_each_have_one_audit_row_on_verified_chains(client, box):
    """Casting appends an unchained audit row per card; the chaining step links them all
    onto the box's chain, and each row names its card."""
    for n in range(12):
        _vote_by_link(client, box, f"voter{n}@example.org",
                      pesel=PESEL_ADULT_F if n % 4 == 0 else PESEL_ADULT_M)
    ballots = {str(b.pk): b for b in Ballot.objects.all()}
    rows = AuditRecord.objects.filter(action="ballot.cast")
    assert len(ballots) == 12 and rows.count() == 12
    assert {r.object_id: r.to_state for r in rows} == {pk: b.state for pk, b in ballots.items()}
    assert {r.object_repr for r in rows} == {b.receipt_code for b in ballots.values()}
    assert audit_chain(stream=f"box:{box.pk}") == 12
    assert sorted(rows.values_list("seq", flat=True)) == list(range(1, 13))
    assert audit_chain_verify() == [] and audit_unchained_count() == 0
    assert OutboundEmail.objects.filter(kind="ballot_receipt").count() == 12
    assert not BallotLink.objects.filter(state=BallotLink.State.ISSUED).exists()


def test_receipt_codes_are_ten_letters_read_aloud_without_mixups():
    """No 0/O or 1/I, ten characters, and every letter as likely as any other: the code is
    made of random bytes taken modulo the alphabet's size, unbiased only for 32 letters."""
    from ballots.services import RECEIPT_ALPHABET, _receipt_code

    assert len(RECEIPT_ALPHABET) == 32 and len(set(RECEIPT_ALPHABET)) == 32
    assert not set("0O1I") & set(RECEIPT_ALPHABET)
    codes = [_receipt_code() for _ in range(4000)]
    assert all(len(code) == 10 and set(code) <= set(RECEIPT_ALPHABET) for code in codes)
    assert len(set(codes)) == len(codes)
    seen = dict.fromkeys(RECEIPT_ALPHABET, 0)
    for code in codes:
        for letter in code:
            seen[letter] += 1
    # 40,000 letters, 1,250 expected each: a letter never drawn, or drawn twice as often,
    # is a broken mapping, not chance (the standard deviation is about 35).
    assert min(seen.values()) > 1000 and max(seen.values()) < 1500
