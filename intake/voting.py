"""The edition's vote: accepted proposals become numbered projects in a ballot box.

When the edition enters voting, one poll per pool is created in the counting core's
store (districts as alternatives on one card), the accepted proposals become its
options sorted by application number (PB-13), and the box opens. When the edition
closes, the box closes and every pool's result is computed with the edition's rule.
"""
from django.db import transaction

from audit.transitions import transition_run
from ballots.models import BallotBox, Poll
from ballots.results import box_results_compute
from ballots.services import box_close, box_create, box_open, poll_create

from .models import Edition, Pool, Proposal

DISTRICT_GROUP = "district"


def _box_for(edition: Edition) -> BallotBox:
    return box_create(
        organisation=edition.organisation_id, title=edition.name,
        opens_at=edition.voting_starts_at, closes_at=edition.voting_ends_at,
        cards_per_email=edition.ballots_per_email, pesel_required=edition.pesel_required,
        minimum_age=edition.minimum_voter_age, result_rule=edition.selection_rule)


def _poll_for(box: BallotBox, pool: Pool, proposals: list[Proposal]) -> Poll:
    return poll_create(
        box=box, title=pool.name,
        choice_group=DISTRICT_GROUP if pool.kind == Pool.Kind.DISTRICT else "",
        max_choices=pool.choices_per_ballot, budget=pool.budget,
        # The city-wide pool comes after the districts on the card, as in Rybnik's.
        position=(1000 if pool.kind == Pool.Kind.CITYWIDE else 0) + pool.position,
        options=[{"code": p.reference, "label": p.title,
                  "cost": p.verified_cost if p.verified_cost is not None else p.estimated_cost,
                  "position": p.number, "source_id": str(p.pk)}
                 for p in proposals if p.pool_id == pool.pk])


def edition_ballot_prepare(*, edition: Edition, actor) -> BallotBox:
    """Create and open the edition's ballot box from its accepted proposals."""
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if edition.ballot_box_id:
            return edition.ballot_box
        box = _box_for(edition)
        proposals = list(Proposal.objects.filter(edition=edition,
                                                 state=Proposal.State.ACCEPTED)
                         .select_related("pool").order_by("number"))
        for pool in edition.pools.all():
            _poll_for(box, pool, proposals)
        for proposal in proposals:
            transition_run(proposal, "place_on_ballot", actor=actor, check_permission=False)
        Edition.objects.filter(pk=edition.pk).update(ballot_box=box)
        return box_open(box=box, actor=actor)


def edition_ballot_close(*, edition: Edition, actor) -> None:
    """Close the box; its results are computed by the worker once this commits."""
    from .tasks import edition_results_compute_task

    if edition.ballot_box_id is None:
        return
    box_close(box=edition.ballot_box, actor=actor)
    actor_id = getattr(actor, "pk", None)
    transaction.on_commit(lambda: edition_results_compute_task.delay(edition.pk, actor_id))


def edition_results_compute(*, edition: Edition, actor=None) -> list:
    """Compute every pool's result with the edition's rule, as snapshots."""
    if edition.ballot_box_id is None:
        return []
    # One GROUP BY for every pool of the box, then one snapshot per pool.
    return box_results_compute(box=edition.ballot_box, rule=edition.selection_rule, actor=actor)
