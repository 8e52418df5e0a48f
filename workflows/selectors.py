"""Reads: a reviewer's queue and inbox, and what still keeps an edition in review."""
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from evaluation.models import ReviewDecision
from intake.models import Edition
from organisations.roles import roles_with_permission
from organisations.selectors import organisations_for

from .flows import CORRECTION_STEPS, REVIEW_STEPS, ProposalReviewFlow
from .models import ProposalReviewProcess

PROPOSAL = "process__proposalreviewprocess__proposal"
# review step -> the permission its task is assigned by (and the proposal's transition checks)
STEP_PERMISSIONS = {"formal_review": "intake.review_formally",
                    "merit_review": "intake.review_merit"}
REVIEWER_ROLES = tuple(dict.fromkeys(
    role for permission in STEP_PERMISSIONS.values()
    for role in roles_with_permission(permission)))
BLOCKERS_SHOWN = 20


def _node(name: str):
    return getattr(ProposalReviewFlow, name)


def _scoped(tasks: QuerySet, user) -> QuerySet:
    """Keep tasks of steps ``user`` holds in the proposal's organisation, never their own."""
    allowed = Q(pk__in=[])
    for step, permission in STEP_PERMISSIONS.items():
        organisations = organisations_for(user, *roles_with_permission(permission))
        allowed |= Q(flow_task=_node(step), **{f"{PROPOSAL}__organisation__in": organisations})
    return (tasks.filter(allowed, **{f"{PROPOSAL}__edition__state": Edition.State.REVIEW})
            .exclude(**{f"{PROPOSAL}__entered_by": user})
            .exclude(**{f"{PROPOSAL}__applicant": user})
            .select_related(f"{PROPOSAL}__edition", f"{PROPOSAL}__pool",
                            f"{PROPOSAL}__organisation"))


def queue_for(user) -> QuerySet[Task]:
    """Unclaimed review tasks ``user`` may take: their roles, organisations, not their own.

    Only while the proposal's edition is in review: a proposal submitted during intake
    has its process and task from the start, and they surface when review begins.
    """
    if not user.is_authenticated:
        return Task.objects.none()
    tasks = Task.objects.queue([ProposalReviewFlow], user)
    return _scoped(tasks, user).order_by("created", "pk")


def inbox_for(user) -> QuerySet[Task]:
    """Review tasks assigned to ``user`` and not yet done."""
    if not user.is_authenticated:
        return Task.objects.none()
    tasks = Task.objects.inbox([ProposalReviewFlow], user)
    return _scoped(tasks, user).order_by("assigned", "created", "pk")


def visible_task(user, pk) -> Task | None:
    """A task ``user`` holds, or may take from the queue; None for anything else."""
    return (inbox_for(user).filter(pk=pk).first()
            or queue_for(user).filter(pk=pk).first())


def is_reviewer(user) -> bool:
    return user.is_authenticated and organisations_for(user, *REVIEWER_ROLES).exists()


def task_proposal(task):
    """The proposal a review task is about."""
    return ProposalReviewProcess.objects.select_related(
        "proposal__edition", "proposal__pool").get(pk=task.process_id).proposal


def task_step(task) -> str:
    return task.flow_task.name


def review_process_for(proposal) -> ProposalReviewProcess | None:
    return ProposalReviewProcess.objects.filter(proposal=proposal).first()


def open_corrections() -> QuerySet[Task]:
    """Every correction step still waiting for an applicant, in any edition."""
    return Task.objects.filter(status=STATUS.NEW, flow_task__in=[
        _node(name) for name in CORRECTION_STEPS]).order_by("pk")


def open_correction_for(proposal) -> Task | None:
    """The correction step waiting for ``proposal``'s resubmission, if any."""
    return Task.objects.filter(
        process__proposalreviewprocess__proposal=proposal, status=STATUS.NEW,
        flow_task__in=[_node(name) for name in CORRECTION_STEPS]).first()


def _open(tasks: QuerySet) -> QuerySet:
    return tasks.filter(finished__isnull=True).exclude(status=STATUS.CANCELED)


def open_review_blockers(edition) -> list[str]:
    """One line per review step still open in ``edition``, first 20 (PB-1: voting waits).

    A correction the applicant may still make (its deadline has not passed) counts as
    open; a lapsed one does not hold the vote back.
    """
    tasks = _open(Task.objects.filter(**{f"{PROPOSAL}__edition": edition})).filter(
        flow_task__in=[_node(name) for name in (*REVIEW_STEPS, *CORRECTION_STEPS)]
    ).select_related(f"{PROPOSAL}__edition").order_by(f"{PROPOSAL}__number", "pk")
    today = timezone.localdate()
    lines = []
    for task in tasks.iterator():
        line = _blocker_line(task, today)
        if line:
            lines.append(line)
    if len(lines) > BLOCKERS_SHOWN:
        rest = len(lines) - BLOCKERS_SHOWN
        lines = lines[:BLOCKERS_SHOWN] + [
            _("Open review steps not listed here: %(count)s.") % {"count": rest}]
    return lines


def _blocker_line(task, today) -> str | None:
    proposal = task.process.proposalreviewprocess.proposal
    step = task.flow_task.name
    if step == "formal_review":
        return _("%(proposal)s — formal review not done") % {"proposal": proposal}
    if step == "merit_review":
        return _("%(proposal)s — merit review not done") % {"proposal": proposal}
    returned = (ReviewDecision.objects.filter(proposal=proposal, outcome="returned")
                .order_by("-decided_at", "-id").first())
    if returned is None or returned.correction_deadline < today:
        return None
    if correction_by_office(returned):
        return office_contact_note(returned)
    return _("%(proposal)s — awaiting the applicant's correction (until %(date)s)") % {
        "proposal": proposal, "date": formats.date_format(returned.correction_deadline)}


def correction_by_office(decision) -> bool:
    """A return the applicant cannot see: no account to log in to (paper or imported)."""
    return (decision.outcome == ReviewDecision.Outcome.RETURNED
            and not decision.proposal.applicant_id)


def office_contact_note(decision) -> str:
    """What the reviewer (and the blocker list) must be told about such a return."""
    return _("%(proposal)s — returned for correction, but the applicant has no account: the "
             "office must contact them (%(contact)s) and enter the correction by %(date)s, "
             "or the proposal is rejected on that date.") % {
        "proposal": decision.proposal,
        "contact": decision.proposal.applicant_email or decision.proposal.applicant_name,
        "date": formats.date_format(decision.correction_deadline)}
