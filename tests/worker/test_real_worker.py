"""X-3: a task queued by a view runs in a separate worker process over the real broker."""
import pytest
from django.urls import reverse

from notifications.models import OutboundEmail
from tests.worker.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_signup_email_is_sent_by_the_worker_process(client, celery_worker_process, settings):
    response = client.post(reverse("account_signup"), {
        "email": "worker-test@example.org", "password1": "Kasztan-Rybnik-2026",
        "password2": "Kasztan-Rybnik-2026"})
    assert response.status_code == 302
    email = OutboundEmail.objects.get(to="worker-test@example.org")

    sent = wait_for(lambda: OutboundEmail.objects.filter(
        pk=email.pk, status=OutboundEmail.Status.SENT).first())

    log = celery_worker_process["log"].read_text()
    assert sent, f"the worker did not send the e-mail; worker log:\n{log[-3000:]}"
    assert sent.attempts == 1
    assert "notifications.tasks.email_deliver" in log
    assert celery_worker_process["broker"] == settings.CELERY_BROKER_URL.split(":", 1)[0]
