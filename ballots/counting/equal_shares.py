"""The Method of Equal Shares with cost utilities, exact and fast.

Semantics follow pabutools 1.2.3 ``method_of_equal_shares`` with ``Cost_Sat``:

- every voter (empty ballots included) starts with the same budget;
- a project competes when it costs more than 0 and has a supporter (a project that
  costs nothing gives no cost satisfaction, so equal shares never selects it);
- each round the project with the smallest ρ is selected, where its supporters each pay
  ``min(money left, ρ × cost)`` and together pay its cost; ties go to the lower project
  id (string order); projects whose supporters cannot pay drop out; repeat.

Speed comes from exact devices, not from approximation:

- money is kept as integers in a common unit (1 / ``scale`` of the currency), refined
  when a price needs a finer unit, so no fraction is normalised in the inner loops;
- voters with the same money left form one class whose members are bits of an int, so
  counting a project's supporters in a class is one ``&`` and one ``bit_count``;
- ρ only grows as money is spent, so an earlier ρ is a lower bound: a round evaluates
  projects in order of their bounds and stops once a bound exceeds the best ρ found;
- a run with more money per voter that bought the same projects in the same order so
  far leaves every voter at least as much money, so its ρ values are lower bounds here
  too, and a project its voters could not afford is unaffordable here (``warm``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from math import gcd, inf, lcm

from .numbers import Number

Ballots = Mapping[frozenset[str], int]
Bounds = dict[str, tuple[int, int, float]]


def group_ballots(ballots: Iterable[Iterable[str]]) -> dict[frozenset[str], int]:
    """Count identical approval ballots: {frozenset of project ids: voters}."""
    groups: dict[frozenset[str], int] = {}
    for ballot in ballots:
        key = frozenset(ballot)
        groups[key] = groups.get(key, 0) + 1
    return groups


@dataclass
class Purchase:
    """One project bought in a run: its round and what each supporter paid at most."""

    project: str
    round: int
    price: Fraction
    rho: Fraction


@dataclass
class Run:
    """The outcome of one run of equal shares at one per-voter budget.

    ``trace`` keeps, for each round, the ρ lower bounds after the round's search and
    the projects found unaffordable so far: what a run with less money can reuse.
    """

    voter_budget: Number
    purchases: list[Purchase] = field(default_factory=list)
    cost: Number = 0
    money: dict[str, Fraction] = field(default_factory=dict)
    trace: list[tuple[Bounds, frozenset[str]]] = field(default_factory=list, repr=False)

    @property
    def selected(self) -> list[str]:
        """Return the selected ids in selection order."""
        return [purchase.project for purchase in self.purchases]


class Electorate:
    """Ballots laid out as bit masks, one bit per voter, ready for repeated runs."""

    def __init__(self, costs: Mapping[str, Number], ballots: Ballots, voters: int) -> None:
        support = dict.fromkeys(costs, 0)
        position = 0
        # Voters are laid out by their ballots read as yes/no on the most supported project
        # first, then the next: voters who end up paying alike sit side by side, so many
        # classes' masks end low and ``&`` and ``bit_count`` touch fewer digits.
        votes = dict.fromkeys(costs, 0)
        for ballot, count in ballots.items():
            for pid in ballot:
                votes[pid] += count
        order = sorted(costs, key=lambda pid: (-votes[pid], pid))
        def layout(item: tuple[frozenset[str], int]) -> list[bool]:
            return [pid in item[0] for pid in order]

        for ballot, count in sorted(ballots.items(), key=layout):
            block = ((1 << count) - 1) << position
            for pid in ballot:
                support[pid] |= block
            position += count
        self.costs = dict(costs)
        self.voters = voters
        self.supporters = {pid: mask.bit_count() for pid, mask in support.items()}
        self.candidates = sorted(
            pid for pid in costs if costs[pid] > 0 and self.supporters[pid] > 0
        )
        self.support = {pid: support[pid] for pid in self.candidates}
        self.everyone = 0
        for mask in self.support.values():
            self.everyone |= mask
        self.cost_unit = lcm(*(Fraction(costs[pid]).denominator for pid in self.candidates))

    def run(
        self,
        voter_budget: Number,
        *,
        stop_above: Number | None = None,
        explain: bool = False,
        warm: Run | None = None,
    ) -> Run:
        """Run equal shares with ``voter_budget`` per voter.

        ``stop_above``: stop as soon as the selection costs more (the caller only needs
        to know the outcome is infeasible). ``explain``: record the money the supporters
        of each project left out still have. ``warm``: a run of this electorate with at
        least as much money per voter, whose trace speeds this one up.
        """
        if warm is not None and warm.voter_budget < voter_budget:
            raise ValueError("a warm start needs a run with at least as much money per voter")
        state = _State(self, voter_budget)
        # Explaining needs every supporter's money, so then keep voters no project needs.
        run = state.play(stop_above, prune=not explain, warm=warm)
        if explain:
            chosen = set(run.selected)
            run.money = {pid: state.money_of(pid) for pid in self.candidates if pid not in chosen}
        return run


class _State:
    """One run's voters, in classes by money left (integers in units of 1 / ``scale``)."""

    def __init__(self, electorate: Electorate, voter_budget: Number) -> None:
        self.e = electorate
        self.voter_budget = voter_budget
        share = Fraction(voter_budget)
        self.scale = lcm(electorate.cost_unit, share.denominator)
        # Costs in the starting unit; ``refined`` converts them to the current one, so a
        # finer unit rescales the voters' money only.
        self.cost = {pid: int(electorate.costs[pid] * self.scale) for pid in electorate.candidates}
        self.refined = 1
        start = int(share * self.scale)
        everyone = electorate.everyone if start > 0 else 0
        # (money, voters as bits), by money ascending; voters with no money are dropped.
        self.levels = [(start, everyone)] if everyone else []
        self.alive = everyone
        self.drops_pruned = 0  # how many dropped projects the classes were last pruned for
        # Lower bounds on each project's ρ: exact numerator and denominator, and a float
        # for sorting. Before any spending ρ is at least 1 / supporters.
        self.bound: Bounds = {
            pid: (1, count, 1 / count)
            for pid, count in electorate.supporters.items()
            if pid in electorate.support
        }
        self.dropped: set[str] = set()

    def play(self, stop_above: Number | None, prune: bool, warm: Run | None) -> Run:
        """Buy projects round by round until no remaining project is affordable.

        With ``prune``, voters whose approved projects are all bought or out of reach
        leave the classes: they can pay for nothing more, and scanning them costs time.
        """
        run = Run(self.voter_budget)
        remaining = list(self.e.candidates)
        hints = warm.trace if warm is not None else []
        while remaining:
            round_ = len(run.purchases)
            # Hints hold while this run has bought what the warm run bought, in order.
            if round_ < len(hints) and run.selected == warm.selected[:round_]:
                self._take_hints(remaining, *hints[round_])
            choice = self._best(remaining)
            run.trace.append((dict(self.bound), frozenset(self.dropped)))
            if choice is None:
                break
            pid, need, count = choice
            remaining.remove(pid)
            rho = Fraction(need, count * self.cost[pid] * self.refined)
            needed = self.e.everyone
            if prune:
                needed = 0
                for other in remaining:
                    needed |= self.e.support[other]
            price = self._charge(pid, need, count, needed)
            run.purchases.append(Purchase(pid, round_ + 1, price, rho))
            run.cost += self.e.costs[pid]
            if stop_above is not None and run.cost > stop_above:
                break
        return run

    def _take_hints(self, remaining: list[str], bounds: Bounds, dropped: frozenset[str]) -> None:
        """Raise bounds to a richer run's, and drop what its voters could not afford."""
        for pid in [pid for pid in remaining if pid in dropped]:
            remaining.remove(pid)
            self.dropped.add(pid)
        for pid in remaining:
            hint, own = bounds[pid], self.bound[pid]
            if hint[0] * own[1] > own[0] * hint[1]:
                self.bound[pid] = hint

    def _best(self, remaining: list[str]) -> tuple[str, int, int] | None:
        """Find the project with the smallest ρ (ties: lowest id); drop unaffordable ones."""
        bound = self.bound
        remaining.sort(key=lambda pid: bound[pid][2])
        best_n, best_d, best_f = 0, 0, inf
        refined = self.refined
        tied: list[tuple[str, int, int]] = []
        for pid in list(remaining):
            low_n, low_d, low_f = bound[pid]
            if low_n * best_d > best_n * low_d:
                # Later bounds are at least this float: once it passes the best float none
                # of them can win or tie. Equal floats need the exact check, one by one.
                if low_f > best_f:
                    break
                continue
            cost = self.cost[pid] * refined
            result = _price(self.levels, self.e.support[pid] & self.alive, cost)
            if result is None:
                remaining.remove(pid)
                self.dropped.add(pid)
                continue
            need, count = result
            rho_n, rho_d = need, count * cost
            bound[pid] = (rho_n, rho_d, rho_n / rho_d)
            if not tied or rho_n * best_d < best_n * rho_d:
                best_n, best_d, best_f = rho_n, rho_d, rho_n / rho_d
                tied = [(pid, need, count)]
            elif rho_n * best_d == best_n * rho_d:
                tied.append((pid, need, count))
        return min(tied) if tied else None

    def _charge(self, pid: str, need: int, count: int, needed: int) -> Fraction:
        """Make the supporters of ``pid`` pay ``need / count`` each (or all they have).

        Keep only the voters in ``needed`` (see ``play``). Voters leave ``needed`` when
        the last project they support is bought or dropped; unless a project was dropped
        since the last charge, those voters are supporters of ``pid``, so pruning its
        payers keeps every class within ``needed``.
        """
        refine = count // gcd(need, count)
        if refine > 1:  # the price is not a whole unit: switch to a finer unit first
            self.scale *= refine
            self.refined *= refine
            need *= refine
        price = need // count
        support = self.e.support[pid]
        prune_all = len(self.dropped) != self.drops_pruned
        self.drops_pruned = len(self.dropped)
        kept: list[tuple[int, int]] = []
        paid: list[tuple[int, int]] = []
        keep, pay = kept.append, paid.append  # bound once: this loop is the hot one
        drained = 0
        for money, mask in self.levels:
            if refine > 1:
                money *= refine
            if prune_all:
                mask &= needed
                if not mask:
                    continue
            paying = mask & support
            if not paying:
                keep((money, mask))
                continue
            if paying != mask:
                keep((money, mask ^ paying))
            if money <= price:
                drained |= paying
            elif paying := paying & needed:
                pay((money - price, paying))
        # Both lists are sorted already, so this sort is a linear merge of two runs.
        kept.extend(paid)
        kept.sort()
        self.levels = kept
        self.alive &= needed & ~drained
        return Fraction(price, self.scale)

    def money_of(self, pid: str) -> Fraction:
        """Return the money the supporters of ``pid`` have left, in currency units."""
        support = self.e.support[pid]
        total = sum(money * (mask & support).bit_count() for money, mask in self.levels)
        return Fraction(total, self.scale)


def _price(levels: list[tuple[int, int]], support: int, cost: int) -> tuple[int, int] | None:
    """Return (need, count): the richest ``count`` supporters each pay ``need / count``.

    ``levels`` are (money, voters) classes by money ascending: poorer supporters pay all
    they have, the rest share what remains equally. None when all of them together
    cannot pay.
    """
    count = support.bit_count()
    if not levels or count * levels[-1][0] < cost:
        return None  # even as rich as the richest class they could not pay
    need = cost
    for money, mask in levels:
        members = (mask & support).bit_count()
        if members:
            if count * money >= need:
                return need, count
            need -= members * money
            count -= members
    return None


BallotsInput = Mapping[Iterable[str], int] | Iterable[tuple[Iterable[str], int]]


def prepare_ballots(
    costs: Mapping[str, Number], ballots: BallotsInput, voters: int | None
) -> tuple[dict[frozenset[str], int], int]:
    """Check grouped ballots and return them with the number of voters.

    ``ballots`` pairs each distinct approval ballot with how many voters cast it.
    ``voters`` counts everyone who voted in the pool, empty ballots included (they
    share the budget too); it defaults to the sum of the counts.
    """
    pairs = ballots.items() if isinstance(ballots, Mapping) else ballots
    grouped: dict[frozenset[str], int] = {}
    for ballot, count in pairs:
        key = frozenset(str(pid) for pid in ballot)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"voters per ballot must be a whole number ≥ 0, got {count!r}")
        unknown = key - set(costs)
        if unknown:
            raise ValueError(f"ballot names unknown projects: {sorted(unknown)}")
        if count:
            grouped[key] = grouped.get(key, 0) + count
    cast = sum(grouped.values())
    if voters is None:
        voters = cast
    if voters < cast:
        raise ValueError(f"{voters} voters cannot cast {cast} ballots")
    return grouped, voters
