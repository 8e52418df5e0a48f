"""The reviewer's decision on a task: accept, reject or return, with what each one needs."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluation.models import ReviewDecision
from intake.forms import AmountField

Outcome = ReviewDecision.Outcome


class DecisionForm(forms.Form):
    """Formal review: complete and eligible? Accept, reject, or return for correction."""

    accept_label = _("Accept formally: the proposal is complete and eligible")

    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    justification = forms.CharField(
        label=_("Justification"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required to reject or return the proposal; the applicant receives it by "
                    "e-mail and sees it on their proposal."))
    correction_deadline = forms.DateField(
        label=_("Correct by"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Required to return the proposal for correction."))

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The edition's checklist (PB-11), when it has one: every item ticked to accept.
        if criteria:
            self.fields["criteria_met"] = forms.MultipleChoiceField(
                label=_("Checklist"), required=False, widget=forms.CheckboxSelectMultiple,
                choices=[(criterion, criterion) for criterion in criteria],
                help_text=_("Tick every criterion the proposal meets; all of them to accept."))
            self.order_fields(["criteria_met", "outcome"])
        self.fields["outcome"].choices = [
            (Outcome.ACCEPTED, self.accept_label),
            (Outcome.REJECTED, _("Reject")),
            (Outcome.RETURNED, _("Return to the applicant for correction")),
        ]

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome in (Outcome.REJECTED, Outcome.RETURNED) and not data.get(
                "justification", "").strip():
            self.add_error("justification", _("Give a justification for a rejection or a "
                                              "return."))
        if outcome == Outcome.RETURNED:
            deadline = data.get("correction_deadline")
            if deadline is None and "correction_deadline" not in self.errors:
                self.add_error("correction_deadline", _("Give the date by which the applicant "
                                                        "must correct the proposal."))
            elif deadline is not None and deadline <= timezone.localdate():
                self.add_error("correction_deadline", _("The date by which to correct the "
                                                        "proposal must be in the future."))
        return data


class MeritDecisionForm(DecisionForm):
    """Merit review: feasible, at what cost? The verified cost is required to accept."""

    accept_label = _("Accept for the ballot: the proposal is feasible")

    # The same money formats as the proposal form: "175 000,00", "175000.00", "175 000 zł".
    verified_cost = AmountField(
        label=_("Verified cost (PLN)"), required=False,
        help_text=_("Required to accept the proposal."))
    notes = forms.CharField(
        label=_("Reviewer's notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the review team; not sent to the applicant."))

    field_order = ["outcome", "verified_cost", "justification", "correction_deadline", "notes"]

    def clean(self):
        data = super().clean()
        if (data.get("outcome") == Outcome.ACCEPTED and data.get("verified_cost") is None
                and "verified_cost" not in self.errors):
            self.add_error("verified_cost", _("Give the verified cost to accept a proposal on "
                                              "merit."))
        return data


FORMS = {"formal_review": DecisionForm, "merit_review": MeritDecisionForm}
