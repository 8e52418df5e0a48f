"""Results of a city-sized edition on PostgreSQL: Wotum's count against a bare GROUP BY.

Builds a throwaway database ``wotum_bench_results`` on 127.0.0.1 (dropped at the end):
one ballot box with 20 polls (18 districts, one of which each card picks, and two
city-wide pools), 10 projects each (200), 1,000,000 counted cards and about 2.2 M votes
(every card: one district project and one city-wide project; one card in five also the
second city-wide pool). Rows are generated inside PostgreSQL (INSERT … SELECT over
generate_series), then VACUUM ANALYZE.

Then, in the same run, three times each (medians reported):
- raw: ``SELECT option_id, count(*) FROM ballots_vote WHERE counts GROUP BY option_id``;
- scores: ``ballots.selectors.box_tallies`` alone (the one aggregate query of the app);
- results: ``ballots.results.box_results_compute`` end to end — the GROUP BY, the greedy
  count of every pool, 20 immutable snapshots with their audit rows.

    python bench/results_scale.py            # --ballots N, --runs N
    python bench/results_scale.py --keep     # keep the database; then --reuse --keep
"""
import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "wotum_bench_results"
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DISTRICTS, CITYWIDE, PER_POLL = 18, 2, 10


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def database_reset(drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        if not drop_only:
            connection.execute(f"CREATE DATABASE {DB}")


def django_setup() -> None:
    os.environ.update(DATABASE_URL=f"{SERVER}/{DB}", DJANGO_SETTINGS_MODULE="wotum.settings",
                      SECRET_KEY="bench-only-not-secret", DJANGO_DEBUG="0",
                      WOTUM_VAR_DIR="var/bench")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def load(ballots: int) -> int:
    """Create the box, its polls and options, and generate the cards and votes in SQL."""
    from django.db import connection

    from ballots.models import BallotBox, Option, Poll
    from organisations.models import Organisation

    organisation = Organisation.objects.create(name="Bench", slug="bench", kind="city")
    box = BallotBox.objects.create(organisation=organisation, title="Bench 1M")
    firsts = []
    for n in range(DISTRICTS + CITYWIDE):
        district = n < DISTRICTS
        poll = Poll.objects.create(organisation=organisation, box=box, title=f"Pool {n + 1}",
                                   choice_group="district" if district else "", max_choices=1,
                                   budget=3_000_000 if district else 20_000_000, position=n)
        options = Option.objects.bulk_create([
            Option(poll=poll, code=f"{n + 1:02d}/{k + 1:02d}", label=f"Project {n}-{k}",
                   cost=300_000 + 97_000 * k, position=k) for k in range(PER_POLL)])
        firsts.append((poll.pk, options[0].pk))
    # A closed vote (new rows start as drafts: the state machine insists).
    BallotBox.objects.filter(pk=box.pk).update(state="closed")
    Poll.objects.filter(box=box).update(state="closed")
    district_polls = [poll for poll, _ in firsts[:DISTRICTS]]
    district_options = [option for _, option in firsts[:DISTRICTS]]
    (city_poll, city_option), (green_poll, green_option) = firsts[DISTRICTS:]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute("""
            INSERT INTO ballots_ballot (id, box_id, channel, state, invalid_reason,
                pesel_digest, birth_date, sex, receipt_code, cast_at)
            SELECT g, %s, CASE WHEN g %% 7 = 0 THEN 'paper' ELSE 'email' END, 'counted', '',
                   '', date '1940-01-01' + (g %% 24000), CASE WHEN g %% 2 = 0 THEN 'F' ELSE 'M' END,
                   'B' || g, now()
            FROM generate_series(1, %s) AS g""", [box.pk, ballots])
        cursor.execute("SELECT setval(pg_get_serial_sequence('ballots_ballot', 'id'), %s)",
                       [ballots])
        log(f"  cards: {time.perf_counter() - started:.1f} s")
        # Skewed choices: floor(10 * random()^2) favours the first projects of a pool.
        cursor.execute("""
            INSERT INTO ballots_vote (poll_id, option_id, ballot_id, weight, counts, cast_at,
                                      receipt_code)
            SELECT (%s::bigint[])[1 + g %% %s], (%s::bigint[])[1 + g %% %s]
                   + floor(10 * random() ^ 2)::int, g, 1, true, now(), ''
            FROM generate_series(1, %s) AS g
            UNION ALL
            SELECT %s, %s + floor(10 * random() ^ 2)::int, g, 1, true, now(), ''
            FROM generate_series(1, %s) AS g
            UNION ALL
            SELECT %s, %s + floor(10 * random() ^ 2)::int, g, 1, true, now(), ''
            FROM generate_series(1, %s) AS g WHERE g %% 5 = 0""",
                       [district_polls, DISTRICTS, district_options, DISTRICTS, ballots,
                        city_poll, city_option, ballots, green_poll, green_option, ballots])
        log(f"  cards and votes: {time.perf_counter() - started:.1f} s")
        cursor.execute("SELECT count(*) FROM ballots_vote")
        votes = cursor.fetchone()[0]
    connection.close()
    import psycopg

    with psycopg.connect(f"{SERVER}/{DB}", autocommit=True) as raw:
        raw.execute("VACUUM ANALYZE")
    log(f"  loaded and analysed in {time.perf_counter() - started:.1f} s: {votes:,} votes")
    return box.pk


def timed(function, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def measure(box_id: int, runs: int) -> dict:
    from django.db import connection

    from ballots.models import BallotBox
    from ballots.results import box_results_compute
    from ballots.selectors import box_tallies

    box = BallotBox.objects.get(pk=box_id)

    def raw():
        with connection.cursor() as cursor:
            cursor.execute("SELECT option_id, count(*) FROM ballots_vote WHERE counts "
                           "GROUP BY option_id")
            cursor.fetchall()

    def results():
        snapshots = box_results_compute(box=box, rule="greedy")
        assert len(snapshots) == DISTRICTS + CITYWIDE

    raw()  # warm the cache once for both, so neither pays for the first read
    times = {}
    for _round in range(runs):  # interleaved, so that a busy moment hits both
        for name, function in (("raw", raw), ("scores", lambda: box_tallies(box)),
                               ("results", results)):
            times.setdefault(name, []).extend(timed(function, 1))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument("--json", help="also write the report to this file (bench/run.py)")
    parser.add_argument("--reuse", action="store_true",
                        help="measure a database kept by an earlier --keep run")
    args = parser.parse_args()
    if not args.reuse:
        log(f"database {DB}: creating and migrating")
        database_reset()
    try:
        django_setup()
        if args.reuse:
            from ballots.models import BallotBox

            box_id = BallotBox.objects.get(title="Bench 1M").pk
        else:
            box_id = load(args.ballots)
        times = measure(box_id, args.runs)
        from django.db import connection

        connection.close()
    finally:
        if not args.keep:
            database_reset(drop_only=True)
            log(f"database {DB} dropped")
    medians = {name: statistics.median(values) for name, values in times.items()}
    report = {"date": time.strftime("%Y-%m-%d %H:%M"), "nproc": os.cpu_count(),
              "load": os.getloadavg(), "ballots": args.ballots, "times": times,
              "medians": medians, "ratio": medians["results"] / medians["raw"]}
    out = ROOT / "bench" / "results" / f"results_scale-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    print("| measurement | median s | min–max s |\n|---|---|---|")
    for name, values in times.items():
        print(f"| {name} | {medians[name]:.3f} | {min(values):.3f}–{max(values):.3f} |")
    print(f"\nresults / raw GROUP BY = {report['ratio']:.2f}×  (recorded in {out.name})")


if __name__ == "__main__":
    main()
