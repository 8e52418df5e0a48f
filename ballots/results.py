"""Results of polls: ORM rows in, the counting core's decision out, an immutable snapshot.

Each count reads the votes with one aggregate query (per option, or per distinct ballot
for the Method of Equal Shares) and hands the counting core numbers, never rows.
"""
import hashlib
import json
from collections import Counter
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import translation
from django.utils.translation import gettext

from audit.services import audit_record

from .counting import Outcome, Project, equal_shares, equal_shares_add1, greedy
from .models import Option, Poll, ResultSnapshot, Vote


def poll_scores(poll: Poll) -> dict[int, dict]:
    """Votes and weight per option id of ``poll``, from one GROUP BY."""
    rows = (Vote.objects.filter(poll=poll, counts=True).values("option_id")
            .annotate(votes=Count("id"), weight=Sum("weight")).order_by())
    return {row["option_id"]: row for row in rows}


def poll_approval_ballots(poll: Poll) -> tuple[Counter, int]:
    """Distinct approval sets of ``poll``'s counted ballots with their multiplicity."""
    by_ballot: dict[int, list[str]] = {}
    for ballot_id, code in (Vote.objects.filter(poll=poll, counts=True, ballot__isnull=False)
                            .values_list("ballot_id", "option__code").iterator(chunk_size=20000)):
        by_ballot.setdefault(ballot_id, []).append(code)
    return Counter(frozenset(codes) for codes in by_ballot.values()), len(by_ballot)


def _outcome(poll: Poll, options: list[Option], scores: dict, rule: str) -> Outcome:
    projects = [Project(o.code, o.cost or Decimal(0)) for o in options]
    budget = poll.budget or Decimal(0)
    if rule == "greedy":
        votes = {o.code: scores.get(o.pk, {}).get("votes", 0) for o in options}
        return greedy(projects, votes, budget, translate=gettext)
    rule_function = {"equal-shares": equal_shares, "equal-shares-add1": equal_shares_add1}[rule]
    ballots, _voters = poll_approval_ballots(poll)
    return rule_function(projects, list(ballots.items()), budget, translate=gettext)


def _money(value) -> str:
    """A plain decimal string ("100000", "1234.50"): machine-readable, not grouped."""
    exact = Fraction(value)
    amount = Decimal(exact.numerator) / Decimal(exact.denominator)
    return format(amount.to_integral() if amount == amount.to_integral()
                  else amount.quantize(Decimal("0.01")), "f")


def _snapshot_data(poll: Poll, options: list[Option], scores: dict, outcome: Outcome) -> dict:
    by_code = {o.code: o for o in options}
    rows = []
    for row in outcome.rows:
        option = by_code[row.project]
        rows.append({"code": option.code, "label": option.label, "rank": row.rank,
                     "votes": scores.get(option.pk, {}).get("votes", 0),
                     "cost": _money(row.cost),
                     "cumulative_cost": _money(row.cumulative_cost),
                     "selected": row.selected, "reason": row.reason})
    return {"poll": poll.title, "rule": outcome.rule, "budget": _money(outcome.budget),
            "cost": _money(outcome.cost), "money_left": _money(outcome.money_left),
            "selected": list(outcome.selected), "rows": rows}


def poll_result_compute(*, poll: Poll, rule: str = "greedy", actor=None) -> ResultSnapshot:
    """Count ``poll`` with ``rule`` and store the snapshot (with an audit row)."""
    options = list(poll.options.order_by("position", "id"))
    scores = poll_scores(poll)
    # The explanations are stored in the site's language whoever asks, so that the same
    # votes always give the same snapshot and digest.
    with translation.override(settings.LANGUAGE_CODE):
        outcome = _outcome(poll, options, scores, rule)
        data = _snapshot_data(poll, options, scores, outcome)
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    ballots = (Vote.objects.filter(poll=poll, counts=True).values("ballot_id").distinct()
               .count())
    with transaction.atomic():
        snapshot = ResultSnapshot.objects.create(
            poll=poll, rule=rule, computed_by=actor if getattr(actor, "pk", None) else None,
            ballots=ballots, data=data, digest=hashlib.sha256(canonical.encode()).hexdigest())
        audit_record(action="poll.result", actor=actor, obj=poll, organisation=poll.organisation,
                     details={"rule": rule, "digest": snapshot.digest,
                              "selected": data["selected"]})
    return snapshot
