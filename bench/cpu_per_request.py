"""CPU per request of the minimal view, the card POST and the link request, split by process.

One gunicorn (4 sync workers) on a dedicated database, as ``ballot_throughput.py`` starts it;
for each kind a load step of ``--seconds`` at ``--clients`` clients, and the CPU time of the
gunicorn workers and of PostgreSQL's backends for the bench database (``psutil``) divided
by the requests served. The card's tokens and lines are made before its step starts, so
only the step itself is counted. Where a ratio of figure 1 or 2 goes: the web process or
the database.

    .venv/bin/python bench/cpu_per_request.py --rounds 2
"""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402
from bench import run as bench_run  # noqa: E402


def args_parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--rounds", type=int, default=2)
    add("--clients", type=int, default=8)
    add("--seconds", type=int, default=5)
    add("--port", default="18900")
    add("--db-name", default="wotum_bench_cpu")
    add("--redis-db", default="10")
    own = parser.parse_args(argv)
    args = bench_run.args_parse(["--quick", "--port", own.port, "--db-name", own.db_name,
                                 "--redis-db", own.redis_db])
    return own, args


def cpu_seconds(pids: list[int]) -> float:
    import psutil

    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def main(argv=None) -> int:
    import psutil
    import psycopg

    own, args = args_parse(argv)
    harness.preflight(args)
    bench = harness.Bench(args)

    def database_pids() -> list[int]:
        with psycopg.connect(f"{args.pg}/postgres") as conn:
            return [row[0] for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", (args.db_name,))]

    def web_pids() -> list[int]:
        master = psutil.Process(bench.gunicorn.pid)
        return [master.pid, *(child.pid for child in master.children(recursive=True))]

    try:
        bench.setup()
        bench.wrk("minimal", own.clients, 2)
        bench.link_step(own.clients, 2, 1500, "warm")
        bench.pool.top_up(1200, bench.base_url, "warm")
        bench_run.post_step(bench, bench.base_url, bench.pool.take(600), own.clients, 2, "warm")
        n = int(1200 * own.seconds)
        print("| round | request | req/s | web CPU ms | database CPU ms |\n|---|---|---|---|---|")
        for round_no in range(1, own.rounds + 1):
            for kind in ("minimal", "card POST", "link request"):
                if kind == "card POST":
                    bench.pool.top_up(n, bench.base_url, f"cpu{round_no}")
                    lines, _ = bench.data.card_post_lines(bench.boxes, bench.pool.take(n),
                                                          bench.csrf, bench.pesels, 0.02,
                                                          f"cpu{round_no}")
                    bench.files["card_post"] = bench.data.lines_write(bench.tmp / "cards.txt",
                                                                      lines)
                elif kind == "link request":
                    lines, _ = bench.data.link_lines(bench.boxes.box, bench.csrf, n,
                                                     f"cpu{round_no}", 0.05)
                    bench.files["link"] = bench.data.lines_write(bench.tmp / "links.txt", lines)
                harness.database_settle(args)
                web, database = web_pids(), database_pids()
                web_before, database_before = cpu_seconds(web), cpu_seconds(database)
                name, mode = {"minimal": ("minimal", "cycle"), "card POST": ("card_post", "once"),
                              "link request": ("link", "once")}[kind]
                result = bench.wrk(name, own.clients, own.seconds, mode=mode)
                database = sorted(set(database) | set(database_pids()))
                served = max(result["requests"], 1)
                print(f"| {round_no} | {kind} | {result['rps']:.0f} | "
                      f"{1000 * (cpu_seconds(web) - web_before) / served:.2f} | "
                      f"{1000 * (cpu_seconds(database) - database_before) / served:.2f} |",
                      flush=True)
    finally:
        bench.teardown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
