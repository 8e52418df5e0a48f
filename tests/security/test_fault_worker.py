"""X-3: the worker outlives a Redis restart and the queued mail goes out, each message once.

A real ``celery worker`` process on a redis-server of the test's own, which the test kills
(as a crash would) while the worker is sending, and starts again on the same port.
"""
import os
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.conf import settings

from notifications.models import OutboundEmail
from notifications.tasks import email_deliver_queued
from tests.security.faults import redis_server  # noqa: F401 - a fixture, used by name
from tests.worker.conftest import ROOT, _database_url, wait_for
from wotum.celery import app as celery_app

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_on(tmp_path, redis_server, monkeypatch):  # noqa: F811
    """A worker started as deploy/ runs it, and this process publishing to the same Redis."""
    broker = f"{redis_server.url}/0"
    # The namespaced key: the one celery reads first.
    monkeypatch.setitem(celery_app.conf, "CELERY_BROKER_URL", broker)
    monkeypatch.setenv("CELERY_BROKER_URL", broker)  # celery reads it before its settings
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    sent_log, log_path = tmp_path / "sent.log", tmp_path / "worker.log"
    sent_log.touch()
    env = {**os.environ, "DATABASE_URL": _database_url(), "CELERY_BROKER_URL": broker,
           "EMAIL_BACKEND": "tests.security.recording_backend.RecordingBackend",
           "WOTUM_TEST_SENT_LOG": str(sent_log), "WOTUM_VAR_DIR": str(tmp_path / "var")}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "wotum", "worker", "--pool=solo",
             "--loglevel=INFO", "-Q", settings.CELERY_TASK_DEFAULT_QUEUE,
             "--hostname", f"fault-{os.getpid()}@%h", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    if not wait_for(lambda: "ready." in log_path.read_text(), timeout=60):
        process.kill()
        pytest.fail(f"celery worker did not start:\n{log_path.read_text()[-3000:]}")
    yield {"process": process, "log": log_path, "sent": sent_log}
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def _queue(first: int, count: int) -> None:
    OutboundEmail.objects.bulk_create(
        OutboundEmail(to=f"v{n}@example.org", subject="Link", body_text="x", kind="test")
        for n in range(first, first + count))
    email_deliver_queued.apply_async()


def test_queued_mail_goes_out_once_across_a_redis_restart(worker_on, redis_server):  # noqa: F811
    _queue(0, 300)
    assert wait_for(lambda: worker_on["sent"].read_text().count("\n") >= 20, timeout=60)

    redis_server.kill()  # mid-batch
    time.sleep(2)
    redis_server.start()
    # What the web process or beat's minute sweep does next: queue more and nudge.
    _queue(300, 5)

    done = wait_for(lambda: not OutboundEmail.objects.exclude(status="sent").exists(),
                    timeout=120)
    log = worker_on["log"].read_text()
    assert done, f"mail left unsent; worker log:\n{log[-3000:]}"
    assert worker_on["process"].poll() is None, f"the worker died:\n{log[-3000:]}"
    assert "Unrecoverable error" not in log
    sends = Counter(line.split()[0] for line in worker_on["sent"].read_text().splitlines())
    assert len(sends) == 305 and set(sends.values()) == {1}
