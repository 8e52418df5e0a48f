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
import re
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.formats import get_format
from django.utils.translation import gettext

from audit.services import audit_record
from audit.transitions import transition_claim

from . import rules
from .counting import Outcome, Project, Tally
from .counting.text import Sentence, again
from .models import BallotBox, Option, Poll, ResultRun, ResultSnapshot, Vote
from .selectors import box_tallies, poll_tally, tally_votes, tally_weight

Scores = Tally  # what a count reads: votes per option, by head and by weight


def _score(poll: Poll, counts: Tally, option: Option) -> int:
    if poll.scoring == Poll.Scoring.VOTES:
        return tally_votes(counts, option)
    return tally_weight(counts, option)


def poll_approval_ballots(poll: Poll) -> tuple[Counter, int]:
    """Distinct approval sets of ``poll``'s counted ballots with their multiplicity."""
    by_ballot: dict[int, list[str]] = {}
    for ballot_id, code in (Vote.objects.filter(poll=poll, counts=True, ballot__isnull=False)
                            .values_list("ballot_id", "option__code").iterator(chunk_size=20000)):
        by_ballot.setdefault(ballot_id, []).append(code)
    return Counter(frozenset(codes) for codes in by_ballot.values()), len(by_ballot)


def _outcome(poll: Poll, options: list[Option], counts: Tally, rule: str
             ) -> tuple[Outcome, int | None]:
    """The rule's outcome, and the number of voters when the rule had to read ballots."""
    try:
        registered = rules.get(rule)
    except KeyError as error:
        raise ValueError(str(error)) from None
    if registered.kind != "budget":
        raise ValueError(f"{rule!r} is not a budget rule")
    projects = [Project(o.code, o.cost or Decimal(0)) for o in options]
    budget = poll.budget or Decimal(0)
    if not registered.reads_ballots:
        points = {o.code: _score(poll, counts, o) for o in options}
        return registered.apply(projects, budget, points=points, threshold=poll.threshold,
                                skip=poll.greedy_skip), None
    ballots, voters = poll_approval_ballots(poll)
    return registered.apply(projects, budget, ballots=list(ballots.items())), voters


def _money(value) -> str:
    """A plain decimal string ("100000", "1234.50"): machine-readable, not grouped."""
    exact = Fraction(value)
    amount = Decimal(exact.numerator) / Decimal(exact.denominator)
    return format(amount.to_integral() if amount == amount.to_integral()
                  else amount.quantize(Decimal("0.01")), "f")


def _snapshot_data(poll: Poll, options: list[Option], counts: Tally, outcome: Outcome) -> dict:
    by_code = {o.code: o for o in options}
    points = poll.scoring != Poll.Scoring.VOTES
    rows = []
    for row in outcome.rows:
        option = by_code[row.project]
        item = {"code": option.code, "label": option.label, "rank": row.rank,
                "votes": tally_votes(counts, option), "cost": _money(row.cost),
                "cumulative_cost": _money(row.cumulative_cost),
                "selected": row.selected, "reason": str(row.reason)}
        # The reason as a code and its numbers, so that each reader gets it in their language.
        if isinstance(row.reason, Sentence):
            item["reason_code"] = row.reason.template
            item["reason_values"] = row.reason.values
        if points:
            item["points"] = tally_weight(counts, option)
        rows.append(item)
    return {"poll": poll.title, "rule": outcome.rule, "scoring": poll.scoring,
            "budget": _money(outcome.budget), "cost": _money(outcome.cost),
            "money_left": _money(outcome.money_left), "selected": list(outcome.selected),
            "rows": rows}


def _ballots(poll: Poll, counts: Tally, voters: int | None) -> int:
    """How many counted ballots voted in ``poll``, without a second pass where possible."""
    if voters is not None:
        return voters
    if poll.max_choices == 1 and poll.box_id is not None:
        # One vote per card in a single-choice poll: the votes are the cards.
        return counts.total("head")
    return (Vote.objects.filter(poll=poll, counts=True).values("ballot_id").distinct().count())


def poll_outcome(*, poll: Poll, rule: str = "greedy", scores: Scores | None = None,
                 options: list[Option] | None = None) -> tuple[Outcome, dict, int]:
    """Count ``poll`` with ``rule`` without storing anything: (outcome, data, ballots)."""
    options = options if options is not None else list(poll.options.order_by("position", "id"))
    scores = poll_tally(poll, options) if scores is None else scores
    # The explanations are stored in English, with their codes and numbers, whoever asks:
    # the same votes always give the same snapshot and digest, and each reader gets the
    # reasons in their own language (``reason_text``).
    with translation.override("en"):
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
    scores = box_tallies(box, polls, every_option)
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


def box_results_official(box: BallotBox) -> list[tuple[Poll, ResultSnapshot | None]]:
    """Each poll of ``box`` with THE result everyone is shown: the staff page, the public
    page and every file.

    That is the published snapshot once results are published; before, the latest one
    computed with the box's rule (``BallotBox.result_rule``). A snapshot computed with
    another rule, to compare, never becomes the result by being the newest.
    """
    polls = list(box.polls.order_by("position", "id"))
    chosen: dict[int, ResultSnapshot] = {}
    snapshots = (ResultSnapshot.objects.filter(poll__box=box)
                 .filter(Q(published_at__isnull=False) | Q(rule=box.result_rule))
                 .order_by("poll", F("published_at").desc(nulls_last=True),
                           "-computed_at", "-id"))
    for snapshot in snapshots:
        chosen.setdefault(snapshot.poll_id, snapshot)
    return [(poll, chosen.get(poll.pk)) for poll in polls]


def box_results_publish(*, box: BallotBox) -> list[ResultSnapshot]:
    """Fix the official snapshots of ``box`` as published; later counts do not replace them.

    The caller (the process that decides when results go public) audits the publication.
    """
    official = [snapshot for _poll, snapshot in box_results_official(box) if snapshot]
    now = timezone.now()
    ResultSnapshot.objects.filter(pk__in=[s.pk for s in official if s.published_at is None]
                                  ).update(published_at=now)
    return official


_DECIMAL_POINT = re.compile(r"(\d)\.(\d)")


def reason_text(row: dict) -> str:
    """A result row's reason in the active language (stored as a code and its numbers)."""
    code = row.get("reason_code")
    if code is None:  # a snapshot stored before reasons had codes
        return row.get("reason", "")
    values = row.get("reason_values", {})
    if get_format("DECIMAL_SEPARATOR") != ".":
        # Stored as "33 333.33"; a Polish reader writes "33 333,33".
        values = {key: _DECIMAL_POINT.sub(r"\1" + get_format("DECIMAL_SEPARATOR") + r"\2",
                                          value) for key, value in values.items()}
    return again(code, values, gettext)


def rows_presented(data: dict) -> list[dict]:
    """The snapshot's rows with their reasons said in the active language."""
    return [{**row, "reason": reason_text(row)} for row in data.get("rows", [])]


def result_run_start(*, box: BallotBox, rule: str, actor) -> ResultRun:
    """Queue a (re)computation of ``box``'s results; the worker reports its progress."""
    from .tasks import result_run_task

    if rule not in rules.names("budget"):
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
