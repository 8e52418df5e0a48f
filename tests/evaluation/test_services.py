"""Decisions: recorded with the proposal's audited transition, and e-mailed to the applicant."""
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from viewflow.fsm import TransitionNotAllowed

from audit.models import AuditRecord
from evaluation.models import ReviewDecision
from evaluation.selectors import decisions_for
from evaluation.services import decision_record
from intake.models import Proposal
from notifications.models import OutboundEmail
from tests.workflows.conftest import decide, in_days

pytestmark = pytest.mark.django_db


def test_a_decision_is_stored_with_its_reviewer_and_the_audited_transition(reviewing, people):
    decision = decision_record(proposal=reviewing, stage="formal", outcome="rejected",
                               reviewer=people.formal, justification="  Poza terenem.  ")

    decision.refresh_from_db()
    assert decision.justification == "Poza terenem."
    assert decision.reviewer == people.formal and decision.organisation == reviewing.organisation
    record = AuditRecord.objects.get(action="proposal.reject_formally")
    assert (record.actor, record.from_state, record.to_state) == (people.formal, "submitted",
                                                                  "rejected")
    assert record.details["outcome"] == "rejected"


def test_a_refused_transition_stores_no_decision(reviewing, people):
    with pytest.raises(PermissionDenied):
        decision_record(proposal=reviewing, stage="formal", outcome="accepted",
                        reviewer=people.applicant)
    with pytest.raises((PermissionDenied, TransitionNotAllowed)):  # not at merit review yet
        decision_record(proposal=reviewing, stage="merit", outcome="accepted",
                        reviewer=people.merit, verified_cost=Decimal("1"))

    assert not ReviewDecision.objects.exists()
    assert Proposal.objects.get(pk=reviewing.pk).state == Proposal.State.SUBMITTED


@pytest.mark.parametrize("fields", [
    {"outcome": "rejected"},
    {"outcome": "returned", "justification": "Popraw."},
    {"outcome": "returned", "justification": "Popraw.", "correction_deadline": in_days(0)},
    {"outcome": "bogus"},
])
def test_incomplete_decisions_are_refused(reviewing, people, fields):
    with pytest.raises(ValidationError):
        decision_record(proposal=reviewing, stage="formal", reviewer=people.formal, **fields)


def _one_email(callbacks) -> OutboundEmail:
    # The submission's own confirmation may go out in the same batch; it is not the decision's.
    decisions = [m for m in mail.outbox if " złożony: " not in m.subject]
    mail.outbox[:] = decisions
    assert len(decisions) == 1
    return OutboundEmail.objects.exclude(kind="proposal_submitted").get()


def test_formal_acceptance_is_emailed_in_polish(reviewing, people,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        decide(people.formal, reviewing, "accepted")

    email = _one_email(callbacks)
    assert email.to == people.applicant.email
    assert email.subject == f"Wniosek {reviewing.reference} przeszedł ocenę formalną"
    assert "oceny merytorycznej" in email.body_text
    assert mail.outbox[0].to == [people.applicant.email]
    assert email.status == OutboundEmail.Status.SENT


def test_acceptance_for_the_ballot_is_emailed_with_the_verified_cost(
        reviewing, people, django_capture_on_commit_callbacks):
    decide(people.formal, reviewing, "accepted")
    mail.outbox.clear()
    OutboundEmail.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        decide(people.merit, reviewing, "accepted", verified_cost=Decimal("123456.50"),
               justification="Wykonalny.")

    email = _one_email(callbacks)
    assert email.subject == f"Wniosek {reviewing.reference} przyjęty do głosowania"
    assert "123" in email.body_text and "456,50" in email.body_text
    assert "Wykonalny." in email.body_text


@pytest.mark.parametrize("stage", ["formal", "merit"])
def test_rejection_is_emailed_with_the_justification(reviewing, people, stage,
                                                     django_capture_on_commit_callbacks):
    if stage == "merit":
        decide(people.formal, reviewing, "accepted")
    reviewer = people.formal if stage == "formal" else people.merit
    mail.outbox.clear()
    OutboundEmail.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        decide(reviewer, reviewing, "rejected", justification="Teren nie należy do miasta.")

    email = _one_email(callbacks)
    assert email.subject == f"Wniosek {reviewing.reference} odrzucony"
    assert "Teren nie należy do miasta." in email.body_text
    assert ("formalnej" if stage == "formal" else "merytorycznej") in email.body_text


def test_return_is_emailed_with_what_to_correct_and_the_deadline(
        reviewing, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        decide(people.formal, reviewing, "returned", justification="Dodaj mapkę.",
               correction_deadline=in_days(10))

    email = _one_email(callbacks)
    assert email.subject == f"Wniosek {reviewing.reference} zwrócony do poprawy"
    assert "Dodaj mapkę." in email.body_text
    assert str(in_days(10).year) in email.body_text


def test_a_paper_proposal_is_emailed_to_the_address_on_the_form(
        submit, edition, people, django_capture_on_commit_callbacks):
    from tests.workflows.conftest import review_start

    proposal = submit(clerk=people.clerk, applicant_email="z.papieru@example.org")
    review_start(edition)

    with django_capture_on_commit_callbacks(execute=True):
        decide(people.formal, proposal, "rejected", justification="Brak podpisu.")

    assert mail.outbox[0].to == ["z.papieru@example.org"]


def test_decisions_for_lists_the_history_oldest_first(reviewing, people):
    decide(people.formal, reviewing, "returned", justification="Dodaj mapkę.",
           correction_deadline=in_days(5))
    from intake.services import proposal_submit

    proposal_submit(proposal=Proposal.objects.get(pk=reviewing.pk), actor=people.applicant)
    decide(people.formal, reviewing, "accepted")

    assert [(d.stage, d.outcome) for d in decisions_for(reviewing)] == [
        ("formal", "returned"), ("formal", "accepted")]
