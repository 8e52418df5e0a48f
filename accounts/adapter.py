"""allauth's adapter: its messages go out through Wotum's one e-mail queue."""
from allauth.account.adapter import DefaultAccountAdapter

from notifications.services import email_queue_message


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        email_queue_message(message, kind=template_prefix.rsplit("/", 1)[-1])
