"""The review of one submitted proposal: formal review, then merit review (PB-10, PB-11).

Each review step is a human task assigned by permission to its role, claimed from a queue
and worked from the reviewer's inbox (Wotum's own pages; see ``views.py``). A return for
correction parks the process in a correction step until the applicant resubmits; then the
same review step comes back. Which way a gateway goes is read from the proposal's own state
machine, which the decision has just moved, so the flow and the proposal never disagree.
"""
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from audit.transitions import transition_run
from intake.models import Proposal

from .models import ProposalReviewProcess


def _task_page(request, *args, task_pk=None, **kwargs):
    """viewflow's own execute URL, if ever mounted, leads to Wotum's task page."""
    return redirect("workflows:task", pk=task_pk)


def _proposal_is(state):
    def condition(activation) -> bool:
        # From the database: the decision moved the proposal after this object was loaded.
        current = Proposal.objects.values_list("state", flat=True).get(
            pk=activation.process.proposal_id)
        return current == state

    return condition


class ProposalReviewFlow(flow.Flow):
    """Proposal review

    Formal review, then merit review, of one submitted participatory-budget proposal.
    """

    process_class = ProposalReviewProcess
    lock_impl = lock.select_for_update_lock

    start = (
        flow.StartHandle(this.start_review)
        .Annotation(title=_("Proposal submitted"))
        .Next(this.formal_review)
    )
    formal_review = (
        flow.View(_task_page)
        .Annotation(title=_("Formal review"),
                    description=_("Is the proposal complete and eligible?"))
        .Permission("intake.review_formally")
        .Next(this.formal_outcome)
    )
    formal_outcome = (
        flow.Switch()
        .Annotation(title=_("Formal review outcome"))
        .Case(this.merit_review, _proposal_is(Proposal.State.FORMALLY_ACCEPTED))
        .Case(this.formal_correction, _proposal_is(Proposal.State.RETURNED))
        .Default(this.rejected)
    )
    formal_correction = (
        flow.Handle(this.resume_formal_review)
        .Annotation(title=_("Correction by the applicant before formal review"))
        .Next(this.formal_corrected)
    )
    formal_corrected = (
        flow.Switch()
        .Annotation(title=_("Corrected in time?"))
        .Case(this.rejected, _proposal_is(Proposal.State.REJECTED))
        .Default(this.formal_review)
    )
    merit_review = (
        flow.View(_task_page)
        .Annotation(title=_("Merit review"),
                    description=_("Is the proposal feasible, and what does it really cost?"))
        .Permission("intake.review_merit")
        .Next(this.merit_outcome)
    )
    merit_outcome = (
        flow.Switch()
        .Annotation(title=_("Merit review outcome"))
        .Case(this.accepted, _proposal_is(Proposal.State.ACCEPTED))
        .Case(this.merit_correction, _proposal_is(Proposal.State.RETURNED))
        .Default(this.rejected)
    )
    merit_correction = (
        flow.Handle(this.resume_merit_review)
        .Annotation(title=_("Correction by the applicant before merit review"))
        .Next(this.merit_corrected)
    )
    merit_corrected = (
        flow.Switch()
        .Annotation(title=_("Corrected in time?"))
        .Case(this.rejected, _proposal_is(Proposal.State.REJECTED))
        .Default(this.merit_review)
    )
    accepted = flow.End().Annotation(title=_("Accepted for the ballot"))
    rejected = flow.End().Annotation(title=_("Rejected"))

    def start_review(self, activation, proposal):
        activation.process.proposal = proposal
        return activation.process

    def resume_formal_review(self, activation):
        """The corrected proposal is submitted again (formal review picks it up), or lapsed."""
        return activation.process

    def resume_merit_review(self, activation):
        """The corrected proposal is submitted again (or lapsed): it passed formal review.

        Resubmission put it back to "submitted"; the system restores "formally accepted"
        (an audited transition) so that the merit reviewer can decide on it.
        """
        if _proposal_is(Proposal.State.REJECTED)(activation):
            return activation.process  # the correction lapsed: the review ends as rejected
        transition_run(activation.process.proposal, "accept_formally", actor=None,
                       details={"reason": "resubmitted after a return at merit review"})
        return activation.process


REVIEW_STEPS = ("formal_review", "merit_review")
CORRECTION_STEPS = ("formal_correction", "merit_correction")
