"""Tallies: votes per option, by head and by weight, from one aggregate query."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from .numbers import Number, exact

Basis = Literal["head", "weight"]


class Choice(StrEnum):
    """The options of a resolution or a council motion."""

    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


@dataclass(frozen=True)
class VoteCounts:
    """FOR / AGAINST / ABSTAIN totals on one basis (heads or weights)."""

    for_: Number = 0
    against: Number = 0
    abstain: Number = 0
    basis: Basis = "head"

    def __post_init__(self) -> None:
        for name in ("for_", "against", "abstain"):
            value = exact(getattr(self, name), name)
            if value < 0:
                raise ValueError(f"{name} must not be negative, got {value}")
            object.__setattr__(self, name, value)

    @property
    def cast(self) -> Number:
        """Return all votes cast, abstentions included."""
        return self.for_ + self.against + self.abstain


@dataclass(frozen=True)
class Tally:
    """Votes per option: ``heads`` counts voters, ``weights`` sums their weights (shares)."""

    heads: Mapping[str, int] = field(default_factory=dict)
    weights: Mapping[str, Number] = field(default_factory=dict)

    def total(self, basis: Basis = "head") -> Number:
        """Return the votes cast over all options."""
        return sum(self._on(basis).values())

    def ranking(self, basis: Basis = "head") -> list[tuple[str, Number]]:
        """Return (option, votes) by votes descending, ties by option ascending."""
        return sorted(self._on(basis).items(), key=lambda item: (-item[1], item[0]))

    def counts(self, basis: Basis = "head") -> VoteCounts:
        """Return the FOR / AGAINST / ABSTAIN totals of a resolution tally."""
        votes = self._on(basis)
        unknown = set(votes) - {choice.value for choice in Choice}
        if unknown:
            raise ValueError(f"not a resolution tally: unexpected options {sorted(unknown)}")
        return VoteCounts(
            for_=votes.get(Choice.FOR, 0),
            against=votes.get(Choice.AGAINST, 0),
            abstain=votes.get(Choice.ABSTAIN, 0),
            basis=basis,
        )

    def _on(self, basis: Basis) -> Mapping[str, Number]:
        if basis == "head":
            return self.heads
        if basis == "weight":
            return self.weights
        raise ValueError(f"basis must be 'head' or 'weight', got {basis!r}")


def tally(
    rows: Iterable[Mapping[str, object]],
    *,
    options: Iterable[object] = (),
    option_key: str = "option",
    heads_key: str = "heads",
    weight_key: str = "weight",
) -> Tally:
    """Build a tally from the rows of one aggregate query.

    Each row is one option's totals, e.g. what
    ``votes.values("option").annotate(heads=Count("id"), weight=Sum("weight"))`` returns.
    Options listed in ``options`` but absent from the rows count zero. A row without a
    weight column weighs one per head; a ``None`` weight (``Sum`` over nothing) weighs
    zero. Option keys are turned into strings so ids from any query compare alike.
    """
    heads: dict[str, int] = {str(option): 0 for option in options}
    weights: dict[str, Number] = dict.fromkeys(heads, 0)
    seen: set[str] = set()
    for row in rows:
        option = str(row[option_key])
        if option in seen:
            raise ValueError(f"option {option!r} appears twice: pass one row per option")
        seen.add(option)
        count = exact(row.get(heads_key) or 0, heads_key)
        weight = exact(row.get(weight_key, count) or 0, weight_key)
        if not isinstance(count, int) or count < 0:
            raise ValueError(f"{heads_key} of {option!r} must be a whole number ≥ 0")
        if weight < 0:
            raise ValueError(f"{weight_key} of {option!r} must not be negative")
        heads[option] = count
        weights[option] = weight
    return Tally(heads=heads, weights=weights)
