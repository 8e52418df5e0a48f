"""Forms for editions, proposals and imports. Rules live in services; forms shape input."""
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.uploads import ALLOWED_EXTENSIONS

from .coordinates import coordinate_parse, coordinates_pair_check
from .imports import MAX_IMPORT_MB
from .models import Edition, Pool, Proposal
from .money import amount_parse

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class AmountField(forms.CharField):
    """An amount in PLN typed the Polish way or with a dot; a Decimal, never a float."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal",
                                                           "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return format(value, "f").replace(".", ",")

    def to_python(self, value):
        value = super().to_python(value)
        return amount_parse(value) if value not in self.empty_values else None


class CoordinateField(forms.CharField):
    """Decimal degrees typed with a comma or a dot, checked to lie in Poland."""

    def __init__(self, *, latitude: bool, **kwargs):
        self.latitude = latitude
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal",
                                                           "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return format(value.normalize(), "f").replace(".", ",")

    def to_python(self, value):
        return coordinate_parse(super().to_python(value), latitude=self.latitude)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once; each is checked by the service that stores it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "accept": ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [file for file in data if file]
        return [data] if data else []


def _datetime_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


class EditionForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = ["name", "year", *Edition.PHASE_DATES, "max_proposals_per_applicant",
                  "max_attachments_per_proposal", "max_attachment_mb", "ballots_per_email",
                  "pesel_required", "minimum_voter_age", "selection_rule", "population",
                  "preliminary_results_during_voting", "review_criteria"]
        widgets = {**{name: _datetime_widget() for name in Edition.PHASE_DATES},
                   "review_criteria": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in Edition.PHASE_DATES:
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
            self.fields[name].help_text = _("Local time (Europe/Warsaw).")


class PoolForm(forms.ModelForm):
    budget = AmountField(label=_("budget (PLN)"))
    position = forms.IntegerField(label=_("order"), min_value=0, required=False,
                                  help_text=_("Pools are listed in this order."))

    class Meta:
        model = Pool
        fields = ["kind", "name", "budget", "choices_per_ballot", "position"]

    def has_changed(self):
        # A new row without a name or a budget is an unused extra row, whatever else it holds.
        if self.instance.pk is None:
            return any(self.data.get(self.add_prefix(name), "").strip()
                       for name in ("name", "budget"))
        return super().has_changed()


PoolFormSet = forms.inlineformset_factory(Edition, Pool, form=PoolForm, extra=3,
                                          can_delete=True)


class ProposalForm(forms.ModelForm):
    """A resident's proposal; attachments go in with it, one service call per file."""

    estimated_cost = AmountField(label=_("estimated cost (PLN)"),
                                 help_text=_("For example 150000 or 150 000,00."))
    files = MultipleFileField(label=_("Attachments"))
    files_public = forms.BooleanField(
        label=_("Pictures attached now may be shown on the project's public page"),
        required=False,
        help_text=_("Only pictures (JPEG, PNG) are shown, once the project is on the ballot."))
    latitude = CoordinateField(
        latitude=True, label=_("Latitude"),
        help_text=_("Optional, with the longitude: the project's page then links to the place "
                    "on a map. For example 50,0614 (read it off any online map)."))
    longitude = CoordinateField(latitude=False, label=_("Longitude"),
                                help_text=_("For example 19,9372."))

    class Meta:
        model = Proposal
        fields = ["title", "pool", "category", "location", "latitude", "longitude",
                  "description", "justification", "estimated_cost", "applicant_name"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6}),
                   "justification": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, edition: Edition, limits_help: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool"].queryset = edition.pools.order_by("kind", "position", "name")
        self.fields["pool"].empty_label = None
        self.fields["applicant_name"].help_text = _("Printed on the application form.")
        self.fields["files"].help_text = " ".join(filter(None, [
            gettext("Optional: maps, photos, cost estimates. Accepted: %(types)s.")
            % {"types": ", ".join(ALLOWED_EXTENSIONS)}, limits_help]))

    def clean(self):
        data = super().clean()
        if "latitude" in data and "longitude" in data:
            try:
                coordinates_pair_check(data["latitude"], data["longitude"])
            except ValidationError as error:
                self.add_error("latitude" if data["latitude"] is None else "longitude", error)
        return data

    def proposal_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields
                if name in self.cleaned_data}


class PaperProposalForm(ProposalForm):
    """A proposal received on paper, typed in by a clerk for a named applicant (PB-7)."""

    account_email = forms.EmailField(
        label=_("Applicant's account (e-mail)"), required=False,
        help_text=_("If the applicant has an account, give its e-mail address: the proposal "
                    "will appear among theirs."))

    class Meta(ProposalForm.Meta):
        fields = [*ProposalForm.Meta.fields, "applicant_email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant_name"].help_text = _("As written on the paper form.")

    def clean_account_email(self):
        email = self.cleaned_data.get("account_email", "").strip()
        if not email:
            return None
        account = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if account is None:
            raise ValidationError(_("There is no account with this e-mail address."))
        return account

    def proposal_fields(self) -> dict:
        fields = super().proposal_fields()
        account = self.cleaned_data.get("account_email")
        if account is not None:
            fields["applicant"] = account
            fields["applicant_email"] = fields.get("applicant_email") or account.email
        return fields


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File with proposals"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext("CSV or XLSX, at most %(max)d MB.") % {
            "max": MAX_IMPORT_MB}
