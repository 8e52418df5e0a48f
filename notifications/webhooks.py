"""Which ESP webhook is mounted: the configured ESP's tracking webhook, and only with its
secrets set (X-4). anymail's own ``urls`` mounts every provider, and a provider that is not
configured answers strangers with a 500 or, without a secret, accepts anything."""
import re

from django.conf import settings

# Secrets an ESP's webhook needs besides the shared basic-auth secret (WEBHOOK_SECRET).
EXTRA_SECRETS = {"mailgun": "MAILGUN_WEBHOOK_SIGNING_KEY"}


def configured_esp() -> str | None:
    """``mailgun`` for ``anymail.backends.mailgun.EmailBackend``; None for other backends."""
    match = re.fullmatch(r"anymail\.backends\.([a-z_]+)\.EmailBackend", settings.EMAIL_BACKEND)
    if match is None or match[1] in {"test", "console"}:
        return None
    return match[1]


def webhook_urlpatterns() -> list:
    """The tracking webhook of the configured ESP, if all its secrets are set."""
    esp = configured_esp()
    secrets = ["WEBHOOK_SECRET", *([EXTRA_SECRETS[esp]] if esp in EXTRA_SECRETS else [])]
    if esp is None or not all(settings.ANYMAIL.get(name) for name in secrets):
        return []
    from anymail import urls

    return [pattern for pattern in urls.urlpatterns
            if pattern.name == f"{esp}_tracking_webhook"]
