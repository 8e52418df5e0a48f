"""The review flow end to end, through the services, with no HTTP (PB-11)."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from freezegun import freeze_time
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from audit.models import AuditRecord
from intake.models import Proposal
from intake.services import proposal_submit
from workflows.flows import ProposalReviewFlow
from workflows.models import ProposalReviewProcess

from .conftest import decide, in_days, task_for

pytestmark = pytest.mark.django_db

F = ProposalReviewFlow


def _steps(proposal) -> list[str]:
    tasks = Task.objects.filter(process__proposalreviewprocess__proposal=proposal)
    return [task.flow_task.name for task in tasks.order_by("pk")]


def test_submitting_a_proposal_starts_one_review_process_at_formal_review(submit):
    proposal = submit()

    process = ProposalReviewProcess.objects.get(proposal=proposal)
    assert process.flow_class is ProposalReviewFlow
    assert _steps(proposal) == ["start", "formal_review"]
    formal = Task.objects.get(process=process, flow_task=F.formal_review)
    assert formal.status == STATUS.NEW
    assert formal.owner_permission == "intake.review_formally"


def test_accepted_at_both_steps_ends_accepted_with_the_verified_cost(reviewing, people):
    decide(people.formal, reviewing, "accepted")
    assert Proposal.objects.get(pk=reviewing.pk).state == Proposal.State.FORMALLY_ACCEPTED

    decide(people.merit, reviewing, "accepted", verified_cost=Decimal("123456.78"),
           notes="Wycena wydziału inwestycji.")

    proposal = Proposal.objects.get(pk=reviewing.pk)
    assert proposal.state == Proposal.State.ACCEPTED
    assert proposal.verified_cost == Decimal("123456.78")
    assert _steps(proposal) == ["start", "formal_review", "formal_outcome", "merit_review",
                                "merit_outcome", "accepted"]
    process = ProposalReviewProcess.objects.get(proposal=proposal)
    assert process.status == PROCESS.DONE and process.finished is not None
    actions = list(AuditRecord.objects.filter(object_id=str(proposal.pk),
                                              object_type="intake.proposal")
                   .values_list("action", "actor_label"))
    assert ("proposal.accept_formally", people.formal.email) in actions
    assert ("proposal.accept", people.merit.email) in actions


def test_rejected_at_formal_review_ends_the_review(reviewing, people):
    decision = decide(people.formal, reviewing, "rejected", justification="Poza terenem miasta.")

    assert decision.stage == "formal" and decision.justification == "Poza terenem miasta."
    assert Proposal.objects.get(pk=reviewing.pk).state == Proposal.State.REJECTED
    assert _steps(reviewing)[-2:] == ["formal_outcome", "rejected"]
    assert ProposalReviewProcess.objects.get(proposal=reviewing).status == PROCESS.DONE
    assert task_for(people.merit, reviewing) is None


def test_rejected_at_merit_review_ends_the_review(reviewing, people):
    decide(people.formal, reviewing, "accepted")
    decide(people.merit, reviewing, "rejected", justification="Koszt przekracza pulę.")

    assert Proposal.objects.get(pk=reviewing.pk).state == Proposal.State.REJECTED
    assert _steps(reviewing)[-2:] == ["merit_outcome", "rejected"]


def test_returned_at_formal_review_comes_back_to_formal_review_when_resubmitted(
        reviewing, people):
    decide(people.formal, reviewing, "returned", justification="Brak mapki.",
           correction_deadline=in_days(7))
    returned = Proposal.objects.get(pk=reviewing.pk)
    assert returned.state == Proposal.State.RETURNED
    assert _steps(returned)[-1] == "formal_correction"
    assert task_for(people.formal, returned) is None

    resubmitted = proposal_submit(proposal=returned, actor=people.applicant)

    assert resubmitted.state == Proposal.State.SUBMITTED
    assert resubmitted.number == reviewing.number
    assert ProposalReviewProcess.objects.filter(proposal=reviewing).count() == 1
    assert _steps(reviewing)[-3:] == ["formal_correction", "formal_corrected", "formal_review"]
    task = task_for(people.formal, reviewing)
    assert task is not None and task.status == STATUS.NEW
    decide(people.formal, reviewing, "accepted")
    assert Proposal.objects.get(pk=reviewing.pk).state == Proposal.State.FORMALLY_ACCEPTED


def test_returned_at_merit_review_comes_back_to_merit_review_when_resubmitted(
        reviewing, people):
    decide(people.formal, reviewing, "accepted")
    decide(people.merit, reviewing, "returned", justification="Doprecyzuj lokalizację.",
           correction_deadline=in_days(3))

    proposal_submit(proposal=Proposal.objects.get(pk=reviewing.pk), actor=people.applicant)

    proposal = Proposal.objects.get(pk=reviewing.pk)
    assert proposal.state == Proposal.State.FORMALLY_ACCEPTED  # formal review still stands
    assert _steps(proposal)[-3:] == ["merit_correction", "merit_corrected", "merit_review"]
    assert task_for(people.formal, proposal) is None
    decide(people.merit, proposal, "accepted", verified_cost=Decimal("99000"))
    assert Proposal.objects.get(pk=reviewing.pk).state == Proposal.State.ACCEPTED
    assert AuditRecord.objects.filter(action="proposal.accept_formally", actor_label="system",
                                      object_id=str(proposal.pk)).count() == 1


def test_a_late_correction_is_refused_and_the_proposal_stays_returned(reviewing, people):
    decide(people.formal, reviewing, "returned", justification="Brak mapki.",
           correction_deadline=in_days(2))
    with freeze_time(timezone.now() + datetime.timedelta(days=5)), \
            pytest.raises(ValidationError) as refused:
        proposal_submit(proposal=Proposal.objects.get(pk=reviewing.pk), actor=people.applicant)

    assert refused.value.code == "deadline"
    assert Proposal.objects.get(pk=reviewing.pk).state == Proposal.State.RETURNED
    assert _steps(reviewing)[-1] == "formal_correction"


def test_a_second_submit_signal_does_not_start_a_second_process(reviewing, people):
    from workflows.services import review_follow_submission

    review_follow_submission(proposal=reviewing)

    assert ProposalReviewProcess.objects.filter(proposal=reviewing).count() == 1
    assert _steps(reviewing) == ["start", "formal_review"]
