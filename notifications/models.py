"""Outgoing e-mail: every message is a row first, then a background send (X-3)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        RETRYING = "retrying", _("retrying")
        FAILED = "failed", _("failed")
        BOUNCED = "bounced", _("bounced")

    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=60)
    to = models.EmailField(_("to"))
    from_email = models.CharField(max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    # A message may be rendered by the worker instead of the web request that queues it:
    # its template, plain JSON context and language wait here until it is sent.
    template = models.CharField(max_length=200, blank=True)
    context = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.QUEUED)
    # While sending: the end of the sender's lease; while retrying: the next try.
    due_at = models.DateTimeField(null=True, blank=True)
    # Made when first claimed and kept for every retry (see notifications.tasks).
    message_id = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # Indexed only once the ESP has given one (see Meta), not on every queued insert.
    esp_message_id = models.CharField(max_length=255, blank=True)
    # Voters' addresses are not kept once their message is out (X-5): only a masked form.
    forget_recipient = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["status", "created_at"]),
                   models.Index(fields=["esp_message_id"], condition=~models.Q(esp_message_id=""),
                                name="email_esp_message_id")]

    def __str__(self):
        return f"{self.to}: {self.subject}"
