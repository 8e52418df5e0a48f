"""allauth's adapter: its messages go out through Wotum's one e-mail queue."""
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils.encoding import force_str

from notifications.services import email_queue_message


@dataclass(frozen=True)
class Site:
    """What allauth's e-mails call ``current_site``; Wotum runs without django.contrib.sites."""

    name: str
    domain: str


def site_current() -> Site:
    """The site's name and domain from settings (the address residents know), not the request."""
    return Site(name=settings.WOTUM_SITE_NAME,
                domain=urlsplit(settings.WOTUM_BASE_URL).netloc or settings.WOTUM_BASE_URL)


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        return f"[{site_current().name}] {force_str(subject)}"

    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email,
                                   {"current_site": site_current(), **context})
        email_queue_message(message, kind=template_prefix.rsplit("/", 1)[-1])

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Count failed logins per account AND client address, not per account alone:
        failures from an attacker's address never lock the owner out of their account.
        (allauth's own limit of failures per address still applies on top.)"""
        from allauth.core.internal.ratelimit import get_ip

        return f"{get_ip(request)}:{super()._get_login_attempts_cache_key(request, **credentials)}"
