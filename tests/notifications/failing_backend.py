"""E-mail backends that fail, to exercise retries."""
from django.core.mail.backends.base import BaseEmailBackend


class AlwaysFailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("ESP unreachable")


class FlakyBackend(BaseEmailBackend):
    failures_left = 1

    def send_messages(self, email_messages):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise ConnectionRefusedError("ESP unreachable")
        return len(email_messages)


class RefusesOneAddressBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            if "refused@example.org" in message.to:
                raise ValueError("mailbox refused@example.org does not exist")
        return len(email_messages)
