from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import Resolution

PRIVATE_DOCUMENT_MAX_MB = 10  # as a proposal attachment's default limit (PB-6)


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))


class ItemForm(forms.Form):
    identifier = forms.CharField(label=_("Resolution"), max_length=60,
                                 help_text=_("e.g. “Uchwała nr XII/101/2026”"))
    title = forms.CharField(label=_("Subject"), max_length=300, required=False)


class VoteOpenForm(forms.Form):
    rule = forms.ChoiceField(label=_("Majority"), choices=Resolution.Rule.choices,
                             initial=Resolution.Rule.SIMPLE)
    seconds = forms.IntegerField(label=_("Duration (seconds)"), min_value=10, max_value=3600,
                                 initial=60)
    secret = forms.BooleanField(label=_("Secret vote (counts only, no names)"), required=False)


class QuorumForm(forms.Form):
    seconds = forms.IntegerField(label=_("Time to confirm (seconds)"), min_value=10,
                                 max_value=1800, initial=120)


class PrivateDocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"),
                           help_text=_("At most %(mb)s MB.") % {"mb": PRIVATE_DOCUMENT_MAX_MB})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > PRIVATE_DOCUMENT_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB; choose a smaller one."),
                params={"mb": PRIVATE_DOCUMENT_MAX_MB}, code="too_large")
        return upload


class CouncillorForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))


class SessionDocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"))
    resolution = forms.ModelChoiceField(label=_("Agenda item"), queryset=None, required=False,
                                        empty_label=_("the whole session"))
    public = forms.BooleanField(label=_("Public (shown on the public session page)"),
                                required=False)

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resolution"].queryset = meeting.resolutions.all()
