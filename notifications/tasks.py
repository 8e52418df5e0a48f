"""Background delivery of stored e-mails: at most once while a sender lives, at least once
if it dies.

A message is claimed first: marked ``sending`` with a lease (``due_at``) and a Message-ID, in
a transaction of its own that commits before anything is sent. Then it is sent, then marked
sent. If that last write is lost (the database connection killed, the worker gone), the row
stays ``sending`` and nobody sends it again until its lease runs out; the retry after that
reuses the Message-ID, so the receiving servers and the ESP can recognise the repeat. The
row, not celery's retry state, records each attempt: an operator sees every failure.

Each step is a transition of ``OutboundEmail`` (claim, mark_sent, retry, fail), run in memory
and saved for the whole batch by one conditional UPDATE (``transition_save_many``): the
claim only on rows no sender holds, the outcome only on rows still under this sender's
lease. The audit trail gets one row per step and batch, naming the ids, not one per message.
"""
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import shared_task
from django.core.mail import get_connection
from django.db import DatabaseError, connection, transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from audit.transitions import transition_save_many

from .models import OutboundEmail
from .services import email_message_id, email_send_now

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Messages one task sends at most. One open backend connection for the lot. Each batch
# costs two transactions and a task besides its messages: at 250 that is a tenth of the
# time sending takes, and a batch through a slow relay (1 s a message) still ends well
# within its LEASE.
BATCH = 250
# How long a claimed message is left alone before another sender may take it over: far
# longer than a batch takes to send, short enough that a dead worker delays mail little.
LEASE = timedelta(minutes=10)
# Writing "sent" is retried this many times on a fresh connection before giving up (the
# lease then keeps the message from going out twice until it expires).
MARK_TRIES = 3
Status = OutboundEmail.Status
CLAIM_FIELDS = ["due_at", "attempts", "message_id"]
SAVED_FIELDS = ["attempts", "last_error", "esp_message_id", "sent_at", "to",
                "subject", "body_text", "body_html", "template", "context", "due_at"]


def retry_delay(attempts: int) -> int:
    """Seconds before the next try: 5, 10, 20, 40 … capped at five minutes."""
    return min(300, 5 * 2 ** (attempts - 1))


def _due(now) -> Q:
    """Rows a sender may claim: queued, or a retry or an abandoned claim whose time came."""
    return Q(status=Status.QUEUED) | Q(status__in=(Status.RETRYING, Status.SENDING),
                                       due_at__lte=now)


@shared_task(acks_late=True)
def email_deliver(email_id: int) -> str:
    """Send stored message ``email_id`` (a retry) and, in the same go, others still queued.

    A message another task has already sent or claimed is skipped with one read.
    """
    now = timezone.now()
    own = Q(pk=email_id) & _claimable(now)
    if not OutboundEmail.objects.filter(own).exists():
        return "skipped"
    batch = _deliver(
        OutboundEmail.objects.filter(own | Q(status=Status.QUEUED))
        .order_by(Case(When(pk=email_id, then=Value(0)), default=Value(1),
                       output_field=IntegerField()), "id"))
    mine = next((email for email in batch if email.pk == email_id), None)
    return mine.status if mine is not None else "skipped"


@shared_task(acks_late=True)
def email_deliver_queued() -> int:
    """Send the messages that wait, a batch per task; return how many this task handled.

    A full batch hands what is left to another task before sending its own, so that every
    worker process drains the queue at once and no task runs for long. celery beat runs
    this every minute too: it picks up retries and claims whose lease ran out.
    """
    return len(_deliver(OutboundEmail.objects.filter(_due(timezone.now()))
                        .order_by("created_at", "id"), more=email_deliver_queued))


def _deliver(pending, more=None) -> list[OutboundEmail]:
    """Claim up to BATCH rows of ``pending``, send them, then mark them."""
    claim = _claim(pending)
    if not claim.emails:
        return []
    if more is not None and len(claim.emails) == BATCH:
        _publish_soft(more)  # another process takes the rows after these
    _send_all(claim.emails)
    marked = _mark(claim)
    for email in marked:
        if email.status == Status.RETRYING:
            _publish_soft(email_deliver, (email.pk,), countdown=retry_delay(email.attempts))
    return claim.emails


@dataclass
class Claim:
    """The rows one sender holds, until ``lease_end`` (the fencing value of its marks)."""

    emails: list[OutboundEmail]
    lease_end: datetime


def _claimable(now) -> Q:
    """Rows no sender holds: waiting, or claimed under a lease that ran out."""
    return Q(status__in=(Status.QUEUED, Status.RETRYING)) | Q(status=Status.SENDING,
                                                               due_at__lte=now)


def _claim(pending) -> Claim:
    """Run ``claim`` on up to BATCH rows of ``pending`` with a lease, committed before any
    is sent; its audit rows name the ids."""
    with transaction.atomic():
        batch = list(pending.select_for_update(skip_locked=True)[:BATCH])
        now = timezone.now()
        lease_end, moves = now + LEASE, []
        for email in batch:
            source = email.status
            email.claim()
            email.due_at = lease_end
            email.attempts += 1
            email.message_id = email.message_id or email_message_id()
            moves.append((email, "claim", source))
        claimed = transition_save_many(moves, fields=CLAIM_FIELDS, where=_claimable(now))
    return Claim(claimed, lease_end)


# The transition each outcome of a send went through.
OUTCOME = {Status.SENT: "mark_sent", Status.RETRYING: "retry", Status.FAILED: "fail"}


def _mark(claim: Claim) -> list[OutboundEmail]:
    """Write the outcome of the sends (only on rows still under this claim's lease); on a
    lost connection, reconnect and write it again."""
    moves = [(email, OUTCOME[email.status], Status.SENDING) for email in claim.emails]
    still_ours = Q(status=Status.SENDING, due_at=claim.lease_end)
    for attempt in range(1, MARK_TRIES + 1):
        try:
            marked = transition_save_many(moves, fields=SAVED_FIELDS, where=still_ours)
        except DatabaseError:
            if attempt == MARK_TRIES:
                # Left "sending": the lease stops a resend until it runs out.
                logger.exception("Could not record the outcome of %d sent e-mails",
                                 len(moves))
                raise
            logger.warning("Lost the database while recording sent e-mails; reconnecting")
            connection.close()
            time.sleep(0.2 * attempt)
            continue
        if len(marked) < len(moves):
            # A lost acknowledgement of an earlier try, or a lease that ran out mid-batch.
            logger.warning("%d of %d sent e-mails were no longer held by this sender",
                           len(moves) - len(marked), len(moves))
        return marked
    return []


def _publish_soft(task, args=(), **options) -> None:
    """Queue ``task``; if the broker is down, log it: the beat sweep finds the rows anyway."""
    try:
        task.apply_async(args, **options)
    except Exception:  # noqa: BLE001 - the rows are safe in the database
        logger.warning("Could not queue %s; the periodic sweep will pick it up", task.name,
                       exc_info=True)


def _send_all(batch: list[OutboundEmail]) -> None:
    """Send each message over one connection; a failure marks that message only."""
    backend = get_connection()
    try:
        backend.open()
    except Exception as error:  # noqa: BLE001 - no connection: every message is retried
        for email in batch:
            _failed(email, error)
        return
    templates: dict = {}
    try:
        for email in batch:
            try:
                email_send_now(email, connection=backend, templates=templates)
            except Exception as error:  # noqa: BLE001 - any backend failure is retried
                _failed(email, error)
    finally:
        backend.close()


def _failed(email: OutboundEmail, error: Exception) -> None:
    email.last_error = f"{type(error).__name__}: {error}"[:2000]
    if email.attempts >= MAX_ATTEMPTS:
        email.fail()
        email.due_at = None
    else:
        email.retry()
        email.due_at = timezone.now() + timedelta(seconds=retry_delay(email.attempts))
