"""Ballot throughput of issue 6: Wotum's real voting path against a minimal ORM view.

Starts everything on 127.0.0.1 (a dedicated PostgreSQL database, a dedicated Redis db,
gunicorn, a celery worker), loads it with wrk for a few seconds per step, checks the
voting rules in SQL after every step, stops everything and prints the table recorded in
bench/README.md. Needs PostgreSQL (127.0.0.1:5432, trust auth), Redis (127.0.0.1:6379)
and wrk (apt-get install -y wrk).

    .venv/bin/python bench/ballot_throughput.py --runs 3 --clients 8,16,32 --seconds 10
"""
import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402


def args_parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--runs", type=int, default=3, help="repetitions of the whole sequence (medians)")
    add("--clients", default="8,16,32", help="concurrent connections, comma-separated")
    add("--seconds", type=int, default=10, help="length of each load step (at most 15)")
    add("--get-seconds", type=int, default=5, help="length of the card-page GET step")
    add("--workers", type=int, default=4, help="gunicorn sync workers")
    add("--port", type=int, default=8765)
    add("--db-name", default="wotum_bench")
    add("--pg", default="postgres://postgres@127.0.0.1:5432", help="server, no database")
    add("--redis", default="redis://127.0.0.1:6379", help="server, no db number")
    add("--redis-db", type=int, default=9, help="a Redis db this bench may empty")
    add("--conn-max-age", type=int, default=600, help="DB_CONN_MAX_AGE for gunicorn")
    add("--emails", type=int, default=5000, help="messages the worker drains per run")
    add("--worker-concurrency", default="2",
        help="celery worker processes to measure, comma-separated")
    add("--worker-prefetch", default="1",
        help="celery --prefetch-multiplier values to measure, comma-separated (settings: 1)")
    add("--dup-share", type=float, default=0.02, help="cards repeating an earlier PESEL")
    add("--repeat-share", type=float, default=0.05, help="addresses asking for 4 links")
    add("--profile", action="store_true",
        help="record a py-spy profile of gunicorn during the first card POST step")
    add("--keep", action="store_true", help="keep the database (for inspection)")
    args = parser.parse_args(argv)
    args.clients = [int(c) for c in args.clients.split(",")]
    args.worker_prefetch = [int(p) for p in args.worker_prefetch.split(",")]
    args.worker_concurrency = [int(c) for c in args.worker_concurrency.split(",")]
    if not 1 <= args.seconds <= 15 or not 1 <= args.get_seconds <= 15:
        parser.error("load steps are kept short: 1–15 s")
    if any(not 1 <= c <= 256 for c in args.clients):
        parser.error("clients: 1–256")
    return args


def cell_run(bench, args, run: int, clients: int) -> dict:
    """One client count: trivial, minimal, link requests, card GET, card POST, checks."""
    seconds, tag = args.seconds, f"{run}-{clients}"
    result = {"run": run, "clients": clients, "load_before": os.getloadavg()[0]}
    # Each step from a settled database (harness.database_settle): no autovacuum due.
    harness.database_settle(args)
    result["trivial"] = bench.wrk("trivial", clients, seconds)
    result["minimal"] = bench.wrk("minimal", clients, seconds)
    ceiling = max(result["minimal"]["rps"], 200.0)
    result["link"] = bench.link_step(clients, seconds, int(ceiling * seconds * 1.5) + 200, tag)
    # Tokens for the POST step: 1.6 × the last POST rate (never more than the minimal view
    # could take); a step that runs out says so in the table's footnote.
    expected = min(ceiling * 1.2, max(bench.last_post_rps * 1.6, 100.0))
    wanted = int(expected * seconds) + 20 * clients
    result["topped_up"] = bench.pool.top_up(wanted, bench.base_url, tag)
    tokens = bench.pool.take(wanted)
    harness.database_settle(args)
    result["card_get"] = bench.card_get_step(tokens[:2000], clients, args.get_seconds)
    result["card_post"], result["invariants"] = bench.card_post_step(
        tokens, clients, seconds, tag, profile=args.profile and run == 1
        and clients == args.clients[-1])
    bench.last_post_rps = result["card_post"]["rps"]
    # The baseline again, after the steps it is compared with: this machine's speed drifts
    # by up to a third within minutes, and the mean of the two brackets the steps between.
    harness.database_settle(args)
    result["minimal_after"] = bench.wrk("minimal", clients, seconds)
    result["baseline_rps"] = (result["minimal"]["rps"] + result["minimal_after"]["rps"]) / 2
    for name in ("link", "card_post"):
        result[name]["ratio"] = result[name]["rps"] / result["baseline_rps"]
    harness.log(f"  c={clients}: trivial {result['trivial']['rps']:.0f}/s, minimal "
            f"{result['minimal']['rps']:.0f}/s then {result['minimal_after']['rps']:.0f}/s, "
            f"link {result['link']['rps']:.0f}/s, card GET "
            f"{result['card_get']['rps']:.0f}/s, card POST {result['card_post']['rps']:.0f}/s "
            f"(p99 {result['card_post']['p99_ms']:.1f} ms), violations "
            f"{harness.violations(result['invariants'])}")
    return result


def median_cell(values: list[float], fmt: str = "{:.0f}") -> str:
    if not values:
        return "–"
    return (f"{fmt.format(statistics.median(values))} "
            f"({fmt.format(min(values))}–{fmt.format(max(values))})")


def table_print(results: list[dict], emails: list[dict], runs: int) -> str:
    head = ("| clients | trivial req/s | minimal ORM view req/s (before and after, mean) | "
            "minimal p99 ms | "
            "Wotum card POST req/s | POST ÷ minimal | POST p50 ms | POST p99 ms | "
            "card GET req/s | GET p99 ms | link request req/s | link ÷ minimal | link p99 ms |")
    rows = [head, "|" + "---|" * 13]
    for clients in sorted({r["clients"] for r in results}):
        cell = [r for r in results if r["clients"] == clients]

        def pick(step, key, cell=cell):
            return [r[step][key] for r in cell]

        rows.append("| " + " | ".join([
            str(clients), median_cell(pick("trivial", "rps")),
            median_cell([r["baseline_rps"] for r in cell]),
            median_cell(pick("minimal", "p99_ms"), "{:.1f}"),
            median_cell(pick("card_post", "rps")), median_cell(pick("card_post", "ratio"),
                                                               "{:.2f}"),
            median_cell(pick("card_post", "p50_ms"), "{:.1f}"),
            median_cell(pick("card_post", "p99_ms"), "{:.1f}"),
            median_cell(pick("card_get", "rps")), median_cell(pick("card_get", "p99_ms"), "{:.1f}"),
            median_cell(pick("link", "rps")), median_cell(pick("link", "ratio"), "{:.2f}"),
            median_cell(pick("link", "p99_ms"), "{:.1f}")]) + " |")
    rows.append("")
    for concurrency, prefetch in sorted({(e["concurrency"], e["prefetch"]) for e in emails}):
        done = [e for e in emails
                if e["prefetch"] == prefetch and e["concurrency"] == concurrency]
        rates = [e["rate"] for e in done if e.get("rate") and e["sent"] == e["n"]]
        rows.append(f"E-mail delivery, celery worker with {done[0]['concurrency']} processes, "
                    f"prefetch multiplier {prefetch}, {done[0]['n']} messages per run: "
                    f"{median_cell(rates)} messages/s ({len(rates)} of {runs} runs complete)")
    text = "\n".join(rows)
    print(text)
    return text


def main(argv=None) -> int:
    args = args_parse(argv)
    harness.preflight(args)
    bench = harness.Bench(args)
    results, emails = [], []
    try:
        bench.setup()
        bench.warm_up()
        for run in range(1, args.runs + 1):
            harness.database_settle(args, checkpoint=True)
            harness.log(f"run {run}/{args.runs}: load average {os.getloadavg()}")
            for clients in args.clients:
                results.append(cell_run(bench, args, run, clients))
            variants = [(c, p) for c in args.worker_concurrency for p in args.worker_prefetch]
            for concurrency, prefetch in variants if args.emails else []:
                emails.append(bench.email_step(args.emails, concurrency, prefetch))
                emails[-1]["run"] = run
                harness.log(f"  e-mail: {emails[-1]}")
    finally:
        bench.teardown()
    table = table_print(results, emails, args.runs)
    bad = sum(harness.violations(r["invariants"]) for r in results)
    exhausted = sum(r[s]["exhausted"] for r in results for s in ("card_post", "link"))
    print(f"\nInvariant violations over all steps: {bad}; steps that ran out of prepared "
          f"requests: {exhausted}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"ballot_throughput-{time.strftime('%Y%m%d-%H%M%SZ', time.gmtime())}.json"
    path.write_text(json.dumps({"args": vars(args), "machine": harness.machine(),
                                "results": results, "emails": emails, "table": table},
                               indent=1, default=str))
    print(f"Raw results: {path.relative_to(ROOT)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
