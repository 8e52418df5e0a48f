"""Forms of meetings: the vote, the start of the voting, registration, setting up."""
from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from .models import CHOICE_LABELS, Meeting, Resolution


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), widget=forms.RadioSelect,
                               choices=list(CHOICE_LABELS.items()),
                               error_messages={"required": _("Choose one of the options.")})


class StartVotingForm(forms.Form):
    without_missing = forms.BooleanField(
        label=_("Start without the members who have not registered"), required=False)


class RegisterForm(forms.Form):
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password (again)"), widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["kind", "title", "held_on", "share_capital"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, label) for k, label in Meeting.Kind.choices
                                       if k != Meeting.Kind.COUNCIL_SESSION]


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    weight = forms.IntegerField(label=_("Weight (shares; 1 on a board)"), min_value=1,
                                initial=1)


class ProxyForm(forms.Form):
    elector = forms.ModelChoiceField(label=_("Member represented"), queryset=None)
    proxy_email = forms.EmailField(label=_("Proxy's e-mail address (a registered person)"))
    document = forms.CharField(label=_("Proxy document"), max_length=200,
                               help_text=_("E.g. “power of attorney of 3 March 2026, "
                                           "notarised”."))

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["elector"].queryset = meeting.roll.electors.select_related("user")


class ResolutionForm(forms.ModelForm):
    class Meta:
        model = Resolution
        fields = ["identifier", "rule", "basis", "quorum"]
