"""Exports too large to build while the browser waits: written by the worker, then fetched."""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import FSMField


def _system(instance, user) -> bool:
    """A transition only the worker runs (actor None): no person may run it by hand."""
    return False


class ExportJob(models.Model):
    """One xlsx export built in the background; only its requester may download it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("being written")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                     related_name="+")
    # A dotted path to the function that rebuilds the export and its rows from ``params``
    # (set by server code only, never from a request), and the permission the download
    # checks again in ``organisation``.
    source = models.CharField(max_length=200)
    params = models.JSONField(default=dict)
    permission = models.CharField(max_length=100)
    title = models.CharField(_("title"), max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    # Moved by audit.transitions.transition_claim: one conditional UPDATE per step, so of
    # two workers given the same job exactly one writes it.
    state = FSMField(_("status"), max_length=10, choices=State.choices, default=State.QUEUED)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    path = models.CharField(max_length=300, blank=True)  # relative to MEDIA_ROOT
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        return f"{self.title} ({self.get_state_display()})"

    @state.transition(source=State.QUEUED, target=State.RUNNING,
                      custom={"audit": "exportjob.start"}, permission=_system)
    def start(self):
        """A worker takes the queued export."""

    @state.transition(source=State.RUNNING, target=State.DONE,
                      custom={"audit": "exportjob.finish"}, permission=_system)
    def finish(self):
        """The file is written."""

    @state.transition(source=[State.QUEUED, State.RUNNING], target=State.FAILED,
                      custom={"audit": "exportjob.fail"}, permission=_system)
    def fail(self):
        """Writing failed; the error is kept."""
