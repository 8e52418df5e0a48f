"""Background delivery of stored e-mails, with retries that stay visible on the row."""
from celery import shared_task
from django.db import transaction

from .models import OutboundEmail
from .services import email_send_now

MAX_ATTEMPTS = 5


def retry_delay(attempts: int) -> int:
    """Seconds before the next try: 5, 10, 20, 40 … capped at five minutes."""
    return min(300, 5 * 2 ** (attempts - 1))


@shared_task(acks_late=True)
def email_deliver(email_id: int) -> str:
    """Send one stored message; on failure record why and queue the next try.

    The row, not celery's retry state, is the record of attempts, so an operator sees
    every failure in the admin and the outcome does not depend on the broker.
    """
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status in {OutboundEmail.Status.SENT,
                                             OutboundEmail.Status.BOUNCED,
                                             OutboundEmail.Status.FAILED}:
            return "skipped"
        email.attempts += 1
        try:
            email_send_now(email)
        except Exception as error:  # noqa: BLE001 - any backend failure is retried
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            last = email.attempts >= MAX_ATTEMPTS
            email.status = OutboundEmail.Status.FAILED if last else OutboundEmail.Status.RETRYING
        email.save()
        outcome = email.status
    if outcome == OutboundEmail.Status.RETRYING:
        email_deliver.apply_async((email_id,), countdown=retry_delay(email.attempts))
    return outcome
