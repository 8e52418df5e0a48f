"""Background delivery of stored e-mails, with retries that stay visible on the row."""
from celery import shared_task
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When

from .models import OutboundEmail
from .services import email_send_now

MAX_ATTEMPTS = 5
# Messages one task sends at most. One transaction and one open backend connection for
# the lot, instead of one of each per message.
BATCH = 100
PENDING = (OutboundEmail.Status.QUEUED, OutboundEmail.Status.RETRYING)
SAVED_FIELDS = ["status", "attempts", "last_error", "esp_message_id", "sent_at", "to",
                "subject", "body_text", "body_html", "template", "context"]


def retry_delay(attempts: int) -> int:
    """Seconds before the next try: 5, 10, 20, 40 … capped at five minutes."""
    return min(300, 5 * 2 ** (attempts - 1))


@shared_task(acks_late=True)
def email_deliver(email_id: int) -> str:
    """Send stored message ``email_id`` (a retry) and, in the same go, others still queued.

    A message another task has already sent is skipped with one read. Rows are claimed
    with SKIP LOCKED, so two workers never send the same message. The row, not celery's
    retry state, records each attempt: an operator sees every failure in the admin.
    """
    if not OutboundEmail.objects.filter(pk=email_id, status__in=PENDING).exists():
        return "skipped"
    batch = _deliver(
        OutboundEmail.objects.filter(Q(pk=email_id, status__in=PENDING)
                                     | Q(status=OutboundEmail.Status.QUEUED))
        .order_by(Case(When(pk=email_id, then=Value(0)), default=Value(1),
                       output_field=IntegerField()), "id"))
    own = next((email for email in batch if email.pk == email_id), None)
    return own.status if own is not None else "skipped"


@shared_task(acks_late=True)
def email_deliver_queued() -> int:
    """Send the queued messages, a batch per task; return how many this task sent.

    A full batch hands what is left to another task before sending its own, so that
    every worker process drains the queue at once and no task runs for long.
    """
    # Oldest first, along the (status, created_at) index: no sort of the whole queue.
    return len(_deliver(OutboundEmail.objects.filter(status=OutboundEmail.Status.QUEUED)
                        .order_by("created_at", "id"), more=email_deliver_queued))


def _deliver(pending, more=None) -> list[OutboundEmail]:
    """Claim up to BATCH rows of ``pending``, send them, save them in one transaction."""
    with transaction.atomic():
        batch = list(pending.select_for_update(skip_locked=True)[:BATCH])
        if not batch:
            return []  # another worker holds them, or nothing waits
        if more is not None and len(batch) == BATCH:
            # Another process takes the rows after these (ours stay locked until we
            # commit). An eager task would run in this very transaction, which does not
            # skip its own locks: it waits for the commit.
            if more.app.conf.task_always_eager:
                transaction.on_commit(more.delay)
            else:
                more.delay()
        _send_all(batch)
        OutboundEmail.objects.bulk_update(batch, SAVED_FIELDS)
    for email in batch:
        if email.status == OutboundEmail.Status.RETRYING:
            email_deliver.apply_async((email.pk,), countdown=retry_delay(email.attempts))
    return batch


def _send_all(batch: list[OutboundEmail]) -> None:
    """Send each message over one connection; a failure marks that message only."""
    for email in batch:
        email.attempts += 1
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:  # noqa: BLE001 - no connection: every message is retried
        for email in batch:
            _failed(email, error)
        return
    try:
        for email in batch:
            try:
                email_send_now(email, connection=connection)
            except Exception as error:  # noqa: BLE001 - any backend failure is retried
                _failed(email, error)
    finally:
        connection.close()


def _failed(email: OutboundEmail, error: Exception) -> None:
    email.last_error = f"{type(error).__name__}: {error}"[:2000]
    email.status = (OutboundEmail.Status.FAILED if email.attempts >= MAX_ATTEMPTS
                    else OutboundEmail.Status.RETRYING)
