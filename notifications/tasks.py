"""Background delivery of stored e-mails, with retries that stay visible on the row."""
from celery import shared_task
from django.db import transaction

from .models import OutboundEmail
from .services import email_send_now

MAX_ATTEMPTS = 5


@shared_task(bind=True, max_retries=MAX_ATTEMPTS - 1, acks_late=True)
def email_deliver(self, email_id: int) -> str:
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status in {OutboundEmail.Status.SENT,
                                             OutboundEmail.Status.BOUNCED}:
            return "skipped"
        email.attempts += 1
        try:
            email_send_now(email)
        except Exception as error:  # noqa: BLE001 - any backend failure is retried
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            last = email.attempts >= MAX_ATTEMPTS
            email.status = OutboundEmail.Status.FAILED if last else OutboundEmail.Status.RETRYING
            email.save()
            if last:
                return "failed"
        else:
            email.save()
            return "sent"
    raise self.retry(countdown=min(300, 5 * 2 ** (email.attempts - 1)))
