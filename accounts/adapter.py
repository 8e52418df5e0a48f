"""allauth's adapter: its messages go out through Wotum's one e-mail queue."""
from allauth.account.adapter import DefaultAccountAdapter

from notifications.services import email_queue_message


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        email_queue_message(message, kind=template_prefix.rsplit("/", 1)[-1])

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Count failed logins per account AND client address, not per account alone:
        failures from an attacker's address never lock the owner out of their account.
        (allauth's own limit of failures per address still applies on top.)"""
        from allauth.core.internal.ratelimit import get_ip

        return f"{get_ip(request)}:{super()._get_login_attempts_cache_key(request, **credentials)}"
