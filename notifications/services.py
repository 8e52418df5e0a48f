"""The one way Wotum sends e-mail: store the message, then send it from the queue."""
import logging
import time

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, make_msgid
from django.db import transaction
from django.template.loader import get_template
from django.utils import timezone, translation

from .models import OutboundEmail

logger = logging.getLogger(__name__)


def email_build(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    kind: str,
    organisation=None,
    from_email: str = "",
    forget_recipient: bool = False,
) -> OutboundEmail:
    """The message as a row, not yet stored.

    ``forget_recipient`` masks the address once the message is sent (voters' addresses).
    """
    return OutboundEmail(
        to=to, subject=subject[:255], body_text=body_text, body_html=body_html, kind=kind,
        organisation_id=getattr(organisation, "pk", organisation),
        from_email=from_email or settings.DEFAULT_FROM_EMAIL, forget_recipient=forget_recipient,
    )


def email_store(email: OutboundEmail) -> OutboundEmail:
    """Store a built message; the worker sends it once the caller's transaction commits."""
    email.save(force_insert=True)
    transaction.on_commit(delivery_nudge)
    return email


def email_queue(**fields) -> OutboundEmail:
    """Store a message (``email_build``'s fields) and send it from the worker."""
    return email_store(email_build(**fields))


def email_render(*, template: str, context: dict, language: str | None = None,
                 templates: dict | None = None) -> tuple[str, str]:
    """Subject and text of ``<template>_subject.txt`` and ``_message.txt``.

    ``templates`` (name → template), kept by the caller for a batch of messages, has each
    template looked up once per batch instead of once per message.
    """
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        subject = " ".join(_template(f"{template}_subject.txt", templates).render(context)
                           .split())
        body_text = _template(f"{template}_message.txt", templates).render(context)
    return subject, body_text


def _template(name: str, templates: dict | None):
    if templates is None:
        return get_template(name)
    if name not in templates:
        templates[name] = get_template(name)
    return templates[name]


def email_build_template(*, to: str, template: str, context: dict, kind: str | None = None,
                         organisation=None, language: str | None = None,
                         forget_recipient: bool = False, render_later: bool = False
                         ) -> OutboundEmail:
    """The message rendered from ``template``, not yet stored.

    ``render_later`` leaves the rendering to the worker, which costs the web request
    nothing: ``context`` must then be plain JSON (strings, numbers), not model objects.
    """
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    kind = kind or template.rsplit("/", 1)[-1]
    if render_later:
        email = email_build(to=to, subject="", body_text="", kind=kind,
                            organisation=organisation, forget_recipient=forget_recipient)
        email.template, email.context, email.language = template, context, language
        return email
    subject, body_text = email_render(template=template, context=context, language=language)
    return email_build(to=to, subject=subject, body_text=body_text, kind=kind,
                       organisation=organisation, forget_recipient=forget_recipient)


def email_queue_template(
    *, to: str, template: str, context: dict, kind: str | None = None, organisation=None,
    language: str | None = None, forget_recipient: bool = False,
) -> OutboundEmail:
    """Render ``<template>_subject.txt`` and ``_message.txt``, store and queue."""
    return email_store(email_build_template(
        to=to, template=template, context=context, kind=kind, organisation=organisation,
        language=language, forget_recipient=forget_recipient))


def email_queue_message(message: EmailMessage, *, kind: str, organisation=None) -> list:
    """Queue a message a library rendered (allauth), one row per recipient."""
    html = ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html = content
    body_text = message.body if message.content_subtype != "html" else ""
    if message.content_subtype == "html":
        html = message.body
    return [
        email_queue(to=recipient, subject=message.subject, body_text=body_text, body_html=html,
                    kind=kind, organisation=organisation, from_email=message.from_email)
        for recipient in message.to
    ]


NUDGE_SECONDS = 0.5
_next_nudge = 0.0


def delivery_nudge() -> None:
    """Have the worker send what is queued: at most one broker message per process per
    NUDGE_SECONDS, however many messages were queued in that time.

    The task is due NUDGE_SECONDS after it is published, and every message this process
    queues until then is committed before that, so the task finds them all; the next
    message after that publishes again. A rush of voters costs one broker message per
    half second per process, not one per e-mail, and the worker sends in batches.
    (celery beat also runs the task every minute, should a message ever be missed.)
    """
    global _next_nudge
    from .tasks import email_deliver_queued

    if email_deliver_queued.app.conf.task_always_eager:  # tests: no broker to spare
        email_deliver_queued.delay()
        return
    now = time.monotonic()
    if now < _next_nudge:
        return
    _next_nudge = now + NUDGE_SECONDS
    try:
        email_deliver_queued.apply_async(countdown=NUDGE_SECONDS)
    except Exception:  # noqa: BLE001 - runs after the caller's commit: never undo its answer
        # The message is stored; the beat sweep sends it once the broker is back.
        logger.warning("Could not nudge the e-mail worker (broker down?); the periodic "
                       "sweep will send the queued messages", exc_info=True)


def email_text(email: OutboundEmail, templates: dict | None = None) -> tuple[str, str]:
    """The subject and text a stored message is (or will be) sent with."""
    if email.template:
        subject, body_text = email_render(template=email.template, context=email.context,
                                          language=email.language, templates=templates)
        return subject[:255], body_text
    return email.subject, email.body_text


def email_send_now(email: OutboundEmail, *, connection=None, templates: dict | None = None
                   ) -> None:
    """Send one stored message through the configured backend (anymail in production);
    ``templates`` as in ``email_render``."""
    if email.template:  # rendered here, in the worker, once
        email.subject, email.body_text = email_text(email, templates)
        email.template, email.context = "", {}
    # The same Message-ID on every attempt: a resend after a lost "sent" mark is
    # recognisable as the same message by the ESP and the recipient's server.
    headers = {"Message-ID": email.message_id} if email.message_id else None
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body_text, from_email=email.from_email or None,
        to=[email.to], connection=connection, headers=headers,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    message.send(fail_silently=False)
    message_id = getattr(getattr(message, "anymail_status", None), "message_id", None)
    email.esp_message_id = "" if message_id is None else str(message_id)[:255]
    email.mark_sent()
    email.due_at = None
    email.sent_at = timezone.now()
    email.last_error = ""
    if not settings.WOTUM_OUTBOX_KEEP_BODIES:
        # Bodies carry one-time links; once sent, nothing at rest can replay them.
        email.body_text = email.body_html = ""
        if email.forget_recipient:
            email.to = mask_address(email.to)


def email_message_id() -> str:
    """A Message-ID in the sender's domain, made once per stored message."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "wotum.localhost"
    return make_msgid(domain=domain)


def mask_address(address: str) -> str:
    """``a•••@example.org``: enough for an operator to recognise a bounce, no more."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"
