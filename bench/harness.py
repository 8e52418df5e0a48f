"""Processes and load steps for ``ballot_throughput.py``: database, gunicorn, wrk, celery.

Everything listens on 127.0.0.1 only; every process started here is stopped here, by
its own process group id.
"""
import contextlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = ROOT / "bench" / "wrk" / "requests.lua"
QUEUE = "wotum-bench"


_STARTED = time.monotonic()


def log(message: str) -> None:
    elapsed = time.monotonic() - _STARTED
    print(f"[{int(elapsed // 60):3d}:{int(elapsed % 60):02d}] {message}", file=sys.stderr,
          flush=True)


def fail(message: str) -> None:
    log(f"ballot_throughput: {message}")
    sys.exit(2)


def violations(invariants: dict) -> int:
    return sum(v for k, v in invariants.items() if k.endswith("_violations"))


def machine() -> dict:
    model = ""
    if shutil.which("lscpu"):
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next((line.split(":", 1)[1].strip() for line in out.splitlines()
                      if line.startswith("Model name")), "")
    mem = Path("/proc/meminfo").read_text().split("\n")[0] if Path("/proc/meminfo").exists() else ""
    return {"nproc": os.cpu_count(), "cpu": model, "memory": mem,
            "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "load": os.getloadavg()}


def preflight(args) -> None:
    """Refuse clearly when a tool or a service is missing; never touch a busy Redis db."""
    import psycopg
    import redis

    if not shutil.which("wrk"):
        fail("wrk is not installed. On Debian/Ubuntu: apt-get install -y wrk")
    for tool in ("gunicorn", "celery"):
        if not (BIN / tool).exists():
            fail(f"{tool} not found next to {sys.executable}; run: pip install -e .")
    try:
        psycopg.connect(f"{args.pg}/postgres", connect_timeout=3).close()
    except psycopg.OperationalError as error:
        fail(f"PostgreSQL is not reachable at {args.pg} ({error}). Start it, e.g. "
             "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start")
    try:
        keys = redis.Redis.from_url(f"{args.redis}/{args.redis_db}",
                                    socket_connect_timeout=3).dbsize()
    except redis.RedisError as error:
        fail(f"Redis is not reachable at {args.redis} ({error}). Start it, e.g. redis-server "
             "--daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no")
    if keys:
        fail(f"Redis db {args.redis_db} holds {keys} keys; choose an empty one (--redis-db)")
    for url in (args.pg, args.redis):
        if "127.0.0.1" not in url and "localhost" not in url:
            fail(f"{url}: this bench only talks to 127.0.0.1")


def database_create(args) -> None:
    import psycopg

    with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.db_name}"')


def database_drop(args) -> None:
    import psycopg

    with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')


def database_settle(args, checkpoint: bool = False) -> None:
    """Start a measured step from a settled database: statistics fresh and dead rows gone,
    so that no autovacuum, due after the inserts of the step before, takes the CPU in the
    middle of this one; with ``checkpoint`` (each round) also a checkpoint behind us (after
    one, each page's first change writes a full page image to the WAL)."""
    import psycopg

    started = time.monotonic()
    with psycopg.connect(f"{args.pg}/{args.db_name}", autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
        if checkpoint:  # only a superuser may; without it, the vacuum alone
            with contextlib.suppress(psycopg.errors.InsufficientPrivilege):
                conn.execute("CHECKPOINT")
    if checkpoint:
        log(f"database settled (VACUUM ANALYZE, CHECKPOINT) in "
            f"{time.monotonic() - started:.1f} s")


def process_stop(proc: subprocess.Popen, timeout: float = 20) -> None:
    """Stop a process this bench started, and its children, by its own group id."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout)


def url_wait(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:  # refused, reset or timed out while the workers boot
            time.sleep(0.2)
    fail(f"{url} did not answer within {timeout:.0f} s")


def wrk_run(base_url: str, file: Path, mode: str, clients: int, seconds: int, csrf: str,
            log_prefix: str = "-") -> dict:
    """Run wrk with the replay script; return its numbers (req/s, ms, statuses)."""
    threads = min(2, clients)
    cmd = ["wrk", "-t", str(threads), "-c", str(clients), "-d", f"{seconds}s", "--timeout",
           "5s", "-s", str(LUA), base_url, "--", str(file), mode, str(threads), log_prefix, csrf]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if line is None:
        fail(f"wrk failed: {out.stdout}\n{out.stderr}")
    data = json.loads(line.removeprefix("WRK_JSON "))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    for key in ("p50", "p90", "p99", "max"):
        data[f"{key}_ms"] = data.pop(f"{key}_us") / 1000
    data["errors"] = sum(data[k] for k in ("connect_errors", "read_errors", "write_errors",
                                           "timeouts"))
    return data


def bench_env(args, baseline: tuple[int, str] = (0, "")) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
        "SECRET_KEY": "bench-only-not-secret",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": f"{args.pg}/{args.db_name}",
        "DB_CONN_MAX_AGE": str(args.conn_max_age),
        "DB_POOL": "",
        "CACHE_URL": f"{args.redis}/{args.redis_db}",
        "CELERY_BROKER_URL": f"{args.redis}/{args.redis_db}",
        "CELERY_QUEUE": QUEUE,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # The per-IP limit on link requests: every bench request comes from 127.0.0.1.
        "WOTUM_LINK_RATE": "100000000/s",
        "WOTUM_VAR_DIR": "var/bench",
        "WOTUM_OUTBOX_KEEP_BODIES": "1",
        "LOG_LEVEL": "ERROR",  # not a warning per 410 of a link used at a step's deadline
        "BENCH_BASELINE_BOX": str(baseline[0]),
        "BENCH_BASELINE_OPTIONS": baseline[1],
        "PYTHONPATH": str(ROOT),
    }


class Bench:
    """The state of one bench: database, box, token pool, the running gunicorn."""

    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="wotum-bench-"))
        self.base_url = f"http://127.0.0.1:{args.port}"
        self.gunicorn = None
        self.db_made = False
        self.last_post_rps = self.last_minimal_rps = 0.0

    def setup(self) -> None:
        database_create(self.args)
        self.db_made = True
        os.environ.update(bench_env(self.args))
        import django

        django.setup()
        from django.core.management import call_command

        log("migrating …")
        call_command("migrate", verbosity=0)
        from bench import ballot_data as data

        self.data = data
        self.boxes = data.boxes_make()
        self.csrf = data.csrf_secret()
        self.pesels = data.PeselSource()
        self.pool = data.TokenPool(self.boxes.box)
        options = ",".join(f"{p}:{o}" for p, o in self.boxes.baseline_options)
        self.env = {**os.environ, **bench_env(self.args, (self.boxes.baseline_box.pk, options))}
        self.files = {
            "trivial": data.lines_write(self.tmp / "trivial.txt", ["GET\t/bench/trivial/"] * 64),
            "minimal": data.lines_write(self.tmp / "minimal.txt",
                                        data.baseline_lines(self.boxes, self.csrf)),
        }
        self.gunicorn_start()

    def gunicorn_start(self) -> None:
        cmd = [str(BIN / "gunicorn"), "wotum.wsgi:application", "--bind",
               f"127.0.0.1:{self.args.port}", "--workers", str(self.args.workers),
               "--worker-class", "sync", "--backlog", "2048", "--timeout", "60",
               "--log-level", "warning", "--error-logfile", str(self.tmp / "gunicorn.log")]
        self.gunicorn = subprocess.Popen(cmd, cwd=ROOT, env=self.env, start_new_session=True)
        url_wait(f"{self.base_url}/healthz")
        log(f"gunicorn: {self.args.workers} sync workers on {self.base_url}")

    def wrk(self, name: str, clients: int, seconds: int, mode: str = "cycle",
            log_prefix: str = "-") -> dict:
        return wrk_run(self.base_url, self.files[name], mode, clients, seconds, self.csrf,
                       log_prefix)

    def warm_up(self) -> None:
        """Two seconds of each step, so that every worker has its templates and plans."""
        self.wrk("trivial", 8, 2)
        self.wrk("minimal", 8, 2)
        self.link_step(8, 2, 2000, "warm")
        self.pool.top_up(1500, self.base_url, "warm")
        tokens = self.pool.take(1500)
        self.card_get_step(tokens, 8, 2)
        result, _ = self.card_post_step(tokens, 8, 2, "warm")
        self.last_post_rps = result["rps"]

    def link_step(self, clients: int, seconds: int, n: int, tag: str) -> dict:
        lines, repeated = self.data.link_lines(self.boxes.box, self.csrf, n, tag,
                                               self.args.repeat_share)
        self.files["link"] = self.data.lines_write(self.tmp / "link.txt", lines)
        result = self.wrk("link", clients, seconds, mode="once")
        result["four_times_addresses"] = repeated
        result["tokens"] = self.pool.harvest()
        return result

    def card_get_step(self, tokens: list[str], clients: int, seconds: int) -> dict:
        self.files["card_get"] = self.data.lines_write(
            self.tmp / "card_get.txt", [f"GET\t/vote/card/{t}/" for t in tokens])
        return self.wrk("card_get", clients, seconds)

    def card_post_step(self, tokens: list[str], clients: int, seconds: int, tag: str,
                       profile: bool = False) -> tuple[dict, dict]:
        lines, dups = self.data.card_post_lines(self.boxes, tokens, self.csrf, self.pesels,
                                                self.args.dup_share, tag)
        self.files["card_post"] = self.data.lines_write(self.tmp / "card_post.txt", lines)
        prefix = self.tmp / f"acks-{tag}"
        spy = self.profile_start(seconds, tag) if profile else None
        result = self.wrk("card_post", clients, seconds, mode="once", log_prefix=str(prefix))
        if spy is not None:
            spy.wait(timeout=seconds + 60)
        result["duplicate_pesel_cards"] = dups
        time.sleep(2)  # requests wrk abandoned at its deadline may still commit
        result["tokens_returned"] = self.pool.give_back(tokens)
        logged, receipts = self.data.acknowledged_receipts(
            [Path(f"{prefix}.{i}") for i in range(2)])
        result["acknowledged_logged"] = logged
        invariants = self.data.invariants_check(self.boxes.box, receipts)
        # Every 302 wrk saw was logged with its session, and resolved to a stored ballot.
        invariants["ack_log_violations"] = (abs(result["statuses"].get("302", 0) - logged)
                                            + abs(logged - len(receipts)))
        return result, invariants

    def profile_start(self, seconds: int, tag: str):
        spy = BIN / "py-spy"
        if not spy.exists():
            log("--profile: py-spy is not installed (pip install py-spy); not profiling")
            return None
        out = ROOT / "bench" / "results" / f"profile-card-post-{tag}.txt"
        out.parent.mkdir(exist_ok=True)
        log(f"profiling gunicorn workers for {seconds} s into {out.relative_to(ROOT)}")
        return subprocess.Popen([str(spy), "record", "--pid", str(self.gunicorn.pid),
                                 "--subprocesses", "--duration", str(seconds), "--rate", "200",
                                 "--format", "raw", "--output", str(out), "--nonblocking"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def email_step(self, n: int, concurrency: int, prefetch: int) -> dict:
        """A real worker drains every queued e-mail (at least ``n``), as after one nudge
        from the web process; the rate is from the first to the last ``sent_at``."""
        import redis

        from notifications.tasks import email_deliver_queued

        client = redis.Redis.from_url(f"{self.args.redis}/{self.args.redis_db}")
        for key in client.scan_iter(f"{QUEUE}*"):  # the nudges published by the load steps
            client.delete(key)
        ids = self.data.email_ids_for_delivery()
        if len(ids) < n:  # short load steps queued too few: ask for more links in-process
            self.pool.top_up(len(self.pool.tokens) + n - len(ids), self.base_url,
                             f"mail{time.monotonic_ns()}")
            ids = self.data.email_ids_for_delivery()
        email_deliver_queued.delay()  # what delivery_nudge() publishes
        env = {**self.env, "WOTUM_OUTBOX_KEEP_BODIES": "0"}  # as in production: wipe bodies
        cmd = [str(BIN / "celery"), "-A", "wotum", "worker", "--pool", "prefork",
               "--concurrency", str(concurrency), "--prefetch-multiplier", str(prefetch),
               "-Q", QUEUE, "--without-gossip", "--without-mingle",
               "--without-heartbeat", "--loglevel", "WARNING"]
        worker = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True,
                                  stdout=subprocess.DEVNULL,
                                  stderr=open(self.tmp / "celery.log", "a"))  # noqa: SIM115
        deadline = time.monotonic() + 30 + len(ids) / 100
        try:
            while time.monotonic() < deadline:
                sent, rate = self.data.email_delivery_rate(ids)
                if sent >= len(ids):
                    break
                time.sleep(1)
        finally:
            process_stop(worker)
        sent, rate = self.data.email_delivery_rate(ids)
        return {"n": len(ids), "sent": sent, "rate": rate, "concurrency": concurrency,
                "prefetch": prefetch}

    def teardown(self) -> None:
        if self.gunicorn is not None:
            process_stop(self.gunicorn)
        if self.db_made:
            from django.db import connections

            connections.close_all()
            if not self.args.keep:
                database_drop(self.args)
        import redis

        redis.Redis.from_url(f"{self.args.redis}/{self.args.redis_db}").flushdb()
        shutil.rmtree(self.tmp, ignore_errors=True)
