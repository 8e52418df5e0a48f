"""An e-mail backend for worker processes: a line per message in a file, a little slowly.

Slow enough that a batch is still going out when the test restarts Redis under the worker.
"""
import os
import time

from django.core.mail.backends.base import BaseEmailBackend


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        with open(os.environ["WOTUM_TEST_SENT_LOG"], "a") as log:
            for message in email_messages:
                time.sleep(0.01)
                log.write(f"{message.to[0]} {message.extra_headers.get('Message-ID')}\n")
                log.flush()
        return len(email_messages)
