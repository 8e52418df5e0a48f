"""A 1,000,000-row xlsx export: Wotum's export helper against bare openpyxl write-only.

Both write the same 1,000,000 voters (receipt code, channel, birth year, sex, age band,
time of casting) into one sheet in openpyxl's write-only mode:
- wotum: ``ballots.exports.VoterExport`` through ``reports.exports.XlsxExport.write``, fed
  the tuples the database query yields (receipt, channel code, birth date, sex code,
  aware datetime) — the column hooks turn them into the cells;
- bare: openpyxl's ``Workbook(write_only=True)`` appending rows already in their final
  form (the same cell values), with nothing else in the process but openpyxl.

Each run is a fresh subprocess; its peak memory is the child's ``ru_maxrss`` from
``resource.getrusage(RUSAGE_SELF)`` (the whole process: interpreter, Django, openpyxl).
The rows are generated on the fly, so neither side holds them in memory.

    python bench/export_scale.py             # --rows N, --runs N
"""
import argparse
import datetime
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DAY = datetime.date(2026, 6, 30)
ZONE = ZoneInfo("Europe/Warsaw")
START = datetime.datetime(2026, 6, 1, 8, 0, tzinfo=datetime.UTC)
DISTRICTS = ("Boguszowice", "Chwałowice", "Niedobczyce", "Orzepowice")


def raw_rows(count: int):
    """What ``ballots.exports.voters_source`` yields from the database, one tuple a card."""
    for n in range(count):
        birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=n % 24000)
        yield (f"R{n:09d}", "paper" if n % 7 == 0 else "email", birth, "F" if n % 2 else "M",
               START + datetime.timedelta(seconds=n), DISTRICTS[n % len(DISTRICTS)])


def setup_wotum():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wotum.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ.setdefault("WOTUM_VAR_DIR", "var/bench")
    import django

    django.setup()
    from django.utils import translation

    from ballots.exports import VoterExport

    translation.activate("pl")
    return VoterExport


def child_wotum(count: int, path: str, export_class) -> int:
    with open(path, "wb") as handle:
        return export_class(day=DAY).write(raw_rows(count), handle)


def setup_bare():
    from openpyxl import Workbook

    return Workbook


def child_bare(count: int, path: str, Workbook) -> int:  # noqa: N803 - the class itself

    bands = ((16, 24), (25, 34), (35, 44), (45, 54), (55, 64))
    channels, sexes = {"email": "odnośnik e-mail", "paper": "karta papierowa"}, {
        "F": "kobieta", "M": "mężczyzna"}

    def band(birth):
        age = DAY.year - birth.year - ((DAY.month, DAY.day) < (birth.month, birth.day))
        return next((f"{low}–{high}" for low, high in bands if low <= age <= high), "65+")

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Głosujący")
    sheet.append(["Kod potwierdzenia", "Kanał", "Rok urodzenia", "Płeć", "Przedział wieku",
                  "Dzielnica", "Oddano"])
    written = 0
    for code, channel, birth, sex, cast, district in raw_rows(count):
        sheet.append([code, channels[channel], birth.year, sexes[sex], band(birth), district,
                      cast.astimezone(ZONE).replace(tzinfo=None)])
        written += 1
    workbook.save(path)
    return written


def child(kind: str, count: int) -> None:
    # Imports and django.setup() are not timed; their memory is (it is the process's).
    prepared = {"wotum": setup_wotum, "bare": setup_bare}[kind]()
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "export.xlsx")
        started = time.perf_counter()
        written = {"wotum": child_wotum, "bare": child_bare}[kind](count, path, prepared)
        seconds = time.perf_counter() - started
        size = os.path.getsize(path)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"kind": kind, "rows": written, "seconds": seconds,
                      "peak_mb": peak_kb / 1024, "baseline_mb": baseline_kb / 1024,
                      "bytes": size}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=["wotum", "bare"])
    parser.add_argument("--json", help="also write the report to this file (bench/run.py)")
    parser.add_argument("--side-by-side", action="store_true",
                        help="run each pair at once, one process a core (needs 2 idle cores)")
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        child(args.child, args.rows)
        return
    try:
        import lxml  # noqa: F401

        writer = "lxml"
    except ImportError:
        writer = "et_xmlfile (no lxml)"
    runs: dict[str, list[dict]] = {"wotum": [], "bare": []}
    def start(kind: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, __file__, "--child", kind, "--rows",
                                 str(args.rows)], cwd=ROOT, stdout=subprocess.PIPE, text=True)

    def finish(n: int, kind: str, proc: subprocess.Popen) -> None:
        out, _ = proc.communicate()
        if proc.returncode:
            raise subprocess.CalledProcessError(proc.returncode, proc.args, out)
        result = json.loads(out.strip().splitlines()[-1])
        runs[kind].append(result)
        print(f"run {n + 1} {kind}: {result['seconds']:.1f} s, {result['peak_mb']:.0f} MB",
              file=sys.stderr, flush=True)

    for n in range(args.runs):  # interleaved (or side by side), so a busy moment hits both
        if args.side_by_side:
            procs = {kind: start(kind) for kind in ("bare", "wotum")}
            for kind, proc in procs.items():
                finish(n, kind, proc)
        else:
            for kind in ("bare", "wotum"):
                finish(n, kind, start(kind))
    medians = {kind: {"seconds": statistics.median(r["seconds"] for r in results),
                      "peak_mb": statistics.median(r["peak_mb"] for r in results)}
               for kind, results in runs.items()}
    report = {"date": time.strftime("%Y-%m-%d %H:%M"), "nproc": os.cpu_count(),
              "side_by_side": args.side_by_side,
              "load": os.getloadavg(), "rows": args.rows, "xml_writer": writer, "runs": runs,
              "medians": medians,
              "ratio": medians["wotum"]["seconds"] / medians["bare"]["seconds"]}
    out = ROOT / "bench" / "results" / f"export_scale-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    print(f"xml writer: {writer}\n| export | median s | min–max s | peak MB (median) "
          "| of which before writing MB |\n|---|---|---|---|---|")
    for kind, results in runs.items():
        seconds = [r["seconds"] for r in results]
        base = statistics.median(r["baseline_mb"] for r in results)
        print(f"| {kind} | {medians[kind]['seconds']:.1f} | {min(seconds):.1f}–{max(seconds):.1f}"
              f" | {medians[kind]['peak_mb']:.0f} | {base:.0f} |")
    print(f"\nwotum / bare = {report['ratio']:.2f}×  (recorded in {out.name})")


if __name__ == "__main__":
    main()
