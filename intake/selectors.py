"""Reads for editions and proposals: who may see or change what, and what to show."""
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from audit.selectors import audit_for_object
from organisations.roles import Role

from . import phases
from .models import Edition, Proposal

EDITABLE_STATES = (Proposal.State.DRAFT, Proposal.State.RETURNED)
# The transition that moves an edition on from each phase.
NEXT_MOVE = {
    Edition.State.DRAFT: "open_intake",
    Edition.State.INTAKE: "start_review",
    Edition.State.REVIEW: "open_voting",
    Edition.State.VOTING: "close",
}
# Roles that work on participatory budgets: they see the editions pages.
PB_STAFF_ROLES = (Role.INTAKE_CLERK, Role.FORMAL_REVIEWER, Role.MERIT_REVIEWER,
                  Role.BUDGET_ADMIN)

# What each audit action means to the people following a proposal.
_ACTION_LABELS = {
    "proposal.create": _("Created"),
    "proposal.update": _("Changed"),
    "proposal.attach": _("File attached"),
    "proposal.detach": _("File removed"),
    "proposal.submit": _("Submitted"),
}


def account_confirmed(user) -> bool:
    return user.is_authenticated and EmailAddress.objects.filter(user=user,
                                                                 verified=True).exists()


def editions_of(organisation) -> QuerySet[Edition]:
    return (Edition.objects.filter(organisation=organisation)
            .annotate(proposal_count=Count("proposals", distinct=True),
                      submitted_count=Count("proposals", distinct=True,
                                            filter=Q(proposals__number__isnull=False)))
            .order_by("-year", "name"))


def editions_taking_proposals() -> QuerySet[Edition]:
    """Editions in their intake phase, of every organisation: residents pick one."""
    return (Edition.objects.filter(state=Edition.State.INTAKE)
            .select_related("organisation").order_by("organisation__name", "-year"))


def proposals_of_applicant(user) -> QuerySet[Proposal]:
    return (Proposal.objects.filter(applicant=user)
            .select_related("edition", "edition__organisation", "pool")
            .order_by("-edition__year", "-created_at"))


def _private_draft(proposal: Proposal) -> bool:
    # A resident's online draft is their own work until they submit it; paper and imported
    # drafts are the office's own work, so its staff see them.
    return proposal.state == Proposal.State.DRAFT and proposal.channel == Proposal.Channel.ONLINE


def proposals_of_edition(edition, state: str = "") -> QuerySet[Proposal]:
    """What staff see of an edition: everything but residents' unsubmitted online drafts."""
    proposals = edition.proposals.select_related("pool", "edition").exclude(
        state=Proposal.State.DRAFT, channel=Proposal.Channel.ONLINE)
    if state:
        proposals = proposals.filter(state=state)
    return proposals.order_by("number", "created_at")


def proposal_visible_to(user, proposal: Proposal) -> bool:
    """The applicant and staff of the proposal's organisation; nobody else (PB-6)."""
    if not user.is_authenticated:
        return False
    if proposal.applicant_id == user.pk:
        return True
    return not _private_draft(proposal) and user.has_perm("intake.view_all_proposals", proposal)


def proposal_editable_by(user, proposal: Proposal) -> bool:
    """Who may change a proposal while it can change: its applicant, or the clerk's office."""
    if not user.is_authenticated:
        return False
    if proposal.applicant_id == user.pk:
        return True
    if proposal.channel == Proposal.Channel.PAPER:
        return user.has_perm("intake.enter_paper_proposal", proposal)
    if proposal.channel == Proposal.Channel.IMPORT:
        return user.has_perm("intake.import_proposals", proposal)
    return False


def proposal_may_submit(user, proposal: Proposal) -> bool:
    return proposal.state in EDITABLE_STATES and proposal.submit.has_perm(user)


@dataclass(frozen=True)
class HistoryRow:
    when: object
    who: str
    what: str
    state: str
    note: str


def proposal_history(proposal: Proposal, viewer) -> list[HistoryRow]:
    """The proposal's audit rows, worded for ``viewer``: staff names stay with staff."""
    staff = viewer.has_perm("intake.view_all_proposals", proposal)
    states = dict(Proposal.State.choices)
    rows = []
    for record in audit_for_object(proposal):
        if record.actor_id is not None and record.actor_id == viewer.pk:
            who = str(_("you"))
        elif record.actor_id is None and record.actor_label == "system":
            who = str(_("system"))
        else:
            who = record.actor_label if staff else proposal.edition.organisation.name
        what = _ACTION_LABELS.get(record.action)
        if what is None:
            what = states.get(record.to_state, record.action)
        rows.append(HistoryRow(when=record.created_at, who=who, what=str(what),
                               state=str(states.get(record.to_state, "")),
                               note=str(record.details.get("file", ""))))
    return rows


@dataclass(frozen=True)
class PhaseRow:
    state: str
    label: str
    starts: object
    ends: object
    current: bool


def edition_phases(edition: Edition) -> list[PhaseRow]:
    """The phases in order with their dates, marking the current one."""
    dates = [
        (Edition.State.DRAFT, None, edition.intake_starts_at),
        (Edition.State.INTAKE, edition.intake_starts_at, edition.intake_ends_at),
        (Edition.State.REVIEW, edition.intake_ends_at, edition.review_ends_at),
        (Edition.State.VOTING, edition.voting_starts_at, edition.voting_ends_at),
        (Edition.State.CLOSED, edition.voting_ends_at, None),
    ]
    return [PhaseRow(state=state, label=str(state.label), starts=starts, ends=ends,
                     current=edition.state == state) for state, starts, ends in dates]


@dataclass(frozen=True)
class NextMove:
    transition: str
    label: str
    blockers: list
    scheduled_at: object


def edition_next_move(edition: Edition) -> NextMove | None:
    """The step that moves ``edition`` on, with what currently blocks it."""
    transition = NEXT_MOVE.get(edition.state)
    if transition is None:
        return None
    date_field = {"open_intake": "intake_starts_at", "start_review": "intake_ends_at",
                  "open_voting": "voting_starts_at", "close": "voting_ends_at"}[transition]
    return NextMove(transition=transition, label=str(getattr(edition, transition).label),
                    blockers=phases.blockers_for(edition, transition),
                    scheduled_at=getattr(edition, date_field))


def edition_projects(edition) -> list[dict]:
    """The projects on the ballot by pool, districts first, each sorted by number."""
    pools = list(edition.pools.order_by("kind", "position", "name"))
    projects = (Proposal.objects.filter(edition=edition, state=Proposal.State.ON_BALLOT)
                .order_by("number"))
    by_pool: dict[int, list] = {}
    for proposal in projects:
        by_pool.setdefault(proposal.pool_id, []).append(proposal)
    ordered = sorted(pools, key=lambda pool: (pool.kind != "district", pool.position, pool.name))
    return [{"pool": pool, "projects": by_pool.get(pool.pk, [])} for pool in ordered]


def editions_in_voting() -> QuerySet[Edition]:
    """Editions whose vote is open, for the public front page."""
    return (Edition.objects.filter(state=Edition.State.VOTING, ballot_box__isnull=False)
            .select_related("organisation").order_by("organisation__name", "-year"))


def proposal_review_decisions(proposal: Proposal) -> list:
    """The review decisions the applicant may read, oldest first.

    Read through the reverse relation the review app declares on ``Proposal``, so intake
    shows them without importing that app. Outcome, step, justification and the
    correction deadline are for the applicant; reviewers' names and notes stay internal.
    """
    manager = getattr(proposal, "review_decisions", None)
    if manager is None:
        return []
    return list(manager.order_by("decided_at", "id").only(
        "stage", "outcome", "justification", "decided_at", "correction_deadline", "proposal_id"))
