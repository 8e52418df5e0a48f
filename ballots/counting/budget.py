"""Budget selection inputs and outcomes, and the greedy rules.

Two greedy rules live here, on purpose apart:

- ``greedy``: city practice. Projects ranked by votes (approval ballots) or points
  (cumulative ballots, ordinal ballots scored by rank), highest first, ties by project
  id in ascending string order (as pabutools breaks ties: "12" comes before "9"). Each
  project is taken if it fits the money left, otherwise skipped; ``skip=False`` stops
  at the first project that does not fit; ``threshold`` leaves out projects scoring less.
- ``greedy_by_support``: pabutools' ``greedy_utilitarian_welfare`` with cost
  satisfaction, the completion step after the Method of Equal Shares. It ranks by
  satisfaction per unit of cost, which is the number of supporters; a project that costs
  nothing gives no cost satisfaction, so it ranks with the unsupported ones (score 0).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from . import text
from .numbers import Number, exact
from .text import Translate


@dataclass(frozen=True)
class Project:
    """A project on a pool's ballot: its id and its cost."""

    id: str
    cost: Number

    def __post_init__(self) -> None:
        cost = exact(self.cost, f"cost of project {self.id!r}")
        if cost < 0:
            raise ValueError(f"cost of project {self.id!r} must not be negative, got {cost}")
        object.__setattr__(self, "id", str(self.id))
        object.__setattr__(self, "cost", cost)


@dataclass(frozen=True)
class OutcomeRow:
    """One project in the order a rule considered it, and why it was (not) selected."""

    project: str
    rank: int
    score: Number
    cost: Number
    cumulative_cost: Number
    selected: bool
    reason: str


@dataclass(frozen=True)
class Outcome:
    """The projects a rule selected within a budget, and the explanation rows."""

    rule: str
    budget: Number
    selected: tuple[str, ...]
    cost: Number
    rows: tuple[OutcomeRow, ...] = ()
    details: Mapping[str, object] = field(default_factory=dict)

    @property
    def money_left(self) -> Number:
        """Return the budget not spent."""
        return self.budget - self.cost

    def selected_sorted(self) -> list[str]:
        """Return the selected ids in ascending string order."""
        return sorted(self.selected)


def project_costs(projects: Iterable[Project] | Mapping[str, object]) -> dict[str, Number]:
    """Return {id: cost} from projects or a mapping, refusing duplicate ids."""
    if isinstance(projects, Mapping):
        items = [Project(str(key), value) for key, value in projects.items()]  # type: ignore[arg-type]
    else:
        items = list(projects)
    costs: dict[str, Number] = {}
    for project in items:
        if project.id in costs:
            raise ValueError(f"project {project.id!r} appears twice")
        costs[project.id] = project.cost
    return costs


def check_budget(budget: object) -> Number:
    """Return the budget as an exact non-negative number."""
    value = exact(budget, "budget")
    if value < 0:
        raise ValueError(f"budget must not be negative, got {value}")
    return value


def greedy(
    projects: Iterable[Project] | Mapping[str, object],
    scores: Mapping[str, object],
    budget: object,
    *,
    threshold: object | None = None,
    skip: bool = True,
    translate: Translate | None = None,
) -> Outcome:
    """Select by score (votes or points) within the budget, as cities count.

    ``scores`` maps project ids to votes or points (one aggregate query); a project
    missing from it scores 0. Ties go to the lower project id (string order). A project
    scoring below ``threshold`` is never selected. With ``skip=False`` counting stops at
    the first project that does not fit (the "no-skip" variant).
    """
    costs = project_costs(projects)
    budget = check_budget(budget)
    points = {pid: exact(scores.get(pid, 0), f"score of {pid!r}") for pid in costs}
    unknown = set(scores) - set(costs)
    if unknown:
        raise ValueError(f"scores for unknown projects: {sorted(unknown)}")
    minimum = None if threshold is None else exact(threshold, "threshold")
    order = sorted(costs, key=lambda pid: (-points[pid], pid))
    rows, selected = _greedy_rows(order, costs, points, budget, minimum, skip, translate)
    rule = "greedy" if skip else "greedy-no-skip"
    details = {"threshold": minimum, "skip": skip}
    return build_outcome(rule, budget, costs, selected, rows, details)


def _greedy_rows(
    order: Sequence[str],
    costs: Mapping[str, Number],
    points: Mapping[str, Number],
    budget: Number,
    threshold: Number | None,
    skip: bool,
    translate: Translate | None,
) -> tuple[list[OutcomeRow], list[str]]:
    """Walk the ranking once, selecting what fits and saying why for every project."""
    rows: list[OutcomeRow] = []
    selected: list[str] = []
    spent: Number = 0
    stopped_at: str | None = None
    for rank, pid in enumerate(order, start=1):
        cost, score, left = costs[pid], points[pid], budget - spent
        taken = False
        if threshold is not None and score < threshold:
            reason = text.render(text.BELOW_THRESHOLD, translate, score=score, threshold=threshold)
        elif stopped_at is not None:
            reason = text.render(text.NOT_CONSIDERED, translate, project=stopped_at)
        elif cost <= left:
            taken, spent = True, spent + cost
            selected.append(pid)
            reason = text.render(text.SELECTED_FITS, translate, left=budget - spent)
        elif skip:
            reason = text.render(text.DOES_NOT_FIT, translate, left=left)
        else:
            stopped_at = pid
            reason = text.render(text.STOPPED_HERE, translate, left=left)
        rows.append(OutcomeRow(pid, rank, score, cost, spent, taken, reason))
    return rows, selected


def build_outcome(
    rule: str,
    budget: Number,
    costs: Mapping[str, Number],
    selected: Sequence[str],
    rows: Sequence[OutcomeRow],
    details: Mapping[str, object],
) -> Outcome:
    total = sum((costs[pid] for pid in selected), start=0)
    if total > budget:  # an invariant of every rule; a breach is a bug, never a result
        raise AssertionError(f"{rule} spent {total} of a budget of {budget}")
    return Outcome(rule, budget, tuple(selected), total, tuple(rows), dict(details))


def support_order(costs: Mapping[str, Number], supporters: Mapping[str, int]) -> list[str]:
    """Order projects as pabutools' greedy does with cost satisfaction.

    Satisfaction per unit of cost is the number of supporters for a project that costs
    something, and 0 for one that costs nothing or has no supporters; highest first,
    ties by project id (string order).
    """

    def density(pid: str) -> int:
        return supporters.get(pid, 0) if costs[pid] > 0 else 0

    return sorted(costs, key=lambda pid: (-density(pid), pid))


def complete_by_support(
    costs: Mapping[str, Number],
    supporters: Mapping[str, int],
    budget: Number,
    chosen: Sequence[str],
) -> list[str]:
    """Return the projects pabutools' greedy adds to ``chosen``, in the order it adds them."""
    left = budget - sum((costs[pid] for pid in chosen), start=0)
    taken = set(chosen)
    added = []
    for pid in support_order(costs, supporters):
        if pid not in taken and costs[pid] <= left:
            added.append(pid)
            left -= costs[pid]
    return added


def greedy_by_support(
    projects: Iterable[Project] | Mapping[str, object],
    supporters: Mapping[str, int],
    budget: object,
    *,
    translate: Translate | None = None,
) -> Outcome:
    """Select as pabutools' ``greedy_utilitarian_welfare`` with ``Cost_Sat`` does."""
    costs = project_costs(projects)
    budget = check_budget(budget)
    order = support_order(costs, supporters)
    selected = complete_by_support(costs, supporters, budget, [])
    scores = {pid: supporters.get(pid, 0) if costs[pid] > 0 else 0 for pid in costs}
    rows, _ = _greedy_rows(order, costs, scores, budget, None, True, translate)
    return build_outcome("greedy-by-support", budget, costs, selected, rows, {})
