"""ESP tracking webhooks (bounces, complaints) mark the stored message."""
from .models import OutboundEmail

FAILED_EVENTS = {"bounced", "rejected", "complained", "failed"}


def email_tracking_received(sender, event, esp_name, **kwargs):
    if event.event_type in FAILED_EVENTS and event.message_id:
        OutboundEmail.objects.filter(esp_message_id=event.message_id).update(
            status=OutboundEmail.Status.BOUNCED,
            last_error=f"{esp_name}: {event.event_type} {event.description or ''}".strip()[:2000],
        )
