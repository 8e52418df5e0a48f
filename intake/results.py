"""An edition's results (PB-21): recomputed by staff while voting, published, shown publicly.

The counting and the snapshots belong to the poll store (``ballots.results``); this module
adds what an edition decides: which rule counts, and when the public may see the result.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from ballots import rules
from ballots.models import Poll, ResultRun, ResultSnapshot
from ballots.results import (
    box_results_latest,
    box_results_official,
    box_results_publish,
    result_run_start,
    rows_presented,
)

from .models import Edition


@dataclass
class PoolResult:
    poll: Poll
    snapshot: ResultSnapshot | None

    @property
    def rows(self) -> list[dict]:
        """The rows with their reasons in the reader's language."""
        return rows_presented(self.snapshot.data) if self.snapshot else []

    @property
    def rule_label(self) -> str:
        return rules.label(self.snapshot.rule) if self.snapshot else ""

    @property
    def winners(self) -> list[dict]:
        return [row for row in self.rows if row["selected"]]

    @property
    def points(self) -> bool:
        return bool(self.snapshot) and self.snapshot.data.get("scoring", "votes") != "votes"

    @property
    def budget(self) -> Decimal | None:
        return Decimal(self.snapshot.data["budget"]) if self.snapshot else None

    @property
    def cost(self) -> Decimal | None:
        return Decimal(self.snapshot.data["cost"]) if self.snapshot else None

    @property
    def money_left(self) -> Decimal | None:
        return Decimal(self.snapshot.data["money_left"]) if self.snapshot else None


def edition_results(edition: Edition, *, rule: str | None = None) -> list[PoolResult]:
    """Each pool's result: THE result (published, or the edition's rule) unless ``rule``
    asks for the latest count with a given rule; empty before the vote opens."""
    if edition.ballot_box_id is None:
        return []
    pairs = (box_results_official(edition.ballot_box) if rule is None
             else box_results_latest(edition.ballot_box, rule))
    return [PoolResult(poll, snapshot) for poll, snapshot in pairs]


def edition_results_comparison(edition: Edition, run: ResultRun | None) -> list[PoolResult]:
    """The latest count with another rule than the edition's, shown beside the result to
    compare, never as it; empty when the latest run used the edition's rule."""
    if run is None or run.rule == edition.selection_rule:
        return []
    return edition_results(edition, rule=run.rule)


def edition_results_public(edition: Edition) -> list[PoolResult]:
    """What the public page shows: the same result as the staff page and the files."""
    return edition_results(edition)


def edition_result_run_latest(edition: Edition) -> ResultRun | None:
    if edition.ballot_box_id is None:
        return None
    return ResultRun.objects.filter(box_id=edition.ballot_box_id).first()


def edition_results_recompute(*, edition: Edition, actor, rule: str = "") -> ResultRun:
    """Queue a new count of every pool (default: the edition's rule), from the vote's opening."""
    if not actor.has_perm("intake.manage_edition", edition):
        raise PermissionDenied
    if edition.ballot_box_id is None:
        raise ValidationError(_("The vote has not opened yet: there is nothing to count."))
    rule = rule or edition.selection_rule
    if rule not in rules.names("budget"):
        raise ValidationError(_("Unknown selection rule."))
    return result_run_start(box=edition.ballot_box, rule=rule, actor=actor)


def edition_results_publish(*, edition: Edition, actor) -> Edition:
    """Publish the preliminary results: the public page shows them from now on (audited)."""
    if not actor.has_perm("intake.manage_edition", edition):
        raise PermissionDenied
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if edition.results_published_at is not None:
            return edition
        if (edition.state == Edition.State.VOTING
                and not edition.preliminary_results_during_voting):
            raise ValidationError(
                _("The vote is still open: publishing results now could sway it, and this "
                  "edition's rules do not allow it. The results become public when the vote "
                  "closes."), code="voting_open")
        missing = [result.poll.title for result in edition_results_public(edition)
                   if result.snapshot is None]
        if edition.ballot_box_id is None or missing:
            raise ValidationError(
                _("Compute the results with the edition's rule first (missing: %(pools)s).")
                % {"pools": ", ".join(missing) or "—"})
        box_results_publish(box=edition.ballot_box)
        edition.results_published_at = timezone.now()
        edition.results_published_by = actor
        edition.save(update_fields=["results_published_at", "results_published_by"])
        audit_record(action="edition.results_publish", actor=actor, obj=edition,
                     to_state=edition.state, details={"rule": edition.selection_rule})
    return edition
