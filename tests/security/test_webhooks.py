"""X-4: only the configured ESP's bounce webhook answers, and only to the ESP."""
import base64
import hashlib
import hmac
import importlib
import json
import time

import pytest
from django.test import Client
from django.urls import clear_url_caches

from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db
SIGNING_KEY = "mailgun-signing-key-for-tests"


def _reload_urls():
    import wotum.urls

    importlib.reload(wotum.urls)
    clear_url_caches()


@pytest.fixture
def mailgun(settings):
    settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
    settings.ANYMAIL = {"MAILGUN_API_KEY": "api-key", "WEBHOOK_SECRET": "esp:s3cret",
                        "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    _reload_urls()
    yield
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    _reload_urls()


def _mailgun_event(message_id: str, key: str = SIGNING_KEY) -> str:
    timestamp, token = str(int(time.time())), "a" * 50
    signature = hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
    return json.dumps({
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {"event": "failed", "severity": "permanent", "timestamp": 1.0,
                       "id": "evt", "recipient": "anna@example.org",
                       "message": {"headers": {"message-id": message_id}},
                       "delivery-status": {"description": "mailbox full", "code": 550}}})


def _basic(credentials: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


def _post(path, body="{}", **headers):
    client = Client(raise_request_exception=False)
    return client.post(path, body, content_type="application/json", **headers)


def test_no_webhook_is_mounted_without_an_esp():
    _reload_urls()
    for esp in ("mailgun", "sendgrid", "postmark", "amazon_ses", "sparkpost"):
        assert _post(f"/anymail/{esp}/tracking/").status_code == 404


def test_only_the_configured_esps_webhook_answers_and_checks_its_secrets(mailgun):
    email = OutboundEmail.objects.create(to="anna@example.org", subject="s", kind="test",
                                         status="sent", esp_message_id="<m1@mg.example>")
    url = "/anymail/mailgun/tracking/"
    assert _post("/anymail/sendgrid/tracking/").status_code == 404
    assert _post("/anymail/postmark/tracking/").status_code == 404
    assert _post(url, _mailgun_event("<m1@mg.example>")).status_code == 400  # no auth
    assert _post(url, _mailgun_event("<m1@mg.example>"),
                 **_basic("esp:wrong")).status_code == 400
    forged = _mailgun_event("<m1@mg.example>", key="not-the-key")
    assert _post(url, forged, **_basic("esp:s3cret")).status_code == 400
    assert _post(url, "not json", **_basic("esp:s3cret")).status_code == 400
    email.refresh_from_db()
    assert email.status == "sent"  # nothing a stranger sent changed it

    genuine = _post(url, _mailgun_event("<m1@mg.example>"), **_basic("esp:s3cret"))

    assert genuine.status_code == 200
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.BOUNCED


def test_the_webhook_is_not_mounted_without_mailguns_signing_key(mailgun, settings):
    settings.ANYMAIL = {"MAILGUN_API_KEY": "api-key", "WEBHOOK_SECRET": "esp:s3cret"}
    _reload_urls()
    assert _post("/anymail/mailgun/tracking/", **_basic("esp:s3cret")).status_code == 404
