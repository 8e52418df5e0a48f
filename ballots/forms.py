"""The ballot card (PB-15) built from a box's polls, and the link request form."""
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import messages
from .card import CardSection, card_of
from .pesel import PeselError, pesel_check
from .services import CardChoices

_ASCII_ID = re.compile(r"[0-9]{1,18}")

DECLARATIONS = [
    ("declare_age", _("I am %(age)d or older.")),
    ("declare_resident", _("I live in the city.")),
    ("declare_true", _("The data I give are true.")),
    ("declare_consent", _("I consent to the processing of my personal data for the vote.")),
]


class LinkRequestForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             error_messages={"required": messages.FIELD_NOT_FILLED},
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class BallotCardForm(forms.Form):
    """Steps 1–4 of the card: choices per section, the declarations, the PESEL."""

    def __init__(self, *args, box, voting_day=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.box = box
        self.voting_day = voting_day or timezone.localdate()
        self.card = card_of(box)
        self.sections = self.card.sections
        for section in self.sections:
            self._add_section_fields(section)
        for name, label in DECLARATIONS:
            self.fields[name] = forms.BooleanField(
                required=False, label=label % {"age": box.minimum_age} if "%" in label else label)
        if box.pesel_required:
            self.fields["pesel"] = forms.CharField(
                label=_("PESEL number"), required=False, max_length=20, strip=True,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                              "maxlength": "11"}))

    def _add_section_fields(self, section: CardSection):
        if section.max_choices == 1:
            field = forms.TypedChoiceField(choices=section.choices, coerce=int, required=False,
                                           widget=forms.RadioSelect)
        else:
            field = forms.TypedMultipleChoiceField(choices=section.choices, coerce=int,
                                                   required=False,
                                                   widget=forms.CheckboxSelectMultiple)
        self.fields[f"{section.key}-options"] = field
        self.fields[f"{section.key}-abstain"] = forms.BooleanField(
            required=False, label=section.abstain_label)

    def section_fields(self):
        """(section, options field, abstain field, ids of the options marked) per section."""
        for section in self.sections:
            options = self[f"{section.key}-options"]
            value = options.value()
            values = value if isinstance(value, list | tuple) else [value]
            # ASCII digits only: str.isdigit() accepts "²³", which int() refuses.
            marked = {int(v) for v in values if _ASCII_ID.fullmatch(str(v or ""))}
            yield section, options, self[f"{section.key}-abstain"], marked

    def declaration_fields(self):
        return [self[name] for name, _label in DECLARATIONS]

    def clean(self):
        data = super().clean()
        self.choices = CardChoices()
        for section in self.sections:
            self._clean_section(section, data)
        if not all(data.get(name) for name, _label in DECLARATIONS):
            self.add_error(None, messages.TICK_ALL_FIELDS)
            self.declarations_error = messages.TICK_ALL_FIELDS
        if self.box.pesel_required:
            self._clean_pesel(data.get("pesel", ""))
        return data

    def _clean_section(self, section: CardSection, data):
        chosen = data.get(f"{section.key}-options")
        chosen = [chosen] if isinstance(chosen, int) else list(chosen or [])
        abstain = data.get(f"{section.key}-abstain")
        if not chosen and not abstain:
            self.add_error(f"{section.key}-options", messages.FIELD_NOT_FILLED)
        elif chosen and abstain:
            self.add_error(f"{section.key}-options", messages.BOTH_CHOSEN)
        polls = {section.poll_by_option[pk].pk for pk in chosen}
        if len(polls) > 1:
            self.add_error(f"{section.key}-options",
                           _("Choose projects from one district only."))
        if len(chosen) > section.max_choices:
            self.add_error(f"{section.key}-options",
                           _("Choose at most %(n)d projects.") % {"n": section.max_choices})
        for poll_pk in polls:
            self.choices.by_poll[poll_pk] = chosen

    def _clean_pesel(self, value: str):
        self.pesel_facts = None
        try:
            self.pesel_facts = pesel_check(value, on=self.voting_day,
                                           minimum_age=self.box.minimum_age)
        except PeselError as error:
            message = (messages.under_age(self.box.minimum_age) if error.code == "age"
                       else messages.PESEL_ERRORS[error.code])
            self.add_error("pesel", message)
