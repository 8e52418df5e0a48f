"""Outgoing e-mail: every message is a row first, then a background send (X-3)."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import FSMField


def _system(instance, user) -> bool:
    """A step only the delivery worker or the ESP's webhook takes (actor None)."""
    return False


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
    # Moved by the transitions below, saved in batches by
    # audit.transitions.transition_save_many: a conditional UPDATE under the sender's lease.
    status = FSMField(_("status"), max_length=20, choices=Status.choices,
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

    # The delivery states: claimed with a lease, then sent, retried or given up.
    @status.transition(source=[Status.QUEUED, Status.RETRYING, Status.SENDING],
                       target=Status.SENDING, permission=_system,
                       custom={"audit": "email.claim"})
    def claim(self):
        """A sender takes the message (from ``sending``: a claim whose lease ran out)."""

    @status.transition(source=Status.SENDING, target=Status.SENT, permission=_system,
                       custom={"audit": "email.sent"})
    def mark_sent(self):
        """The backend (the ESP) accepted the message."""

    @status.transition(source=Status.SENDING, target=Status.RETRYING, permission=_system,
                       custom={"audit": "email.retry"})
    def retry(self):
        """Sending failed; another try is due later."""

    @status.transition(source=Status.SENDING, target=Status.FAILED, permission=_system,
                       custom={"audit": "email.fail"})
    def fail(self):
        """Sending failed on the last allowed try."""

    @status.transition(source=Status.SENT, target=Status.BOUNCED, permission=_system,
                       custom={"audit": "email.bounce"})
    def bounce(self):
        """The ESP reported the message bounced, was rejected or complained about."""
