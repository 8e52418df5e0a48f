"""X-3: e-mail at most once while its sender lives, at least once if it dies.

The database connection is killed between sending and recording "sent"; the sends are
counted at the backend.
"""
import psycopg
import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.utils import timezone

from notifications.models import OutboundEmail
from notifications.tasks import email_deliver_queued
from tests.security.faults import needs_postgresql


class CountingBackend(BaseEmailBackend):
    """Records every message it is given; can kill the database connection after one."""

    sent: list[tuple[str, str]] = []
    kill_after: int | None = None

    def send_messages(self, email_messages):
        for message in email_messages:
            CountingBackend.sent.append((message.to[0], message.extra_headers["Message-ID"]))
            if len(CountingBackend.sent) == CountingBackend.kill_after:
                _terminate_own_backend()
        return len(email_messages)


def _terminate_own_backend() -> None:
    """pg_terminate_backend on this test's own connection, and no other."""
    pid = connection.connection.info.backend_pid
    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
                         user=db["USER"], password=db["PASSWORD"] or None,
                         dbname=db["NAME"], autocommit=True) as other:
        killed = other.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE pid = %s AND datname = current_database()", [pid]).fetchone()
    assert killed == (True,)


@pytest.fixture
def counting_backend(settings):
    settings.EMAIL_BACKEND = "tests.security.test_fault_email.CountingBackend"
    CountingBackend.sent, CountingBackend.kill_after = [], None
    return CountingBackend


def _queue(count: int) -> list[int]:
    emails = OutboundEmail.objects.bulk_create(
        OutboundEmail(to=f"v{n}@example.org", subject="Link", body_text="x", kind="test")
        for n in range(count))
    return [email.pk for email in emails]


@pytest.mark.django_db(transaction=True)
def test_a_killed_connection_between_send_and_mark_sends_nothing_twice(counting_backend):
    needs_postgresql()
    _queue(5)
    counting_backend.kill_after = 5  # after the last send, before "sent" is written

    email_deliver_queued()
    email_deliver_queued()  # the sweep that follows finds nothing to send

    assert len(counting_backend.sent) == 5
    assert len({to for to, _id in counting_backend.sent}) == 5
    rows = OutboundEmail.objects.all()
    assert {row.status for row in rows} == {OutboundEmail.Status.SENT}
    assert {row.message_id for row in rows} == {mid for _to, mid in counting_backend.sent}


@pytest.mark.django_db(transaction=True)
def test_a_sender_that_dies_before_marking_leaves_the_mail_alone_until_its_lease_ends(
        counting_backend, monkeypatch):
    _queue(3)

    def worker_dies(batch):
        raise SystemExit("worker killed")

    with monkeypatch.context() as patch:
        patch.setattr("notifications.tasks._mark", worker_dies)
        with pytest.raises(SystemExit):
            email_deliver_queued()
    assert len(counting_backend.sent) == 3
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sending"}

    email_deliver_queued()  # lease still running: nothing goes out twice
    assert len(counting_backend.sent) == 3

    OutboundEmail.objects.update(due_at=timezone.now())  # the lease ran out
    email_deliver_queued()

    assert len(counting_backend.sent) == 6  # at least once: sent again …
    first, again = counting_backend.sent[:3], counting_backend.sent[3:]
    assert sorted(first) == sorted(again)  # … under the same Message-ID
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
