"""The timetable in the process layer: a returned proposal lapses when its deadline passes."""
import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time
from viewflow.workflow.status import PROCESS

from audit.models import AuditRecord
from evaluation.models import ReviewDecision
from intake.models import Edition, Proposal
from notifications.models import OutboundEmail
from notifications.services import email_text
from workflows import selectors
from workflows.models import ProposalReviewProcess
from workflows.tasks import timetable_run_task
from workflows.timetable import timetable_run, timetable_steps

from .conftest import decide, in_days

pytestmark = pytest.mark.django_db


def _later(days):
    # An aware moment: a naive local time would be read as UTC by freezegun and move the
    # local date an hour early (the test failed in CI between 23:00 and midnight in Warsaw).
    return freeze_time(timezone.now() + datetime.timedelta(days=days))


def test_the_timetable_holds_the_editions_phases_and_the_lapse_of_corrections():
    names = [step.name for step in timetable_steps()]
    assert names[0] == "proposal.lapse"
    assert {"edition.open_intake", "edition.start_review", "edition.open_voting",
            "edition.close"} <= set(names)


def test_a_returned_proposal_lapses_by_an_audited_transition_when_its_deadline_passes(
        reviewing, people):
    decide(people.formal, reviewing, "returned", justification="Brak mapki.",
           correction_deadline=in_days(2))
    with _later(2):
        assert timetable_run() == []  # the deadline day itself still allows the correction
    with _later(3):
        report = timetable_run_task.delay().get()
    assert [list(row) for row in report] == [["proposal.lapse", reviewing.pk, "moved"]]

    proposal = Proposal.objects.get(pk=reviewing.pk)
    assert proposal.state == Proposal.State.REJECTED
    audit = AuditRecord.objects.get(action="proposal.lapse", object_id=str(proposal.pk))
    assert (audit.from_state, audit.to_state, audit.actor_label) == ("returned", "rejected",
                                                                    "system")
    decision = ReviewDecision.objects.filter(proposal=proposal).last()
    assert decision.outcome == "rejected" and decision.reviewer is None
    assert "nie został poprawiony" in decision.justification
    assert ProposalReviewProcess.objects.get(proposal=proposal).status == PROCESS.DONE
    assert selectors.open_correction_for(proposal) is None
    message = OutboundEmail.objects.filter(to="applicant@example.org").latest("id")
    subject, body = email_text(message)
    assert "odrzucony" in body and "nie został poprawiony" in body
    with _later(4):
        assert timetable_run() == []  # nothing twice


def test_a_lapse_at_merit_review_ends_the_review_too(reviewing, people):
    decide(people.formal, reviewing, "accepted")
    decide(people.merit, reviewing, "returned", justification="Doprecyzuj koszt.",
           correction_deadline=in_days(1))
    with _later(2):
        timetable_run()
    proposal = Proposal.objects.get(pk=reviewing.pk)
    assert proposal.state == Proposal.State.REJECTED
    assert ProposalReviewProcess.objects.get(proposal=proposal).status == PROCESS.DONE
    assert not AuditRecord.objects.filter(action="proposal.accept_formally",
                                          actor_label="system").exists()


def test_after_a_lapse_the_edition_can_open_its_vote(reviewing, people, edition):
    decide(people.formal, reviewing, "returned", justification="Brak mapki.",
           correction_deadline=in_days(1))
    assert selectors.open_review_blockers(edition)
    with _later(2):
        timetable_run()
    assert selectors.open_review_blockers(edition) == []
    assert Edition.objects.get(pk=edition.pk).state == Edition.State.REVIEW


def test_nobody_may_lapse_a_proposal_by_hand(reviewing, people):
    decide(people.formal, reviewing, "returned", justification="Brak mapki.",
           correction_deadline=in_days(1))
    proposal = Proposal.objects.get(pk=reviewing.pk)
    assert not proposal.lapse.has_perm(people.admin)
