"""The process record of a proposal's review: one per proposal, kept through corrections."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process


class ProposalReviewProcess(Process):
    """viewflow's process row for one proposal's formal and merit review."""

    proposal = models.OneToOneField("intake.Proposal", on_delete=models.PROTECT,
                                    related_name="review_process", verbose_name=_("proposal"))

    class Meta:
        verbose_name = _("proposal review")
        verbose_name_plural = _("proposal reviews")

    def __str__(self):
        return str(self.proposal)
