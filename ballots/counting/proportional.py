"""The proportional budget rules: equal shares, and equal shares with Add1 completion.

- ``equal_shares``: pabutools' ``method_of_equal_shares`` with ``Cost_Sat``.
- ``equal_shares_add1``: the variant cities that adopted the method use (equalshares.net)
  and pabutools computes as ``completion_by_rule_combination`` of
  ``method_of_equal_shares(voter_budget_increment=1)`` then
  ``greedy_utilitarian_welfare``: rerun equal shares with every voter's budget raised by
  1 (currency unit) until the outcome is exhaustive (no supported project still fits) or
  would overspend (then the previous outcome stands), and fill what is left greedily by
  number of supporters (``budget.complete_by_support``).

Cumulative and ordinal ballots enter as approvals: the projects a voter named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

from . import text
from .budget import (
    Outcome,
    OutcomeRow,
    Project,
    build_outcome,
    check_budget,
    complete_by_support,
    project_costs,
)
from .equal_shares import BallotsInput, Electorate, Run, prepare_ballots
from .numbers import Number
from .text import Translate


def _electorate(
    projects: Iterable[Project] | Mapping[str, object],
    ballots: BallotsInput,
    budget: object,
    voters: int | None,
) -> tuple[Electorate, Number, Fraction]:
    costs = project_costs(projects)
    budget = check_budget(budget)
    grouped, voters = prepare_ballots(costs, ballots, voters)
    electorate = Electorate(costs, grouped, voters)
    share = Fraction(budget, voters) if voters else Fraction(0)
    return electorate, budget, share


def equal_shares(
    projects: Iterable[Project] | Mapping[str, object],
    ballots: BallotsInput,
    budget: object,
    *,
    voters: int | None = None,
    translate: Translate | None = None,
) -> Outcome:
    """Select by the Method of Equal Shares with cost utilities.

    ``ballots`` pairs each distinct approval ballot (a set of project ids) with the
    number of voters who cast it; ``voters`` adds voters with empty ballots.
    """
    electorate, budget, share = _electorate(projects, ballots, budget, voters)
    run = electorate.run(share, explain=True)
    rows = _rows(electorate, run, None, budget, translate)
    details = {"voter_budget": _plain(share), "runs": 1}
    return build_outcome("equal-shares", budget, electorate.costs, run.selected, rows, details)


def equal_shares_add1(
    projects: Iterable[Project] | Mapping[str, object],
    ballots: BallotsInput,
    budget: object,
    *,
    voters: int | None = None,
    translate: Translate | None = None,
) -> Outcome:
    """Select by equal shares with the Add1 completion, then greedy completion."""
    electorate, budget, share = _electorate(projects, ballots, budget, voters)
    run, runs = add1_run(electorate, budget, share)
    added = complete_by_support(electorate.costs, electorate.supporters, budget, run.selected)
    rows = _rows(electorate, run, added, budget, translate)
    # increments: the +1 steps of the run kept; runs: how many were computed for it.
    increments = _plain(run.voter_budget - share)
    details = {"voter_budget": _plain(run.voter_budget), "increments": increments, "runs": runs}
    selected = run.selected + added
    return build_outcome("equal-shares-add1", budget, electorate.costs, selected, rows, details)


BATCH = 16
"""The most runs computed together, from the richest down (see ``add1_run``)."""


def add1_run(electorate: Electorate, budget: Number, share: Fraction) -> tuple[Run, int]:
    """Return the equal-shares run the Add1 completion keeps, and how many runs it took.

    Runs with 0, 1, 2, … added to every voter's budget are checked in that order; the
    first that overspends hands over the run before it, the first exhaustive one is kept.
    They are computed in batches, each from its richest run down, because a richer run
    warms up the next poorer one (see ``Electorate.run``). A batch may compute a few runs
    past the one kept; that costs time, never a different answer.
    """
    previous = Run(share)
    runs, first, size = 0, 0, 1
    while True:
        batch = _batch(electorate, budget, share + first, size)
        runs += len(batch)
        for run in batch:
            if run.cost > budget:
                return previous, runs
            if _exhaustive(electorate, run, budget):
                return run, runs
            previous = run
        first += size
        size = min(2 * size, BATCH)


def _batch(electorate: Electorate, budget: Number, share: Fraction, size: int) -> list[Run]:
    """Return the runs at ``share``, ``share + 1``, … (``size`` of them), poorest first."""
    runs: list[Run] = []
    warm = None
    for extra in reversed(range(size)):
        warm = electorate.run(share + extra, stop_above=budget, warm=warm)
        runs.append(warm)
    runs.reverse()
    return runs


def _exhaustive(electorate: Electorate, run: Run, budget: Number) -> bool:
    """Tell whether no competing project outside the outcome still fits the money left."""
    left = budget - run.cost
    chosen = set(run.selected)
    costs = electorate.costs
    return not any(costs[pid] <= left for pid in electorate.candidates if pid not in chosen)


def _rows(
    electorate: Electorate,
    run: Run,
    added: list[str] | None,
    budget: Number,
    translate: Translate | None,
) -> list[OutcomeRow]:
    """Explain every project: bought by equal shares, added greedily, or why not."""
    costs, supporters = electorate.costs, electorate.supporters
    completion = added is not None
    added = added or []
    rows: list[OutcomeRow] = []
    spent: Number = 0

    def row(pid: str, selected: bool, reason: str) -> None:
        rank = len(rows) + 1
        rows.append(OutcomeRow(pid, rank, supporters[pid], costs[pid], spent, selected, reason))

    for purchase in run.purchases:
        spent += costs[purchase.project]
        price = _plain(purchase.price)
        row(
            purchase.project,
            True,
            text.render(text.MES_SELECTED, translate, round=purchase.round, price=price),
        )
    for pid in added:
        spent += costs[pid]
        row(pid, True, text.render(text.COMPLETION_SELECTED, translate, left=budget - spent))
    chosen = set(run.selected) | set(added)
    rest = sorted((pid for pid in costs if pid not in chosen), key=lambda p: (-supporters[p], p))
    for pid in rest:
        row(pid, False, _why_not(electorate, run, pid, completion, budget - spent, translate))
    return rows


def _why_not(
    electorate: Electorate,
    run: Run,
    pid: str,
    completion: bool,
    left: Number,
    translate: Translate | None,
) -> str:
    """Say why equal shares (and the completion, when it ran) left a project out."""
    if completion:  # the greedy completion considered every project last
        return text.render(text.DOES_NOT_FIT, translate, left=left)
    if electorate.supporters[pid] == 0:
        return text.render(text.NO_SUPPORTERS, translate)
    if electorate.costs[pid] == 0:
        return text.render(text.ZERO_COST, translate)
    money = _plain(run.money[pid])
    return text.render(text.MES_UNAFFORDABLE, translate, money=money, cost=electorate.costs[pid])


def _plain(value: Fraction) -> Number:
    return value.numerator if value.denominator == 1 else value
