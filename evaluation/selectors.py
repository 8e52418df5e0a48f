"""Reads over review decisions and the PB-12 lists of proposals."""
from django.db.models import OuterRef, QuerySet, Subquery

from intake.models import Proposal

from .models import ReviewDecision

# The lists of PB-12: every submitted proposal, the accepted ones, the rejected ones.
LIST_KINDS = {
    "all": None,
    "accepted": [Proposal.State.ACCEPTED, Proposal.State.ON_BALLOT],
    "rejected": [Proposal.State.REJECTED],
}


def decisions_for(proposal) -> QuerySet[ReviewDecision]:
    """Every review decision on ``proposal``, oldest first.

    For the applicant's page: ``stage``, ``outcome``, ``justification``, ``decided_at`` and
    ``correction_deadline`` are for them; ``notes`` and ``reviewer`` are internal.
    """
    return ReviewDecision.objects.filter(proposal=proposal).order_by("decided_at", "id")


def latest_decision(proposal, *, outcome: str | None = None) -> ReviewDecision | None:
    decisions = decisions_for(proposal)
    if outcome:
        decisions = decisions.filter(outcome=outcome)
    return decisions.last()


def _last_decision(field: str, stage: str | None = None):
    decisions = ReviewDecision.objects.filter(proposal=OuterRef("pk"))
    if stage:
        decisions = decisions.filter(stage=stage)
    return Subquery(decisions.order_by("-decided_at", "-id").values(field)[:1])


def proposals_reviewed(*, organisation, kind: str = "all") -> QuerySet[Proposal]:
    """Submitted proposals of ``organisation`` for the list ``kind``, with review columns."""
    proposals = (Proposal.objects.filter(organisation=organisation, number__isnull=False)
                 .exclude(state=Proposal.State.DRAFT)
                 .select_related("edition", "pool", "applicant")
                 .annotate(formal_reviewer_email=_last_decision("reviewer__email", "formal"),
                           merit_reviewer_email=_last_decision("reviewer__email", "merit"),
                           last_justification=_last_decision("justification"))
                 .order_by("-edition__year", "edition__name", "number"))
    states = LIST_KINDS[kind]
    return proposals if states is None else proposals.filter(state__in=states)
