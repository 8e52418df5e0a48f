"""Keyed hashes that stand in for personal data where only equality matters (X-5)."""
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def keyed_digest(purpose: str, value: str) -> str:
    """HMAC-SHA256 of ``value``: equal inputs give equal digests, and nobody without the
    installation's key can test a guessed PESEL or address against a digest."""
    if not settings.WOTUM_HASH_KEY:
        raise ImproperlyConfigured("Set SECRET_KEY (or WOTUM_HASH_KEY) to hash personal data.")
    key = f"{purpose}:{settings.WOTUM_HASH_KEY}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def token_digest(token: str) -> str:
    """Unkeyed SHA-256 of a random link token: a token has enough entropy of its own."""
    return hashlib.sha256(token.encode()).hexdigest()
