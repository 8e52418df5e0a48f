"""Serve the demo: the development server plus a celery worker (with beat) beside it."""
import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server and a background worker for the demo."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000")
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, port, host, **options):
        # E-mailed links must point at the port the demo serves, in both processes.
        os.environ["WOTUM_BASE_URL"] = settings.WOTUM_BASE_URL = f"http://{host}:{port}"
        worker = subprocess.Popen(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", "celery", "-A", "wotum", "worker", "--beat", "--pool=solo",
             "--loglevel=WARNING", "--schedule", str(settings.VAR_DIR / "celerybeat-schedule")],
            env=os.environ.copy(),
        )
        self.stdout.write(f"Worker started (pid {worker.pid}). Serving http://{host}:{port}/")
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
