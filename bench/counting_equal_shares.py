"""Time Wotum's equal-shares rules against pabutools 1.2.3, side by side, in one run.

Usage (pabutools is the ``reference`` extra, never a runtime dependency)::

    pip install -e '.[reference]'
    python bench/counting_equal_shares.py [--runs 3] [--file FILE.pb] [--no-reference]

Each rule runs ``--runs`` times on the already parsed election (parsing is timed once,
apart); the table gives the median and the min–max in seconds, the speed-up of the
medians, and whether both selected the same projects. It ends by naming the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ballots import pabulib  # noqa: E402

ZOLIBORZ = "Poland_Warszawa_2024_Zoliborz.pb"


def default_file() -> Path:
    """Return the Żoliborz file: WOTUM_PABULIB_DIR (as the tests read it), else shared/ beside
    the repository or beside one of its parents (a git worktree sits a level or two deeper)."""
    if os.environ.get("WOTUM_PABULIB_DIR"):
        return Path(os.environ["WOTUM_PABULIB_DIR"]) / ZOLIBORZ
    for parent in REPO.parents:
        candidate = parent / "shared" / "data" / "pabulib" / ZOLIBORZ
        if candidate.is_file():
            return candidate
    return REPO.parent / "shared" / "data" / "pabulib" / ZOLIBORZ


DEFAULT_FILE = default_file()
RULES = ("equal-shares", "equal-shares-add1")


def timed(call: Callable[[], object], runs: int) -> tuple[list[float], object]:
    """Return the wall-clock seconds of each run and the last result."""
    seconds, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - started)
    return seconds, result


def reference_rules() -> dict[str, Callable]:
    """Return pabutools' rules by Wotum's names, as tests/ballots/reference records them."""
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
    }


def cell(seconds: list[float]) -> str:
    return f"{statistics.median(seconds):.3f} ({min(seconds):.3f}–{max(seconds):.3f})"


def machine() -> str:
    """Describe the machine: CPU model, cores, memory, Python."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.1f} GiB RAM"
    return (
        f"{model}, {os.cpu_count()} cores{memory}, "
        f"Python {platform.python_version()}, {date.today().isoformat()}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-reference", action="store_true", help="time Wotum only")
    parser.add_argument("--json", type=Path, help="write the times to this file (bench/run.py)")
    args = parser.parse_args(argv)
    # The rules explain each outcome through gettext, so Django's settings must be loaded
    # (as in the app); no database is touched.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wotum.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    import django

    django.setup()

    parse_ours, election = timed(lambda: pabulib.read(args.file), 1)
    print(f"{args.file.name}: {len(election.voters)} voters, {len(election.projects)} projects")
    print(f"parse: wotum {parse_ours[0]:.3f} s", end="")
    reference = None
    if not args.no_reference:
        from pabutools.election import parse_pabulib

        parse_theirs, reference = timed(lambda: parse_pabulib(str(args.file)), 1)
        print(f", pabutools {parse_theirs[0]:.3f} s", end="")
    print("\n")
    print("| rule | Wotum s, median (min–max) | pabutools s, median (min–max) | speed-up | same |")
    print("|---|---|---|---|---|")
    report = {}
    for rule in RULES:
        ours, outcome = timed(lambda rule=rule: pabulib.select(election, rule), args.runs)
        report[rule] = {"wotum": ours}
        row = f"| {rule} | {cell(ours)} |"
        if reference is not None:
            call = reference_rules()[rule]
            theirs, result = timed(lambda call=call: call(*reference), args.runs)
            same = sorted(outcome.selected) == sorted(p.name for p in result)
            report[rule].update(pabutools=theirs, same=same)
            speedup = statistics.median(theirs) / statistics.median(ours)
            row += f" {cell(theirs)} | {speedup:.0f}× | {'yes' if same else 'NO'} |"
        else:
            row += " – | – | – |"
        print(row, flush=True)
    print(f"\n{machine()}")
    if args.json:
        import json

        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
