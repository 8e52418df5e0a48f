"""Writes for review decisions: the proposal's audited transition, the decision, the e-mail."""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from audit.transitions import transition_run
from notifications.services import email_queue_template

from .models import ReviewDecision

Stage, Outcome = ReviewDecision.Stage, ReviewDecision.Outcome

# (step, outcome) -> the Proposal transition that records it.
TRANSITIONS = {
    (Stage.FORMAL, Outcome.ACCEPTED): "accept_formally",
    (Stage.FORMAL, Outcome.REJECTED): "reject_formally",
    (Stage.FORMAL, Outcome.RETURNED): "return_formally",
    (Stage.MERIT, Outcome.ACCEPTED): "accept",
    (Stage.MERIT, Outcome.REJECTED): "reject_on_merit",
    (Stage.MERIT, Outcome.RETURNED): "return_on_merit",
}

EMAIL_TEMPLATES = {
    (Stage.FORMAL, Outcome.ACCEPTED): "evaluation/email/formally_accepted",
    (Stage.MERIT, Outcome.ACCEPTED): "evaluation/email/accepted",
    (Stage.FORMAL, Outcome.REJECTED): "evaluation/email/rejected",
    (Stage.MERIT, Outcome.REJECTED): "evaluation/email/rejected",
    (Stage.FORMAL, Outcome.RETURNED): "evaluation/email/returned",
    (Stage.MERIT, Outcome.RETURNED): "evaluation/email/returned",
}


def _decision_build(*, proposal, stage, outcome, reviewer, justification, verified_cost,
                    notes, correction_deadline) -> ReviewDecision:
    returned = outcome == Outcome.RETURNED
    decision = ReviewDecision(
        proposal=proposal, organisation_id=proposal.organisation_id, stage=stage,
        outcome=outcome, reviewer=reviewer, justification=(justification or "").strip(),
        verified_cost=verified_cost if stage == Stage.MERIT else None,
        notes=(notes or "").strip(), correction_deadline=correction_deadline if returned else None,
        decided_at=timezone.now())
    decision.full_clean()
    if returned and correction_deadline <= timezone.localdate():
        raise ValidationError({"correction_deadline": _(
            "The date by which to correct the proposal must be in the future.")})
    return decision


def _criteria_check(proposal, stage: str, outcome: str, ticked) -> list[str]:
    """The edition's checklist items ticked; all of them to accept formally (PB-11)."""
    criteria = proposal.edition.review_criteria_list if stage == Stage.FORMAL else []
    ticked = [criterion for criterion in criteria if criterion in set(ticked)]
    if outcome == Outcome.ACCEPTED and len(ticked) < len(criteria):
        raise ValidationError({"criteria_met": _(
            "Tick every criterion to accept the proposal, or reject it or return it for "
            "correction.")}, code="criteria")
    return ticked


def decision_record(*, proposal, stage: str, outcome: str, reviewer, justification: str = "",
                    verified_cost: Decimal | None = None, notes: str = "",
                    correction_deadline=None, criteria_met=()) -> ReviewDecision:
    """Record ``reviewer``'s decision, move the proposal and tell the applicant, atomically.

    Raises ``ValidationError`` (an incomplete decision), ``PermissionDenied`` (not this
    reviewer's to make: role, organisation, or their own proposal) or viewflow's
    ``TransitionNotAllowed`` (the proposal is not at this step). Nothing is saved then.
    """
    if (stage, outcome) not in TRANSITIONS:
        raise ValidationError(_("Unknown review step or outcome."), code="invalid")
    decision = _decision_build(
        proposal=proposal, stage=stage, outcome=outcome, reviewer=reviewer,
        justification=justification, verified_cost=verified_cost, notes=notes,
        correction_deadline=correction_deadline)
    decision.criteria_met = _criteria_check(proposal, stage, outcome, criteria_met)
    accepted_on_merit = (stage, outcome) == (Stage.MERIT, Outcome.ACCEPTED)
    with transaction.atomic():
        moved = transition_run(
            proposal, TRANSITIONS[stage, outcome], actor=reviewer,
            details={"stage": stage, "outcome": outcome,
                     "verified_cost": str(verified_cost) if accepted_on_merit else None},
            save_fields={"verified_cost": verified_cost} if accepted_on_merit else None)
        decision.proposal = moved
        decision.save()
        applicant_notify(decision=decision)
    return decision


def _applicant_address(proposal) -> str:
    if proposal.applicant_id and proposal.applicant.email:
        return proposal.applicant.email
    return proposal.applicant_email


def _proposal_url(proposal) -> str:
    # Intake owns the applicant's proposal page, where the justification is shown too.
    try:
        path = reverse("intake:proposal_detail", args=[proposal.pk])
    except NoReverseMatch:
        path = reverse("home")
    return settings.WOTUM_BASE_URL.rstrip("/") + path


def applicant_notify(*, decision: ReviewDecision):
    """Queue the e-mail telling the applicant the outcome; None if there is no address."""
    proposal = decision.proposal
    address = _applicant_address(proposal)
    if not address:
        return None
    return email_queue_template(
        to=address, template=EMAIL_TEMPLATES[decision.stage, decision.outcome],
        context={"proposal": proposal, "decision": decision,
                 "proposal_url": _proposal_url(proposal)},
        kind=f"review_{decision.stage}_{decision.outcome}",
        organisation=proposal.organisation,
        language=settings.LANGUAGE_CODE)


def decision_lapse_record(*, proposal, returned: ReviewDecision) -> ReviewDecision:
    """Reject ``proposal``, returned by ``returned`` and not corrected in time, and say why.

    The system decides (no reviewer): the audited ``lapse`` transition, a decision the
    applicant sees on their page, and the e-mail, in one transaction.
    """
    with translation.override(settings.LANGUAGE_CODE):  # stored text, in the site's language
        justification = _(
            "The proposal was not corrected by %(date)s, the date given when it was returned "
            "for correction, so it is rejected.") % {
            "date": formats.date_format(returned.correction_deadline)}
    with transaction.atomic():
        moved = transition_run(proposal, "lapse", actor=None, details={
            "stage": returned.stage,
            "correction_deadline": returned.correction_deadline.isoformat()})
        decision = ReviewDecision(proposal=moved, stage=returned.stage,
                                  outcome=Outcome.REJECTED, reviewer=None,
                                  justification=justification, decided_at=timezone.now())
        decision.full_clean(exclude=["reviewer"])  # the timetable decides, no reviewer
        decision.save()
        applicant_notify(decision=decision)
    return decision
