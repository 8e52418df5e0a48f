"""Background delivery of stored e-mails, with retries that stay visible on the row."""
from celery import shared_task
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When

from .models import OutboundEmail
from .services import email_send_now

MAX_ATTEMPTS = 5
# Messages one task sends at most: its own and others waiting. One transaction and one
# open backend connection for the lot, instead of one of each per message.
BATCH = 50
PENDING = (OutboundEmail.Status.QUEUED, OutboundEmail.Status.RETRYING)
SAVED_FIELDS = ["status", "attempts", "last_error", "esp_message_id", "sent_at", "to",
                "body_text", "body_html"]


def retry_delay(attempts: int) -> int:
    """Seconds before the next try: 5, 10, 20, 40 … capped at five minutes."""
    return min(300, 5 * 2 ** (attempts - 1))


@shared_task(acks_late=True)
def email_deliver(email_id: int) -> str:
    """Send stored message ``email_id`` and, in the same go, others still queued.

    A message another task has already sent is skipped with one read. Rows are claimed
    with SKIP LOCKED, so two workers never send the same message. The row, not celery's
    retry state, records each attempt: an operator sees every failure in the admin.
    """
    if not OutboundEmail.objects.filter(pk=email_id, status__in=PENDING).exists():
        return "skipped"
    with transaction.atomic():
        batch = list(
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(Q(pk=email_id, status__in=PENDING) | Q(status=OutboundEmail.Status.QUEUED))
            .order_by(Case(When(pk=email_id, then=Value(0)), default=Value(1),
                           output_field=IntegerField()), "id")[:BATCH])
        if not batch:
            return "skipped"  # another worker holds it
        _send_all(batch)
        OutboundEmail.objects.bulk_update(batch, SAVED_FIELDS)
    for email in batch:
        if email.status == OutboundEmail.Status.RETRYING:
            email_deliver.apply_async((email.pk,), countdown=retry_delay(email.attempts))
    own = next((email for email in batch if email.pk == email_id), None)
    return own.status if own is not None else "skipped"


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
