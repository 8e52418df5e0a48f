"""Review decisions: who decided what about a proposal, at which step, and why (PB-10, PB-11)."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReviewDecision(models.Model):
    """One reviewer's decision at one review step; append-only, the history of a proposal."""

    class Stage(models.TextChoices):
        FORMAL = "formal", _("formal review")
        MERIT = "merit", _("merit review")

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        RETURNED = "returned", _("returned for correction")

    proposal = models.ForeignKey("intake.Proposal", on_delete=models.PROTECT,
                                 related_name="review_decisions", verbose_name=_("proposal"))
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT,
                                     related_name="+", editable=False)
    stage = models.CharField(_("review step"), max_length=10, choices=Stage.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    justification = models.TextField(_("justification"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                 related_name="review_decisions", verbose_name=_("reviewer"))
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    verified_cost = models.DecimalField(_("verified cost (PLN)"), max_digits=14,
                                        decimal_places=2, null=True, blank=True,
                                        validators=[MinValueValidator(Decimal("0.01"))])
    notes = models.TextField(_("reviewer's notes"), blank=True)
    correction_deadline = models.DateField(_("correct by"), null=True, blank=True)
    # The edition's checklist criteria the formal reviewer ticked (kept as worded then).
    criteria_met = models.JSONField(_("criteria ticked"), default=list, blank=True)

    class Meta:
        ordering = ["decided_at", "id"]
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        indexes = [models.Index(fields=["proposal", "decided_at"]),
                   models.Index(fields=["organisation", "reviewer"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="accepted") | ~Q(justification=""),
                name="decision_justified",
                violation_error_message=_("Give a justification for a rejection or a return.")),
            models.CheckConstraint(
                condition=~Q(outcome="returned") | Q(correction_deadline__isnull=False),
                name="decision_return_has_deadline",
                violation_error_message=_("Give the date by which the applicant must correct "
                                          "the proposal.")),
            models.CheckConstraint(
                condition=~Q(stage="merit", outcome="accepted") | Q(verified_cost__isnull=False),
                name="decision_merit_accept_has_cost",
                violation_error_message=_("Give the verified cost to accept a proposal on "
                                          "merit.")),
        ]

    def __str__(self):
        return f"{self.proposal} — {self.get_stage_display()}: {self.get_outcome_display()}"

    def save(self, *args, **kwargs):
        self.organisation_id = self.proposal.organisation_id
        super().save(*args, **kwargs)
