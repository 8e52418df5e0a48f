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
