"""Writes: start and resume a proposal's review, claim, release and decide review tasks.

viewflow's Python API checks no permission; these functions do, each time: viewflow's own
task permission, the reviewer's role in the proposal's organisation, separation of duties
(PB-10: the proposal's transition permissions) and the edition's phase.
"""
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from evaluation.models import ReviewDecision
from evaluation.selectors import latest_decision
from evaluation.services import decision_lapse_record, decision_record
from intake.models import Edition, Proposal

from . import selectors
from .flows import ProposalReviewFlow
from .models import ProposalReviewProcess

STEP_STAGES = {"formal_review": ReviewDecision.Stage.FORMAL,
               "merit_review": ReviewDecision.Stage.MERIT}
# The proposal transition whose permission says who may work a step (role + not their own).
STEP_TRANSITIONS = {"formal_review": "accept_formally", "merit_review": "accept"}


def review_follow_submission(*, proposal, actor=None) -> ProposalReviewProcess:
    """Start ``proposal``'s review, or resume it at the step that returned it.

    Called inside the submit's transaction: a refusal here (a correction past its
    deadline, or review already over) undoes the submit.
    """
    process = selectors.review_process_for(proposal)
    if process is None:
        return ProposalReviewFlow.start.run(proposal=proposal)
    correction = selectors.open_correction_for(proposal)
    if correction is None:
        return process  # already waiting for review; nothing to resume
    _correction_still_open(proposal)
    correction.flow_task.run(correction)
    return process


def _correction_still_open(proposal) -> None:
    if proposal.edition.state != Edition.State.REVIEW:
        raise ValidationError(_("The review of this edition is over; the proposal can no "
                                "longer be corrected."), code="phase")
    returned = latest_decision(proposal, outcome=ReviewDecision.Outcome.RETURNED)
    if returned and returned.correction_deadline < timezone.localdate():
        raise ValidationError(
            _("The correction had to be submitted by %(date)s.")
            % {"date": formats.date_format(returned.correction_deadline)}, code="deadline")


def _in_review(proposal) -> None:
    if proposal.edition.state != Edition.State.REVIEW:
        raise ValidationError(_("Review tasks can be worked only while the edition is in "
                                "review; it is now in the phase “%(phase)s”.")
                              % {"phase": proposal.edition.get_state_display()}, code="phase")


def _may_work(user, task, proposal) -> bool:
    transition = getattr(proposal, STEP_TRANSITIONS[selectors.task_step(task)])
    return transition.has_perm(user)


def review_task_assign(*, task: Task, user) -> Task:
    """Claim ``task`` from the queue for ``user``."""
    with task.activation() as activation:  # locks the process row, re-reads the task
        proposal = selectors.task_proposal(task)
        _in_review(proposal)
        if not activation.assign.can_proceed():
            raise ValidationError(_("Someone else has already taken this task."),
                                  code="taken")
        if not (activation.assign.has_perm(user) and _may_work(user, task, proposal)
                and selectors.queue_for(user).filter(pk=task.pk).exists()):
            raise PermissionDenied(_("You may not take this review task."))
        activation.task.assigned = timezone.now()
        activation.assign(user)
    return activation.task


def review_task_release(*, task: Task, user) -> Task:
    """Put ``user``'s claimed ``task`` back in the queue."""
    with task.activation() as activation:
        if not (activation.unassign.can_proceed() and activation.unassign.has_perm(user)):
            raise PermissionDenied(_("You may not release this review task."))
        activation.task.assigned = None
        activation.unassign()
    return activation.task


def review_task_decide(*, task: Task, user, outcome: str, justification: str = "",
                       verified_cost: Decimal | None = None, notes: str = "",
                       correction_deadline: date | None = None,
                       criteria_met=()) -> ReviewDecision:
    """Record ``user``'s decision on their ``task`` and move the review on, atomically."""
    with task.activation() as activation:
        proposal = selectors.task_proposal(task)
        _in_review(proposal)
        if not (activation.task.owner_id == user.pk
                and activation.flow_task.can_execute(user, activation.task)
                and activation.start.can_proceed() and _may_work(user, task, proposal)):
            raise PermissionDenied(_("You may not decide on this review task."))
        activation.start(None)
        decision = decision_record(
            proposal=proposal, stage=STEP_STAGES[selectors.task_step(task)], outcome=outcome,
            reviewer=user, justification=justification, verified_cost=verified_cost,
            notes=notes, correction_deadline=correction_deadline, criteria_met=criteria_met)
        activation.execute()
    return decision


def review_corrections_due(now=None) -> list[Proposal]:
    """Returned proposals whose correction deadline has passed (the timetable lapses them)."""
    today = timezone.localdate(now)
    due = []
    for correction in selectors.open_corrections().iterator():
        proposal = selectors.task_proposal(correction)
        returned = latest_decision(proposal, outcome=ReviewDecision.Outcome.RETURNED)
        if (proposal.state == Proposal.State.RETURNED and returned is not None
                and returned.correction_deadline < today):
            due.append(proposal)
    return due


def review_correction_lapse(*, proposal) -> ReviewDecision:
    """Reject ``proposal``, not corrected by its deadline, and end its review (the timetable).

    The proposal's ``lapse`` transition (audited) and the correction step's end happen in one
    transaction, so the edition is never left waiting for a correction that cannot come.
    """
    with transaction.atomic():
        correction = selectors.open_correction_for(proposal)
        returned = latest_decision(proposal, outcome=ReviewDecision.Outcome.RETURNED)
        if correction is None or returned is None:
            raise ValidationError(_("This proposal is not waiting for a correction."),
                                  code="not_returned")
        if returned.correction_deadline >= timezone.localdate():
            raise ValidationError(_("The correction deadline has not passed yet."),
                                  code="not_due")
        decision = decision_lapse_record(proposal=proposal, returned=returned)
        correction.flow_task.run(correction)  # the flow sees "rejected" and ends
    return decision
