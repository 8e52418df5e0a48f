"""Slow, obvious implementations of the budget rules, straight from their definitions.

The counting core is optimised (integer money units, voter classes as bit masks, lazy
bounds, warm starts); these oracles are not, so tests compare the two on many small
elections. One Fraction per voter, every project re-evaluated every round.
"""

from fractions import Fraction


def rho(money, cost):
    """Return the smallest ρ with sum(min(m, ρ·cost)) ≥ cost, or None if unaffordable."""
    if sum(money) < cost:
        return None
    need, count = Fraction(cost), len(money)
    for m in sorted(money):
        if count * m >= need:
            return need / count / cost
        need -= m
        count -= 1
    raise AssertionError("unreachable: the supporters can pay")


def equal_shares(costs, ballots, budget, voter_budget=None):
    """Return the projects MES with cost utilities selects, in order (ties: lowest id)."""
    n = len(ballots)
    if n == 0:
        return []
    share = Fraction(budget, n) if voter_budget is None else Fraction(voter_budget)
    money = [share] * n
    candidates = {p for p, c in costs.items() if c > 0 and any(p in b for b in ballots)}
    chosen = []
    while True:
        best = None
        for p in sorted(candidates - set(chosen)):
            supporters = [i for i, b in enumerate(ballots) if p in b]
            value = rho([money[i] for i in supporters], costs[p])
            if value is not None and (best is None or value < best[0]):
                best = (value, p, supporters)
        if best is None:
            return chosen
        value, p, supporters = best
        for i in supporters:
            money[i] -= min(money[i], value * costs[p])
        chosen.append(p)


def greedy_by_support(costs, ballots, budget, chosen=()):
    """Complete ``chosen`` as pabutools' greedy with cost satisfaction does."""
    support = {p: sum(p in b for b in ballots) for p in costs}
    density = {p: support[p] if costs[p] > 0 else 0 for p in costs}
    left = budget - sum(costs[p] for p in chosen)
    added = []
    for p in sorted(costs, key=lambda q: (-density[q], q)):
        if p not in chosen and costs[p] <= left:
            added.append(p)
            left -= costs[p]
    return list(chosen) + added


def equal_shares_add1(costs, ballots, budget):
    """Return MES with Add1 completion, then greedy completion, in selection order."""
    n = len(ballots)
    if n == 0:
        return greedy_by_support(costs, ballots, budget)
    candidates = {p for p, c in costs.items() if c > 0 and any(p in b for b in ballots)}
    share, previous = Fraction(budget, n), []
    while True:
        outcome = equal_shares(costs, ballots, budget, voter_budget=share)
        spent = sum(costs[p] for p in outcome)
        if spent > budget:
            outcome = previous
            break
        if all(costs[p] > budget - spent for p in candidates - set(outcome)):
            break
        previous, share = outcome, share + 1
    return greedy_by_support(costs, ballots, budget, outcome)


def greedy(costs, scores, budget, threshold=None, skip=True):
    """Return the projects city greedy selects (ties: lowest id)."""
    left, chosen = budget, []
    for p in sorted(costs, key=lambda q: (-scores.get(q, 0), q)):
        if threshold is not None and scores.get(p, 0) < threshold:
            continue
        if costs[p] <= left:
            chosen.append(p)
            left -= costs[p]
        elif not skip:
            break
    return chosen
