"""X-3: e-mail goes through the queue; failures are retried and stay visible."""
import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.core import mail
from django.db import transaction

from notifications.models import OutboundEmail
from notifications.services import email_queue


def _queue(**overrides):
    fields = {"to": "anna@example.org", "subject": "Hello", "body_text": "Link: http://x/1",
              "kind": "test"}
    return email_queue(**{**fields, **overrides})


@pytest.mark.django_db
def test_message_is_sent_only_after_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        email = _queue()
        assert mail.outbox == []

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    assert mail.outbox[0].body == "Link: http://x/1"


@pytest.mark.django_db
def test_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(ZeroDivisionError),
          transaction.atomic()):
        _queue()
        1 / 0  # noqa: B018
    assert mail.outbox == []
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_bodies_are_wiped_after_sending_unless_the_outbox_keeps_them(
        settings, django_capture_on_commit_callbacks):
    settings.WOTUM_OUTBOX_KEEP_BODIES = False
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue(body_text="one-time link http://x/secret")
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.body_text == ""
    assert "secret" in mail.outbox[0].body


@pytest.mark.django_db
def test_failed_send_is_retried_then_marked_failed_with_the_error(
        settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.AlwaysFailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == 5
    assert "ConnectionRefusedError: ESP unreachable" in email.last_error


@pytest.mark.django_db
def test_send_that_fails_once_succeeds_on_retry(settings, django_capture_on_commit_callbacks):
    from tests.notifications import failing_backend

    failing_backend.FlakyBackend.failures_left = 1
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.FlakyBackend"
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()

    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (OutboundEmail.Status.SENT, 2, "")


@pytest.mark.django_db
def test_bounce_webhook_marks_the_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()
    email.refresh_from_db()
    assert email.esp_message_id  # the anymail test backend assigns one

    event = AnymailTrackingEvent(event_type="bounced", message_id=email.esp_message_id,
                                 description="mailbox full")
    tracking.send(sender=object, event=event, esp_name="TestESP")

    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.BOUNCED
    assert "mailbox full" in email.last_error


@pytest.mark.django_db
def test_demo_outbox_lists_messages_with_clickable_links(client,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _queue(body_text="Open https://wotum.example/vote/abc to vote")
    page = client.get("/outbox/")
    assert page.status_code == 200
    assert b'<a href="https://wotum.example/vote/abc"' in page.content


@pytest.mark.django_db
def test_outbox_is_hidden_in_production(client, settings):
    settings.WOTUM_OUTBOX_KEEP_BODIES = False
    assert client.get("/outbox/").status_code == 404


@pytest.mark.django_db
def test_a_voters_address_is_masked_once_the_message_is_sent(
        settings, django_capture_on_commit_callbacks):
    settings.WOTUM_OUTBOX_KEEP_BODIES = False
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue(to="jan.kowalski@example.org", forget_recipient=True)
    email.refresh_from_db()
    assert email.to == "j•••@example.org"
    assert mail.outbox[0].to == ["jan.kowalski@example.org"]


@pytest.mark.django_db
def test_one_task_sends_the_waiting_messages_and_the_others_find_them_sent():
    from notifications.tasks import email_deliver

    with transaction.atomic():  # queued, but not yet handed to the (eager) worker
        emails = [_queue(to=f"p{n}@example.org") for n in range(3)]

    assert email_deliver(emails[1].pk) == OutboundEmail.Status.SENT
    assert sorted(m.to[0] for m in mail.outbox) == ["p0@example.org", "p1@example.org",
                                                    "p2@example.org"]
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}
    assert email_deliver(emails[0].pk) == "skipped"
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_a_failing_message_in_a_batch_does_not_hold_back_the_others(settings):
    from notifications.tasks import email_deliver

    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.RefusesOneAddressBackend"
    with transaction.atomic():
        good, bad = _queue(to="ok@example.org"), _queue(to="refused@example.org")
    email_deliver(good.pk)

    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == OutboundEmail.Status.SENT
    assert bad.status in {OutboundEmail.Status.RETRYING, OutboundEmail.Status.FAILED}
    assert "refused@example.org" in bad.last_error


@pytest.mark.django_db(transaction=True)
def test_a_queue_longer_than_a_batch_is_sent_whole_and_once(settings):
    from notifications.tasks import BATCH, email_deliver_queued

    OutboundEmail.objects.bulk_create(  # queued, and no worker nudged yet
        OutboundEmail(to=f"p{n}@example.org", subject="Hi", body_text="x", kind="test")
        for n in range(BATCH + 5))

    assert email_deliver_queued() == BATCH  # the last 5 went to the task it handed on to

    assert len(mail.outbox) == BATCH + 5
    assert len({m.to[0] for m in mail.outbox}) == BATCH + 5
    assert not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()


def test_the_web_process_nudges_the_worker_once_per_interval(monkeypatch):
    from notifications import services
    from notifications.tasks import email_deliver_queued

    published = []
    monkeypatch.setitem(email_deliver_queued.app.conf, "task_always_eager", False)
    monkeypatch.setattr(email_deliver_queued, "apply_async",
                        lambda *a, **kw: published.append(kw["countdown"]))
    monkeypatch.setattr(services, "_next_nudge", 0.0)
    for _ in range(50):
        services.delivery_nudge()
    assert published == [services.NUDGE_SECONDS]  # one broker message for 50 e-mails

    monkeypatch.setattr(services, "_next_nudge", 0.0)  # the interval has passed
    services.delivery_nudge()
    assert published == [services.NUDGE_SECONDS] * 2


@pytest.mark.django_db
def test_a_message_left_to_the_worker_is_rendered_in_the_language_it_was_queued_in():
    from notifications.services import email_build_template
    from notifications.tasks import email_deliver_queued

    for language in ("pl", "en"):
        email_build_template(to=f"{language}@example.org", template="ballots/email/receipt",
                             context={"title": "Budżet 2026", "receipt_code": "ABCD234567"},
                             language=language, render_later=True).save()
    assert set(OutboundEmail.objects.values_list("body_text", flat=True)) == {""}

    email_deliver_queued()

    subjects = {m.to[0]: (m.subject, m.body) for m in mail.outbox}
    assert subjects["pl@example.org"][0] == "Twój głos został przyjęty: Budżet 2026"
    assert subjects["en@example.org"][0] == "Your ballot was received: Budżet 2026"
    assert all("ABCD234567" in body for _subject, body in subjects.values())
    assert set(OutboundEmail.objects.values_list("template", flat=True)) == {""}
