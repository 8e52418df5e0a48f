"""Record pabutools 1.2.3 outcomes for the pabulib sample files.

Writes one JSON file per election to ``tests/ballots/reference/`` so the test suite can
compare Wotum's counting core with the reference without installing pabutools.

Usage (pabutools is the ``reference`` extra, never a runtime dependency)::

    pip install pabutools==1.2.3
    python bench/pabutools_reference.py [FILE.pb ...]

Rules recorded, all with cost satisfaction (``Cost_Sat``; cumulative and ordinal ballots
count as approvals) and lexicographic tie-breaking (pabutools' default):

- ``equal-shares``: ``method_of_equal_shares``;
- ``equal-shares-add1``: ``completion_by_rule_combination`` of ``method_of_equal_shares``
  with ``voter_budget_increment=1`` then ``greedy_utilitarian_welfare``;
- ``greedy-cost-sat``: ``greedy_utilitarian_welfare`` alone (the completion step).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "pabulib"
OUT = REPO / "tests" / "ballots" / "reference"


def _rules():
    """Return the reference rules as name -> callable(instance, profile)."""
    from pabutools.election import Cost_Sat
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

    def add1(instance, profile):
        return completion_by_rule_combination(
            instance,
            profile,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": Cost_Sat, "voter_budget_increment": 1}, {"sat_class": Cost_Sat}],
        )

    return {
        "equal-shares": lambda i, p: method_of_equal_shares(i, p, sat_class=Cost_Sat),
        "equal-shares-add1": add1,
        "greedy-cost-sat": lambda i, p: greedy_utilitarian_welfare(i, p, sat_class=Cost_Sat),
    }


def _number(value):
    """Render an exact number as int when integral, else as "p/q"."""
    if int(value) == value:
        return int(value)
    return f"{value.numerator}/{value.denominator}"


def reference_outcomes(path: Path) -> dict:
    """Run every reference rule on one file and return the JSON-ready record."""
    import pabutools
    from pabutools.election import parse_pabulib

    instance, profile = parse_pabulib(str(path))
    record = {
        "file": path.name,
        "pabutools": getattr(pabutools, "__version__", "1.2.3"),
        "budget": _number(instance.budget_limit),
        "rules": {},
    }
    for name, rule in _rules().items():
        started = time.perf_counter()
        outcome = rule(instance, profile)
        seconds = time.perf_counter() - started
        record["rules"][name] = {
            "selected": sorted(p.name for p in outcome),
            "selection_order": [p.name for p in outcome],
            "cost": _number(sum(p.cost for p in outcome)),
        }
        print(f"{path.name}: {name} {seconds:.2f} s", file=sys.stderr)
    return record


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv] or sorted(DATA.glob("*.pb"))
    OUT.mkdir(parents=True, exist_ok=True)
    for path in files:
        record = reference_outcomes(path)
        target = OUT / f"{path.stem}.json"
        target.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
