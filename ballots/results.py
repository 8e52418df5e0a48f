"""Results of polls: ORM rows in, the counting core's decision out, an immutable snapshot.

Each count reads the votes with one aggregate query — per option (for every poll of a box
at once when a whole box is counted), or per distinct ballot for the Method of Equal
Shares — and hands the counting core numbers, never rows.

Greedy ranks by votes, or by the sum of the votes' weights when the poll scores points
(cumulative ballots) or rank points (ordinal ballots); the poll's ``threshold`` and
``greedy_skip`` are the city's variants. Ties go to the lower project number (string
order), as the counting core documents.
"""
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext

from audit.services import audit_record
from audit.transitions import transition_claim

from .counting import Outcome, Project, equal_shares, equal_shares_add1, greedy
from .models import BallotBox, Option, Poll, ResultRun, ResultSnapshot, Vote

RULES = ("greedy", "equal-shares", "equal-shares-add1")
Scores = dict[int, dict]  # option id -> {"votes": n, "weight": w}


def box_scores(box: BallotBox, polls: list[Poll] | None = None,
               options: list[Option] | None = None) -> dict[int, Scores]:
    """Votes (and weight, where a poll ranks by points) per option of every poll of ``box``.

    One GROUP BY over the votes of the box's polls, by option alone: the polls are named
    by id (no join), options are mapped to their polls here, and weights are summed only
    when some poll ranks by points (bench/README.md: 1.1× a bare GROUP BY).
    """
    polls = list(box.polls.all()) if polls is None else polls
    owner = ({o.pk: o.poll_id for o in options} if options is not None else
             dict(Option.objects.filter(poll__in=polls).values_list("id", "poll_id")))
    weighted = any(poll.scoring != Poll.Scoring.VOTES for poll in polls)
    votes = (Vote.objects.filter(poll_id__in=[poll.pk for poll in polls], counts=True)
             .values_list("option_id").order_by())
    rows = (votes.annotate(n=Count("*"), w=Sum("weight")) if weighted
            else votes.annotate(n=Count("*")))
    scores: dict[int, Scores] = {poll.pk: {} for poll in polls}
    for option_id, count, *weight in rows:
        scores[owner[option_id]][option_id] = {"votes": count,
                                               "weight": (weight[0] or 0) if weight else count}
    return scores


def poll_scores(poll: Poll) -> Scores:
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


def _score(poll: Poll, entry: dict) -> int:
    return entry.get("votes", 0) if poll.scoring == Poll.Scoring.VOTES else entry.get("weight", 0)


def _outcome(poll: Poll, options: list[Option], scores: Scores, rule: str
             ) -> tuple[Outcome, int | None]:
    """The rule's outcome, and the number of voters when the rule had to read ballots."""
    projects = [Project(o.code, o.cost or Decimal(0)) for o in options]
    budget = poll.budget or Decimal(0)
    if rule == "greedy":
        points = {o.code: _score(poll, scores.get(o.pk, {})) for o in options}
        return greedy(projects, points, budget, threshold=poll.threshold,
                      skip=poll.greedy_skip, translate=gettext), None
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r} (expected one of {', '.join(RULES)})")
    rule_function = {"equal-shares": equal_shares, "equal-shares-add1": equal_shares_add1}[rule]
    ballots, voters = poll_approval_ballots(poll)
    return rule_function(projects, list(ballots.items()), budget, translate=gettext), voters


def _money(value) -> str:
    """A plain decimal string ("100000", "1234.50"): machine-readable, not grouped."""
    exact = Fraction(value)
    amount = Decimal(exact.numerator) / Decimal(exact.denominator)
    return format(amount.to_integral() if amount == amount.to_integral()
                  else amount.quantize(Decimal("0.01")), "f")


def _snapshot_data(poll: Poll, options: list[Option], scores: Scores, outcome: Outcome) -> dict:
    by_code = {o.code: o for o in options}
    points = poll.scoring != Poll.Scoring.VOTES
    rows = []
    for row in outcome.rows:
        option = by_code[row.project]
        entry = scores.get(option.pk, {})
        item = {"code": option.code, "label": option.label, "rank": row.rank,
                "votes": entry.get("votes", 0), "cost": _money(row.cost),
                "cumulative_cost": _money(row.cumulative_cost),
                "selected": row.selected, "reason": row.reason}
        if points:
            item["points"] = entry.get("weight", 0)
        rows.append(item)
    return {"poll": poll.title, "rule": outcome.rule, "scoring": poll.scoring,
            "budget": _money(outcome.budget), "cost": _money(outcome.cost),
            "money_left": _money(outcome.money_left), "selected": list(outcome.selected),
            "rows": rows}


def _ballots(poll: Poll, scores: Scores, voters: int | None) -> int:
    """How many counted ballots voted in ``poll``, without a second pass where possible."""
    if voters is not None:
        return voters
    if poll.max_choices == 1 and poll.box_id is not None:
        # One vote per card in a single-choice poll: the votes are the cards.
        return sum(entry.get("votes", 0) for entry in scores.values())
    return (Vote.objects.filter(poll=poll, counts=True).values("ballot_id").distinct().count())


def poll_outcome(*, poll: Poll, rule: str = "greedy", scores: Scores | None = None,
                 options: list[Option] | None = None) -> tuple[Outcome, dict, int]:
    """Count ``poll`` with ``rule`` without storing anything: (outcome, data, ballots)."""
    options = options if options is not None else list(poll.options.order_by("position", "id"))
    scores = poll_scores(poll) if scores is None else scores
    # The explanations are stored in the site's language whoever asks, so that the same
    # votes always give the same snapshot and digest.
    with translation.override(settings.LANGUAGE_CODE):
        outcome, voters = _outcome(poll, options, scores, rule)
        data = _snapshot_data(poll, options, scores, outcome)
    return outcome, data, _ballots(poll, scores, voters)


def _snapshot_make(*, poll: Poll, rule: str, actor, scores: Scores | None,
                   options: list[Option] | None) -> ResultSnapshot:
    """Count ``poll`` and return its snapshot, not saved yet."""
    _outcome_, data, ballots = poll_outcome(poll=poll, rule=rule, scores=scores,
                                            options=options)
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return ResultSnapshot(poll=poll, rule=rule,
                          computed_by=actor if getattr(actor, "pk", None) else None,
                          ballots=ballots, data=data,
                          digest=hashlib.sha256(canonical.encode()).hexdigest())


def poll_result_compute(*, poll: Poll, rule: str = "greedy", actor=None,
                        scores: Scores | None = None,
                        options: list[Option] | None = None) -> ResultSnapshot:
    """Count ``poll`` with ``rule`` and store the snapshot (with an audit row)."""
    snapshot = _snapshot_make(poll=poll, rule=rule, actor=actor, scores=scores, options=options)
    with transaction.atomic():
        snapshot.save()
        audit_record(action="poll.result", actor=actor, obj=poll, organisation=poll.organisation,
                     details={"rule": rule, "digest": snapshot.digest,
                              "selected": snapshot.data["selected"]})
    return snapshot


def box_results_compute(*, box: BallotBox, rule: str, actor=None,
                        progress: Callable[[ResultSnapshot], None] | None = None
                        ) -> list[ResultSnapshot]:
    """Count every poll of ``box`` with ``rule``: one GROUP BY for all of them.

    Without ``progress`` the snapshots are stored together, with one audit row for the
    box naming each poll's digest: one INSERT and one commit for a city's 20 pools. With
    ``progress`` each poll commits on its own, so that a page can follow the count.
    """
    polls = list(box.polls.order_by("position", "id"))
    options: dict[int, list[Option]] = {poll.pk: [] for poll in polls}
    every_option = list(Option.objects.filter(poll__box=box).order_by("position", "id"))
    for option in every_option:
        options[option.poll_id].append(option)
    scores = box_scores(box, polls, every_option)
    if progress is not None:
        snapshots = []
        for poll in polls:
            snapshot = poll_result_compute(poll=poll, rule=rule, actor=actor,
                                           scores=scores[poll.pk], options=options[poll.pk])
            snapshots.append(snapshot)
            progress(snapshot)
        return snapshots
    snapshots = [_snapshot_make(poll=poll, rule=rule, actor=actor, scores=scores[poll.pk],
                                options=options[poll.pk]) for poll in polls]
    with transaction.atomic():
        ResultSnapshot.objects.bulk_create(snapshots)
        audit_record(action="box.result", actor=actor, obj=box, organisation=box.organisation,
                     details={"rule": rule, "polls": {
                         str(s.poll_id): {"digest": s.digest, "selected": s.data["selected"]}
                         for s in snapshots}})
    return snapshots


def box_results_latest(box: BallotBox, rule: str | None = None
                       ) -> list[tuple[Poll, ResultSnapshot | None]]:
    """Each poll of ``box`` with its latest snapshot (of ``rule`` if given), or None."""
    polls = list(box.polls.order_by("position", "id"))
    snapshots = ResultSnapshot.objects.filter(poll__box=box)
    if rule is not None:
        snapshots = snapshots.filter(rule=rule)
    latest: dict[int, ResultSnapshot] = {}
    # Newest first per poll; DISTINCT ON would do it in SQL, but SQLite has no such thing
    # and a box has a handful of polls with a handful of snapshots each.
    for snapshot in snapshots.order_by("poll", "-computed_at", "-id"):
        latest.setdefault(snapshot.poll_id, snapshot)
    return [(poll, latest.get(poll.pk)) for poll in polls]


def result_run_start(*, box: BallotBox, rule: str, actor) -> ResultRun:
    """Queue a (re)computation of ``box``'s results; the worker reports its progress."""
    from .tasks import result_run_task

    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}")
    with transaction.atomic():
        run = ResultRun.objects.create(box=box, rule=rule, polls_total=box.polls.count(),
                                       requested_by=actor if getattr(actor, "pk", None) else None)
        audit_record(action="box.results_requested", actor=actor, obj=box,
                     organisation=box.organisation, details={"rule": rule, "run": run.pk})
        transaction.on_commit(lambda: result_run_task.delay(run.pk))
    return run


def result_run_execute(run_id: int) -> ResultRun:
    """Compute a queued run, poll by poll, committing its progress after each poll.

    The run is taken by a conditional transition: of two workers handed the same run (a
    redelivered message), exactly one starts it; the other returns it untouched.
    """
    run = ResultRun.objects.select_related("box", "box__organisation", "requested_by").get(
        pk=run_id)
    organisation = run.box.organisation_id
    if not transition_claim(run, "start", organisation=organisation):
        return run

    def progress(snapshot: ResultSnapshot) -> None:
        run.snapshots.add(snapshot)
        run.polls_done += 1
        ResultRun.objects.filter(pk=run.pk).update(polls_done=run.polls_done)

    try:
        box_results_compute(box=run.box, rule=run.rule, actor=run.requested_by,
                            progress=progress)
    except Exception as error:  # the page says it failed; the worker log has the trace
        transition_claim(run, "fail", organisation=organisation,
                         details={"error": str(error)[:200]},
                         values={"error": str(error)[:2000], "finished_at": timezone.now()})
        raise
    transition_claim(run, "finish", organisation=organisation,
                     details={"polls": run.polls_done}, values={"finished_at": timezone.now()})
    run.refresh_from_db()
    return run


def selection_of(snapshots: Iterable[ResultSnapshot]) -> tuple[list[str], Fraction]:
    """The selected project numbers of ``snapshots`` (sorted as strings) and their cost."""
    selected: list[str] = []
    cost = Fraction(0)
    for snapshot in snapshots:
        selected.extend(snapshot.data["selected"])
        cost += Fraction(snapshot.data["cost"])
    return sorted(selected), cost
