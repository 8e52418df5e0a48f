"""ESP tracking webhooks (bounces, complaints) mark the stored message."""
from django.db.models import Q

from audit.transitions import transition_save_many

from .models import OutboundEmail

FAILED_EVENTS = {"bounced", "rejected", "complained", "failed"}


def email_tracking_received(sender, event, esp_name, **kwargs):
    if event.event_type not in FAILED_EVENTS or not event.message_id:
        return
    error = f"{esp_name}: {event.event_type} {event.description or ''}".strip()[:2000]
    moves = []
    for email in OutboundEmail.objects.filter(esp_message_id=event.message_id,
                                              status=OutboundEmail.Status.SENT):
        email.bounce()
        email.last_error = error
        moves.append((email, "bounce", OutboundEmail.Status.SENT))
    transition_save_many(moves, fields=["last_error"],
                         where=Q(status=OutboundEmail.Status.SENT),
                         details={"esp": esp_name, "event": event.event_type})
