"""Profile Wotum's voting path in one process: cProfile and SQL per request.

Same database, box and settings as ``ballot_throughput.py`` (a dedicated database that is
dropped at the end), but no gunicorn and no load: Django's test client sends ``--n``
link requests, card-page GETs and card POSTs, and the hottest functions and the queries
of one request of each kind are printed.

    .venv/bin/python bench/ballot_profile.py --n 300
"""
import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402


def _send(client, method: str, path: str, data):
    """As a browser (and wrk) sends a form: URL-encoded, not the test client's multipart."""
    if method != "post":
        return getattr(client, method)(path, data)
    from urllib.parse import urlencode

    return client.post(path, urlencode(data, doseq=True),
                       content_type="application/x-www-form-urlencoded")


def step_profile(name: str, requests: list, client, top: int, save: str = "") -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    method, path, data = requests[0]
    with CaptureQueriesContext(connection) as queries:
        response = _send(client, method, path, data)
    harness.log(f"\n=== {name}: one request, status {response.status_code}, "
                f"{len(queries)} queries")
    for query in queries:
        harness.log("   " + query["sql"][:150])
    half = (len(requests) + 1) // 2
    wall, cpu = time.perf_counter(), time.process_time()
    for method, path, data in requests[1:half]:
        _send(client, method, path, data)
    n = max(1, half - 1)
    wall, cpu = (time.perf_counter() - wall) / n, (time.process_time() - cpu) / n
    harness.log(f"{name}: without the profiler, {wall * 1000:.2f} ms wall, {cpu * 1000:.2f} ms "
                "CPU of this process per request (PostgreSQL's CPU not included)")
    profile = cProfile.Profile()
    profile.enable()
    for method, path, data in requests[half:]:
        _send(client, method, path, data)
    profile.disable()
    if save:
        profile.dump_stats(f"{save}-{name.replace(' ', '_')}.prof")
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    total = stats.total_tt
    out.write(f"{name} under cProfile: {len(requests) - half} requests, "
              f"{total / max(1, len(requests) - half) * 1000:.2f} ms per request\n")
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    harness.log(out.getvalue())


def email_profile(args) -> None:
    """The worker's task body, called directly: what one e-mail costs without celery."""
    from notifications.models import OutboundEmail
    from notifications.tasks import email_deliver

    ids = list(OutboundEmail.objects.filter(status="queued").values_list("pk", flat=True)
               [:args.n])
    wall, cpu = time.perf_counter(), time.process_time()
    for pk in ids[: len(ids) // 2]:
        email_deliver(pk)
    n = max(1, len(ids) // 2)
    harness.log(f"\n=== email_deliver body: {(time.perf_counter() - wall) / n * 1000:.2f} ms "
                f"wall, {(time.process_time() - cpu) / n * 1000:.2f} ms CPU per e-mail")
    profile = cProfile.Profile()
    profile.enable()
    for pk in ids[len(ids) // 2:]:
        email_deliver(pk)
    profile.disable()
    if args.save:
        profile.dump_stats(f"{args.save}-email_deliver.prof")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
    harness.log(out.getvalue())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="requests of each kind")
    parser.add_argument("--top", type=int, default=30, help="functions listed")
    parser.add_argument("--db-name", default="wotum_bench_profile")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-db", type=int, default=9)
    parser.add_argument("--conn-max-age", type=int, default=600)
    parser.add_argument("--save", default="", help="write pstats files with this prefix")
    args = parser.parse_args(argv)
    harness.preflight(args)
    harness.database_create(args)
    try:
        os.environ.update(harness.bench_env(args))
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        from bench import ballot_data as data

        call_command("migrate", verbosity=0)
        boxes = data.boxes_make()
        csrf = data.csrf_secret()
        client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
        client.cookies["csrftoken"] = csrf
        links, _ = data.link_lines(boxes.box, csrf, args.n, "profile", 0.0)
        pool = data.TokenPool(boxes.box)
        as_requests = [(line.split("\t")[0].lower(), line.split("\t")[1],
                        dict(pair.split("=", 1) for pair in line.split("\t")[2].split("&")))
                       for line in links]
        from urllib.parse import unquote_plus

        as_requests = [(m, p, {k: unquote_plus(v) for k, v in d.items()})
                       for m, p, d in as_requests]
        step_profile("link request POST", as_requests, client, args.top, args.save)
        pool.harvest()
        tokens = pool.take(args.n)
        step_profile("card GET", [("get", f"/vote/card/{t}/", {}) for t in tokens], client,
                     args.top, args.save)
        cards, _ = data.card_post_lines(boxes, tokens, csrf, data.PeselSource(), 0.0, "p")
        step_profile("card POST", [
            ("post", line.split("\t")[1],
             {k: unquote_plus(v) for k, v in
              (pair.split("=", 1) for pair in line.split("\t")[2].split("&"))})
            for line in cards], client, args.top, args.save)
        minimal = [("post", f"/bench/ballot/{boxes.baseline_quotas[i % 100]}/", {})
                   for i in range(args.n)]
        os.environ["BENCH_BASELINE_BOX"] = str(boxes.baseline_box.pk)
        from django.conf import settings

        settings.BENCH_BASELINE = {"box": boxes.baseline_box.pk,
                                   "options": boxes.baseline_options}
        client.defaults["HTTP_X_CSRFTOKEN"] = csrf
        step_profile("minimal ORM view", minimal, client, args.top, args.save)
        step_profile("trivial view", [("get", "/bench/trivial/", {})] * args.n, client,
                     args.top, args.save)
        email_profile(args)
    finally:
        from django.db import connections

        connections.close_all()
        harness.database_drop(args)
        import redis

        redis.Redis.from_url(f"{args.redis}/{args.redis_db}").flushdb()
    return 0


if __name__ == "__main__":
    sys.exit(main())
