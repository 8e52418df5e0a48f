"""`make bench`: every figure of issue 17, each a ratio to a baseline of the same run.

Starts what it needs on 127.0.0.1, on ports no dev server uses: two gunicorns (direct to
PostgreSQL, and through PgBouncer in transaction pooling mode), a celery worker with two
processes, PgBouncer itself (apt-get installs Debian's ``pgbouncer`` and ``wrk`` when
absent), and PostgreSQL and Redis only where none answers. Its own database
(``wotum_bench``, dropped at the end) and one Redis db (``--redis-db``, refused unless
empty). Writes ``bench/results.json`` (keys "1" … "8", each ``{"figure", "unit",
"baseline", "ratio", "goal", "met"}``), the raw numbers under ``bench/results/``, and the
table between the markers in ``bench/README.md``.

    .venv/bin/python bench/run.py            # full: 3 runs, ≤ 25 min on 2 cores
    .venv/bin/python bench/run.py --quick    # each figure once, shorter
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

log = harness.log
RESULTS = ROOT / "bench" / "results.json"
README = ROOT / "bench" / "README.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
# The last pabutools time measured here (bench/README.md), for machines without it.
PABUTOOLS_ADD1_RECORDED = 40.527
# Figure 6's gunicorn: 4 gthread workers of this many threads (see gunicorn_extra).
LIVE_THREADS = 8


def args_parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--quick", action="store_true", help="each figure once, shorter (a few minutes)")
    add("--runs", type=int, help="repetitions (default 3; 1 with --quick)")
    add("--figures", default="1,2,3,4,5,6,7,8", help="which figures (comma-separated)")
    add("--pg", default="postgres://postgres@127.0.0.1:5432", help="server, no database")
    add("--redis", default="redis://127.0.0.1:6379", help="server, no db number")
    add("--redis-db", type=int, default=int(os.environ.get("BENCH_REDIS_DB", "9")))
    add("--port", type=int, default=18765, help="gunicorn direct; +1 PgBouncer, +2 SQLite")
    add("--pgbouncer-port", type=int, default=16432)
    add("--db-name", default="wotum_bench")
    add("--no-readme", action="store_true", help="do not touch bench/README.md")
    add("--sqlite-child", help=argparse.SUPPRESS)  # figure 8's embedded default, a subprocess
    args = parser.parse_args(argv)
    args.figures = {int(f) for f in args.figures.split(",")}
    args.runs = args.runs or (1 if args.quick else 3)
    args.clients = [8, 16, 32]
    args.seconds = 3 if args.quick else 7
    # What harness.Bench reads from ballot_throughput's arguments.
    args.workers, args.conn_max_age, args.keep = 4, 600, False
    args.dup_share, args.repeat_share = 0.02, 0.05
    args.emails = 1000 if args.quick else 3000
    return args


# -- services -----------------------------------------------------------------------------

def apt_install(*packages: str) -> None:
    if os.geteuid() != 0:
        harness.fail(f"{' '.join(packages)} missing; install: apt-get install -y "
                     f"{' '.join(packages)}")
    log(f"apt-get install {' '.join(packages)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "-qq", *packages], env=env,
                      capture_output=True).returncode:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *packages], env=env, check=True,
                       capture_output=True)


def services_ensure(args) -> None:
    """wrk and pgbouncer installed; PostgreSQL and Redis running (started only if absent)."""
    missing = [p for p, tool in (("wrk", "wrk"), ("pgbouncer", "pgbouncer"))
               if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists()]
    if missing:
        apt_install(*missing)
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode:
        if not shutil.which("pg_ctlcluster"):
            apt_install("postgresql")
        cluster = sorted(os.listdir("/etc/postgresql"))[-1]
        log(f"starting PostgreSQL {cluster}")
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "start"],
                       check=True)
        for _ in range(30):
            if not subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode:
                break
            time.sleep(1)
    if subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True).returncode:
        if not shutil.which("redis-server"):
            apt_install("redis-server")
        log("starting Redis")
        subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port",
                        "6379", "--save", "", "--appendonly", "no"], check=True)
        time.sleep(1)


def pgbouncer_start(args, tmp: Path) -> subprocess.Popen:
    """PgBouncer in transaction pooling mode in front of the bench database."""
    from urllib.parse import urlsplit

    server = urlsplit(args.pg)
    folder = tmp / "pgbouncer"
    folder.mkdir()
    password = f" password={server.password}" if server.password else ""
    (folder / "userlist.txt").write_text(f'"{server.username}" "{server.password or ""}"\n')
    (folder / "pgbouncer.ini").write_text(f"""[databases]
{args.db_name} = host={server.hostname} port={server.port or 5432} dbname={args.db_name} \
user={server.username}{password}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {args.pgbouncer_port}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/userlist.txt
pool_mode = transaction
max_client_conn = 200
default_pool_size = 8
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = {folder}/pgbouncer.log
""")
    os.chmod(tmp, 0o755)  # noqa: S103 - PgBouncer runs as postgres and reads its files
    for path in (folder, *folder.iterdir()):
        shutil.chown(path, "postgres") if os.geteuid() == 0 else None
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    # PgBouncer refuses to run as root.
    user = ["-u", "postgres"] if os.geteuid() == 0 else []
    cmd = [binary, *user, str(folder / "pgbouncer.ini")]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    import psycopg

    for _ in range(50):
        try:
            psycopg.connect(f"postgres://{server.username}@127.0.0.1:{args.pgbouncer_port}/"
                            f"{args.db_name}", connect_timeout=2).close()
            log(f"pgbouncer: transaction pooling on 127.0.0.1:{args.pgbouncer_port}")
            return proc
        except psycopg.OperationalError:
            time.sleep(0.2)
    harness.fail(f"pgbouncer did not start: {(folder / 'pgbouncer.log').read_text()[-800:]}")


def gunicorn_extra(bench, port: int, env: dict, name: str,
                   threads: int = 0) -> subprocess.Popen:
    """Another gunicorn: 4 sync workers, or with ``threads`` 4 gthread workers of that many
    threads keeping connections alive (figure 6: a browser polling every second keeps its
    connection, and 500 of them must not wait behind 4 single-request workers)."""
    worker = (["--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "5"]
              if threads else ["--worker-class", "sync"])
    cmd = [str(harness.BIN / "gunicorn"), "wotum.wsgi:application", "--bind",
           f"127.0.0.1:{port}", "--workers", "4", *worker, "--backlog", "2048",
           "--timeout", "60", "--log-level", "warning", "--error-logfile",
           str(bench.tmp / f"gunicorn-{name}.log")]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    harness.url_wait(f"http://127.0.0.1:{port}/healthz")
    kind = f"gthread workers × {threads} threads" if threads else "sync workers"
    log(f"gunicorn ({name}): 4 {kind} on 127.0.0.1:{port}")
    return proc


# -- figures 1, 2, 8: HTTP cells ----------------------------------------------------------

def post_step(bench, url: str, tokens: list[str], clients: int, seconds: int, tag: str):
    saved, bench.base_url = bench.base_url, url
    try:
        result, invariants = bench.card_post_step(tokens, clients, seconds, tag)
    finally:
        bench.base_url = saved
    # wrk stops a client when the lines run out: a rate from a dry step is not a figure.
    result["ran_dry"] = result["tokens_returned"] < clients
    if result["ran_dry"]:
        log(f"  {tag}: all {len(tokens)} tokens used before the step's end")
    return result, invariants


def cell_run(bench, args, pgb_url: str, run: int, clients: int) -> dict:
    seconds, tag = args.seconds, f"{run}-{clients}"
    out = {"run": run, "clients": clients, "load_before": os.getloadavg()[0]}
    # The tokens first (thousands of links issued in-process), then each measured step
    # from a settled database: autovacuum, due after the inserts of the step before, would
    # otherwise take the CPU in the middle of whichever step comes next.
    # Enough tokens that a step never runs dry (a dry step measures the token count, not
    # the server: the first rounds once ran at exactly 860 tokens ÷ 7 s); what a step does
    # not use goes back to the pool for the next.
    ceiling = max(bench.last_minimal_rps, bench.last_post_rps, 200.0)
    wanted = int(ceiling * 1.5 * seconds) + 20 * clients
    bench.pool.top_up(2 * wanted, bench.base_url, tag)
    direct_tokens, pgb_tokens = bench.pool.take(wanted), bench.pool.take(wanted)
    harness.database_settle(args)
    out["minimal"] = bench.wrk("minimal", clients, seconds)
    bench.last_minimal_rps = out["minimal"]["rps"]
    order = [("direct", bench.base_url, direct_tokens), ("pgbouncer", pgb_url, pgb_tokens)]
    for name, url, tokens in order if run % 2 else order[::-1]:  # alternate who goes first
        if url is None:
            continue
        harness.database_settle(args)
        out[name], out[f"{name}_invariants"] = post_step(bench, url, tokens, clients, seconds,
                                                         f"{tag}-{name}")
    harness.database_settle(args)
    ceiling = max(out["minimal"]["rps"], 200.0)
    out["link"] = bench.link_step(clients, seconds, int(ceiling * seconds * 1.5) + 200, tag)
    # The baseline again after the steps compared with it, as ballot_throughput.py measures:
    # this machine's speed drifts by up to a third within minutes; the mean brackets them.
    harness.database_settle(args)
    after = bench.wrk("minimal", clients, seconds)
    out["minimal_before"], out["minimal_after"] = out["minimal"], after
    out["minimal"] = {**out["minimal"], "rps": (out["minimal"]["rps"] + after["rps"]) / 2}
    bench.last_post_rps = out["direct"]["rps"]
    log(f"  c={clients}: minimal {out['minimal']['rps']:.0f}/s (p99 "
        f"{out['minimal']['p99_ms']:.0f} ms), link {out['link']['rps']:.0f}/s, card POST "
        f"{out['direct']['rps']:.0f}/s (p99 {out['direct']['p99_ms']:.0f} ms)"
        + (f", via PgBouncer {out['pgbouncer']['rps']:.0f}/s" if "pgbouncer" in out else "")
        + f", violations {violations(out)}")
    return out


def violations(cell: dict) -> int:
    return sum(harness.violations(v) for k, v in cell.items() if k.endswith("_invariants"))


def email_backlog_trim(n: int) -> None:
    """Keep the worker's step bounded: the load steps queue tens of thousands of links and
    receipts; all but the newest ``n`` are set aside (marked failed, in this throwaway
    database) so that each run drains the same number."""
    from notifications.models import OutboundEmail

    queued = list(OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED)
                  .order_by("-pk").values_list("pk", flat=True)[n:])
    for i in range(0, len(queued), 5000):
        OutboundEmail.objects.filter(pk__in=queued[i:i + 5000]).update(
            status=OutboundEmail.Status.FAILED)


# -- figure 8: the embedded default (SQLite) -----------------------------------------------

def sqlite_child(args) -> int:
    """Card POSTs against gunicorn on the demo's SQLite file; the rules checked after."""
    tmp = Path(tempfile.mkdtemp(prefix="wotum-bench-sqlite-"))
    os.environ.update(harness.bench_env(args))
    os.environ.update(DATABASE_URL=f"sqlite:///{tmp}/wotum.sqlite3", CACHE_URL="",
                      CELERY_BROKER_URL="", WOTUM_VAR_DIR=str(tmp / "var"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from bench import ballot_data as data

    bench = harness.Bench(args)
    bench.data, bench.boxes, bench.files = data, data.boxes_make(baseline_quotas=10), {}
    bench.csrf, bench.pesels = data.csrf_secret(), data.PeselSource()
    bench.pool = data.TokenPool(bench.boxes.box)
    bench.env = {**os.environ}
    bench.base_url = f"http://127.0.0.1:{args.port + 2}"
    args.port += 2
    results = []
    try:
        bench.gunicorn_start()
        bench.pool.top_up(300, bench.base_url, "warm")
        bench.card_post_step(bench.pool.take(300), 8, 1, "warm")
        for run in range(args.runs):
            bench.pool.top_up(int(150 * args.seconds), bench.base_url, f"s{run}")
            result, invariants = bench.card_post_step(bench.pool.take(int(150 * args.seconds)),
                                                      8, args.seconds, f"s{run}")
            results.append({"rps": result["rps"], "p99_ms": result["p99_ms"],
                            "statuses": result["statuses"], "invariants": invariants,
                            "violations": harness.violations(invariants)})
            log(f"  SQLite: {result['rps']:.0f} card POST/s at 8 clients, violations "
                f"{results[-1]['violations']}")
    finally:
        if bench.gunicorn is not None:
            harness.process_stop(bench.gunicorn)
        shutil.rmtree(tmp, ignore_errors=True)
    Path(args.sqlite_child).write_text(json.dumps(results, default=str))
    return 0


# -- figures 4, 5, 7: the existing scripts, each in its own process -------------------------

def script(name: str, *extra: str, timeout: int) -> dict:
    out = Path(tempfile.mkstemp(prefix=f"bench-{name}-", suffix=".json")[1])
    cmd = [sys.executable, str(ROOT / "bench" / f"{name}.py"), *extra, "--json", str(out)]
    log(f"{name}: {' '.join(extra)}")
    started = time.monotonic()
    done = subprocess.run(cmd, cwd=ROOT, timeout=timeout, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode:
        # The script's last words say why (a missing file, a setting), not just its exit code.
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        sys.stderr.write(done.stderr)
        raise subprocess.SubprocessError(f"{name}.py exited with {done.returncode}: {tail}")
    data = json.loads(out.read_text())
    out.unlink()
    log(f"{name}: {time.monotonic() - started:.0f} s")
    return data


def pabutools_installed() -> bool:
    try:
        import pabutools  # noqa: F401
    except ImportError:
        return False
    return True


def figure_4(args, results: dict, notes: list[str]) -> dict:
    n = "100000" if args.quick else "1000000"
    data = script("results_scale", "--ballots", n, "--runs", str(args.runs), timeout=600)
    t = data["times"]
    med = statistics.median
    results["4"] = entry(med(t["results"]), "s", med(t["raw"]), data["ratio"],
                         "≤ 1.5 × the raw GROUP BY, under 2 s end to end",
                         data["ratio"] <= 1.5 and med(t["results"]) < 2)
    notes.append(f"4: {int(n):,} cards; results end to end {spread(t['results'])} s, "
                 f"raw GROUP BY {spread(t['raw'])} s, the app's query {spread(t['scores'])} s.")
    return data


def figure_5(args, results: dict, notes: list[str]) -> dict:
    n = "100000" if args.quick else "1000000"
    # Wotum's and bare openpyxl's runs side by side, one core each: both are one
    # single-threaded process writing generated rows (no database), and the whole run
    # keeps within its 25 minutes (three pairs one after the other took 10 of them).
    data = script("export_scale", "--rows", n, "--runs", str(args.runs), "--side-by-side",
                  timeout=900)
    m = data["medians"]
    peak = max(r["peak_mb"] for r in data["runs"]["wotum"])
    results["5"] = entry(m["wotum"]["seconds"], "s", m["bare"]["seconds"], data["ratio"],
                         "≤ 1.2 × bare openpyxl write-only; peak memory < 100 MB",
                         data["ratio"] <= 1.2 and peak < 100)
    before = statistics.median(r["baseline_mb"] for r in data["runs"]["wotum"])
    notes.append(f"5: {int(n):,} rows, XML by {data['xml_writer']}; Wotum "
                 f"{spread([r['seconds'] for r in data['runs']['wotum']], '{:.1f}')} s, peak "
                 f"{peak:.0f} MB (median {m['wotum'].get('peak_mb', 0):.0f}, before the first "
                 f"row {before:.0f}); bare "
                 f"{spread([r['seconds'] for r in data['runs']['bare']], '{:.1f}')} s; each "
                 "pair side by side, one process a core.")
    return data


def figure_7(args, results: dict, notes: list[str]) -> dict:
    # pabutools is the baseline: one run of it (47 s here, ±4 % from run to run) and
    # args.runs of Wotum; the script's first run times both, the rest Wotum only.
    reference = pabutools_installed() and not args.quick
    data = script("counting_equal_shares", "--runs", "1",
                  *([] if reference else ["--no-reference"]), timeout=900)
    add1 = data["equal-shares-add1"]
    if args.runs > 1:
        more = script("counting_equal_shares", "--runs", str(args.runs - 1), "--no-reference",
                      timeout=900)
        add1["wotum"] = add1["wotum"] + more["equal-shares-add1"]["wotum"]
    ours = statistics.median(add1["wotum"])
    theirs = (statistics.median(add1["pabutools"]) if "pabutools" in add1
              else PABUTOOLS_ADD1_RECORDED)
    same = add1.get("same", True)
    results["7"] = entry(ours, "s", theirs, theirs / ours,
                         "pabutools ÷ Wotum ≥ 40 (ratio is the speed-up), same winners",
                         theirs / ours >= 40 and same)
    why = "QUICK" if args.quick else "not installed"
    notes.append(f"7: Wotum {spread(add1['wotum'], '{:.3f}')} s; " + (
        f"pabutools 1.2.3 in the same run (once), {spread(add1['pabutools'], '{:.1f}')} s; "
        f"same winners: {'yes' if same else 'NO'}." if "pabutools" in add1 else
        f"pabutools not run ({why}): against the last recorded pabutools time, "
        f"{PABUTOOLS_ADD1_RECORDED} s (2026-11-22, bench/README.md)."))
    return data


# -- results.json and the README -----------------------------------------------------------

def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    if not values:
        return "–"
    return (f"{fmt.format(statistics.median(values))} "
            f"({fmt.format(min(values))}–{fmt.format(max(values))})")


def entry(figure, unit, baseline, ratio, goal, met) -> dict:
    def rounded(x):
        return None if x is None else round(x, 3)

    return {"figure": rounded(figure), "unit": unit, "baseline": rounded(baseline),
            "ratio": rounded(ratio), "goal": goal, "met": bool(met)}


def figures_http(cells: list[dict]) -> tuple[dict, list[str]]:
    """Figures 1, 2 and the PgBouncer half of 8 from the cells; and their README rows."""
    out, rows = {}, []
    med = statistics.median
    by = {c: [x for x in cells if x["clients"] == c] for c in sorted({x["clients"] for x in cells})}

    def per_client(step, base="minimal", key="rps"):
        return {c: [x[step][key] / x[base][key] for x in xs if step in x and base in x]
                for c, xs in by.items()}

    bad = sum(violations(x) for x in cells)
    post, p99 = per_client("direct"), per_client("direct", key="p99_ms")
    worst = min(by, key=lambda c: med(post[c]))
    p99_worst = max(med(p99[c]) for c in by)
    out["1"] = entry(med([x["direct"]["rps"] for x in by[worst]]), "card POST/s",
                     med([x["minimal"]["rps"] for x in by[worst]]), med(post[worst]),
                     "≥ 0.85 × the minimal ORM view at 8, 16 and 32 clients (lowest shown); "
                     "p99 ≤ 1.25 × its p99; 0 invariant violations",
                     med(post[worst]) >= 0.85 and p99_worst <= 1.25 and bad == 0)
    link = per_client("link")
    worst_l = min(by, key=lambda c: med(link[c]))
    out["2"] = entry(med([x["link"]["rps"] for x in by[worst_l]]), "link requests/s",
                     med([x["minimal"]["rps"] for x in by[worst_l]]), med(link[worst_l]),
                     "≥ 0.85 × the minimal ORM view at 8, 16 and 32 clients (lowest shown)",
                     med(link[worst_l]) >= 0.85)
    pgb = per_client("pgbouncer", base="direct")
    for c, xs in by.items():
        def raw(step, key="rps", xs=xs):
            return spread([x[step][key] for x in xs if step in x], "{:.0f}")

        rows.append(f"| {c} | {raw('minimal')} | {raw('minimal', 'p99_ms')} | {raw('direct')} | "
                    f"{spread(post[c])} | {raw('direct', 'p99_ms')} | {spread(p99[c])} | "
                    f"{raw('link')} | {spread(link[c])} | {raw('pgbouncer')} | "
                    f"{spread(pgb[c])} |")
    if any(pgb.values()):
        worst_p = min(by, key=lambda c: med(pgb[c]))
        out["8"] = {"pgb": (med([x["pgbouncer"]["rps"] for x in by[worst_p]]),
                            med([x["direct"]["rps"] for x in by[worst_p]]), med(pgb[worst_p]))}
    out["violations"] = bad
    return out, rows


def readme_update(results: dict, notes: list[str], machine: dict, args, rows: list[str]) -> None:
    lines = [BEGIN, "",
             f"Last `make bench{' QUICK=1' if args.quick else ''}`: {machine['date']}; "
             f"`nproc` {machine['nproc']}, `lscpu` model name \"{machine['cpu']}\", "
             f"{machine['memory'].split(':')[-1].strip()} RAM, Python {machine['python']}; "
             f"load average {machine['load'][0]:.1f} at the start, {os.getloadavg()[0]:.1f} at "
             f"the end (the bench's own servers and clients share the cores). {args.runs} run(s); "
             "medians, min–max in brackets where a figure was measured more than once. Raw "
             "numbers: `bench/results/`.", "",
             "| # | figure | Wotum | unit | baseline (same run) | ratio | goal | met |",
             "|---|---|---|---|---|---|---|---|"]
    names = {"1": "card POST, gunicorn + PostgreSQL", "2": "link requests",
             "3": "e-mails, one worker, 2 processes", "4": "results of 1,000,000 cards",
             "5": "xlsx export of 1,000,000 rows", "6": "live screens (500) of a vote",
             "7": "MES + Add1, Warsaw Żoliborz", "8": "card POST through PgBouncer"}
    for key in sorted(results, key=int):
        r = results[key]
        lines.append(f"| {key} | {names[key]} | {r['figure']} | {r['unit']} | {r['baseline']} | "
                     f"{r['ratio']} | {r['goal']} | {'yes' if r['met'] else '**no**'} |")
    lines += ["", *[f"- {n}" for n in notes]]
    if rows:
        lines += ["", "Per client count (figures 1, 2, 8):", "",
                  "| clients | minimal view req/s | minimal p99 ms | card POST req/s | "
                  "POST ÷ minimal | POST p99 ms | p99 ÷ minimal's | link req/s | link ÷ minimal "
                  "| POST via PgBouncer req/s | PgBouncer ÷ direct |",
                  "|---|---|---|---|---|---|---|---|---|---|---|", *rows]
    lines += ["", END]
    text = README.read_text()
    block = "\n".join(lines)
    if BEGIN in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        title, rest = text.split("\n", 1)
        text = f"{title}\n\n{block}\n{rest}"
    README.write_text(text)


# -- the run -------------------------------------------------------------------------------

def main(argv=None) -> int:
    args = args_parse(argv)
    if args.sqlite_child:
        return sqlite_child(args)
    started = time.monotonic()
    services_ensure(args)
    harness.preflight(args)
    machine = harness.machine()
    raw = {"args": {k: (sorted(v) if isinstance(v, set) else v) for k, v in vars(args).items()},
           "machine": machine}
    results, notes, rows = {}, [], []
    # The scripts first: short, and a failure of one is noted, not fatal.
    for figure, function in ((7, figure_7), (4, figure_4), (5, figure_5)):
        if figure in args.figures:
            try:
                raw[str(figure)] = function(args, results, notes)
            except (subprocess.SubprocessError, OSError, KeyError, ValueError) as error:
                notes.append(f"{figure}: not measured, the script failed: {error!r}")
    if args.figures & {1, 2, 3, 6, 8}:
        raw.update(http_figures(args, results, notes))
        rows = raw.pop("rows")
    if not all(str(f) in results for f in args.figures):
        missing = [f for f in args.figures if str(f) not in results]
        notes.append(f"not measured in this run: figures {missing}")
    elapsed = time.monotonic() - started
    notes.append(f"whole run: {elapsed / 60:.1f} min.")
    RESULTS.write_text(json.dumps({k: results[k] for k in sorted(results, key=int)}, indent=2,
                                  ensure_ascii=False) + "\n")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%SZ", time.gmtime())
    (out / f"run-{stamp}.json").write_text(json.dumps({**raw, "results": results,
                                                       "notes": notes}, indent=1, default=str))
    if not args.no_readme:
        readme_update(results, notes, machine, args, rows)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    log(f"bench: {elapsed / 60:.1f} min; bench/results.json written")
    return 0


def http_figures(args, results: dict, notes: list[str]) -> dict:
    """Figures 1, 2, 3, 6 and 8 share one database and the servers started here."""
    from bench import live_screens

    bench = harness.Bench(args)
    bench.base_url = f"http://127.0.0.1:{args.port}"
    pgbouncer = pgb_gunicorn = live_gunicorn = None
    cells, emails, live, sqlite = [], [], [], []
    try:
        bench.setup()
        if 8 in args.figures:
            pgbouncer = pgbouncer_start(args, bench.tmp)
            env = {**bench.env, "DB_PGBOUNCER": "1",
                   "DATABASE_URL": f"postgres://postgres@127.0.0.1:{args.pgbouncer_port}/"
                                   f"{args.db_name}"}
            pgb_gunicorn = gunicorn_extra(bench, args.port + 1, env, "pgbouncer")
        pgb_url = f"http://127.0.0.1:{args.port + 1}" if pgb_gunicorn else None
        bench.last_minimal_rps = bench.wrk("minimal", 8, 2)["rps"]
        bench.link_step(8, 2, 1500, "warm")
        bench.pool.top_up(1200, bench.base_url, "warm")
        bench.last_post_rps = post_step(bench, bench.base_url, bench.pool.take(600), 8, 2,
                                        "warm-d")[0]["rps"]
        if pgb_url:
            post_step(bench, pgb_url, bench.pool.take(600), 8, 2, "warm-p")
        targets = live_screens.targets_make(bench.csrf, args.runs) if 6 in args.figures else []
        if targets:
            live_gunicorn = gunicorn_extra(bench, args.port + 3, bench.env, "live",
                                           threads=LIVE_THREADS)
        for run in range(1, args.runs + 1):
            harness.database_settle(args, checkpoint=True)
            log(f"run {run}/{args.runs}: load average {os.getloadavg()}")
            if args.figures & {1, 2, 8}:
                for clients in args.clients:
                    cells.append(cell_run(bench, args, pgb_url, run, clients))
            if 3 in args.figures:
                email_backlog_trim(args.emails)
                emails.append(bench.email_step(args.emails, 2, 1))
                log(f"  e-mail: {emails[-1]}")
            if targets:
                live.append(live_screens.live_round(f"http://127.0.0.1:{args.port + 3}",
                                                    live_gunicorn.pid, targets, run - 1,
                                                    5 if args.quick else 10))
    finally:
        for proc in (live_gunicorn, pgb_gunicorn, pgbouncer):
            if proc is not None:
                harness.process_stop(proc)
        bench.teardown()
    if 8 in args.figures:
        out = Path(tempfile.mkstemp(prefix="bench-sqlite-", suffix=".json")[1])
        child = [sys.executable, __file__, "--sqlite-child", str(out), "--runs", str(args.runs),
                 "--port", str(args.port), "--redis-db", str(args.redis_db),
                 *(["--quick"] if args.quick else [])]
        if subprocess.run(child, cwd=ROOT, timeout=600).returncode == 0:
            sqlite = json.loads(out.read_text())
        else:
            notes.append("8: the SQLite step failed (see the log); not recorded.")
        out.unlink()
    rows = []
    if cells:
        http, rows = figures_http(cells)
        for key in ("1", "2"):
            if int(key) in args.figures:
                results[key] = http[key]
        if "8" in http and 8 in args.figures:
            pgb, direct, ratio = http["8"]["pgb"]
            sqlite_ok = bool(sqlite) and all(s["violations"] == 0 for s in sqlite)
            results["8"] = entry(pgb, "card POST/s", direct, ratio,
                                 "≥ 0.9 × direct at 8, 16 and 32 clients (lowest shown); "
                                 "SQLite recorded with 0 violations", ratio >= 0.9 and sqlite_ok)
            notes.append(f"8: the embedded default (SQLite, gunicorn 4 workers, 8 clients): "
                         f"{spread([s['rps'] for s in sqlite], '{:.0f}')} card POST/s, p99 "
                         f"{spread([s['p99_ms'] for s in sqlite], '{:.0f}')} ms, invariant "
                         f"violations {sum(s['violations'] for s in sqlite)}.")
        dry = sum(1 for x in cells for k in ("direct", "pgbouncer") if x.get(k, {}).get("ran_dry"))
        notes.append(f"1, 2, 8: invariant violations over all steps: {http['violations']}; "
                     f"{args.seconds} s per step; card steps that ran out of tokens: {dry}.")
    if emails:
        rates = [e["rate"] for e in emails if e.get("rate")]
        figure = statistics.median(rates) if rates else 0.0
        results["3"] = entry(figure, "e-mails/s", 1000, figure / 1000,
                             "≥ 1,000 messages/s (the baseline is the goal itself)",
                             figure >= 1000 and all(e["sent"] == e["n"] for e in emails))
        notes.append(f"3: {spread(rates, '{:.0f}')} messages/s; "
                     f"{', '.join(str(e['n']) for e in emails)} messages per run, all sent: "
                     f"{all(e['sent'] == e['n'] for e in emails)}.")
    if live:
        cpu = [max(r["meeting"]["quiet"]["cpu_pct"], r["council"]["quiet"]["cpu_pct"])
               for r in live]
        base = [r["baseline"]["cpu_pct"] for r in live]
        seen = [r[k][c]["all_seen_s"] for r in live for k in ("meeting", "council")
                for c in ("opened", "closed")]
        results["6"] = entry(statistics.median(cpu), "% of one core", statistics.median(base),
                             statistics.median(cpu) / statistics.median(base),
                             "< 25 % of one core for 500 screens polling an unchanged state "
                             "(baseline: the same screens polling the trivial view); every "
                             "change on all 500 within 2 s; 200 votes in 10 s confirmed, one "
                             "live vote each", all(live_screens.live_met(r) for r in live))
        for kind in ("meeting", "council"):
            rs = [r[kind] for r in live]
            notes.append(
                f"6, {kind}: web CPU {spread([r['quiet']['cpu_pct'] for r in rs], '{:.0f}')} % "
                f"at {spread([r['quiet']['requests_per_s'] for r in rs], '{:.0f}')} polls/s; "
                f"a change on all 500 screens after "
                f"{spread([r[c]['all_seen_s'] or 99 for r in rs for c in ('opened', 'closed')])}"
                f" s; votes confirmed {[r['votes']['confirmed'] for r in rs]} of "
                f"{live_screens.VOTERS}, voters without exactly one live vote "
                f"{[r['voters_without_exactly_one'] for r in rs]}.")
        notes.append(f"6: all changes seen: {all(s is not None for s in seen)}; the trivial "
                     f"view polled the same way costs {spread(base, '{:.0f}')} % of a core.")
    return {"cells": cells, "emails": emails, "live": live, "sqlite": sqlite, "rows": rows}


if __name__ == "__main__":
    sys.exit(main())
