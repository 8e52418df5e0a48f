"""A proposal import too large for the request, run by the worker with its progress (PB-8)."""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.fsm import FSMField


def _system(instance, user) -> bool:
    """A step only the worker takes (actor None): no person may run it by hand."""
    return False


class ProposalImport(models.Model):
    """One stored file of proposals, checked and then imported whole by the worker."""

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        CHECKING = "checking", _("checking the rows")
        IMPORTING = "importing", _("importing")
        DONE = "done", _("finished")
        FAILED = "failed", _("failed")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    edition = models.ForeignKey("intake.Edition", on_delete=models.CASCADE,
                                related_name="imports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    # The upload until the import ends; then deleted (it holds applicants' addresses).
    file = models.FileField(upload_to="imports/", blank=True)
    file_name = models.CharField(_("file"), max_length=255)
    # The report's messages are written in the language the clerk used.
    language = models.CharField(max_length=10, blank=True)
    # Moved by audit.transitions.transition_claim: one conditional UPDATE per step, so of
    # two workers given the same import exactly one runs it.
    state = FSMField(_("status"), max_length=10, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    # The outcome, as ``intake.imports.ImportReport`` holds it: what the clerk is shown.
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposal import")
        verbose_name_plural = _("proposal imports")

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"

    @state.transition(source=State.QUEUED, target=State.CHECKING, permission=_system,
                      custom={"audit": "proposalimport.start"})
    def start(self):
        """A worker takes the stored file and checks its rows."""

    @state.transition(source=State.CHECKING, target=State.IMPORTING, permission=_system,
                      custom={"audit": "proposalimport.write"})
    def write(self):
        """Every row passed: the proposals are written, all in one transaction."""

    @state.transition(source=[State.CHECKING, State.IMPORTING], target=State.DONE,
                      permission=_system, custom={"audit": "proposalimport.finish"})
    def finish(self):
        """Imported, or refused with the rows' errors (nothing imported then)."""

    @state.transition(source=[State.QUEUED, State.CHECKING, State.IMPORTING],
                      target=State.FAILED, permission=_system,
                      custom={"audit": "proposalimport.fail"})
    def fail(self):
        """The import broke off (nothing imported); the error is kept."""

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        return 100 * self.rows_checked // self.rows_total if self.rows_total else 0
