"""The celery app: the embedded filesystem transport by default, Redis when configured."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wotum.settings")

app = Celery("wotum")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
