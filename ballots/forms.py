"""The ballot card (PB-15) built from a box's polls, and the link request form."""
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import messages
from .card import CardSection, card_of
from .pesel import PeselError, pesel_check
from .services import CardChoices

# ASCII digits only: str.isdigit() accepts "²³", which int() refuses.
_ID = re.compile(r"[0-9]{1,18}")

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

    def __init__(self, *args, box, voting_day=None, preferred_poll: int | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.box = box
        # The voter's own district, chosen first: shown open, before the other districts.
        self.preferred_poll = preferred_poll
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

    def _marked(self, section: CardSection) -> set[int]:
        value = self[f"{section.key}-options"].value()
        values = value if isinstance(value, list | tuple) else [value]
        return {int(v) for v in values if _ID.fullmatch(str(v or ""))}

    def _polls_in_order(self, section: CardSection) -> tuple:
        """The section's polls, the voter's own district first."""
        own = [p for p in section.polls if p.pk == self.preferred_poll]
        return (*own, *(p for p in section.polls if p.pk != self.preferred_poll))

    def section_fields(self):
        """(section, options field, abstain field, ids marked, polls in order) per section."""
        for section in self.sections:
            yield (section, self[f"{section.key}-options"], self[f"{section.key}-abstain"],
                   self._marked(section), self._polls_in_order(section))

    def district_choices(self):
        """The districts a voter may pick first: (poll, is it the chosen one)."""
        return [(poll, poll.pk == self.preferred_poll)
                for section in self.sections if section.grouped for poll in section.polls]

    def summary(self) -> list[dict]:
        """What the voter has ticked so far, per section, with the choices still left."""
        rows = []
        for section in self.sections:
            marked = self._marked(section)
            chosen = [option for poll in section.polls for option in poll.options
                      if option.pk in marked]
            polls = {section.poll_by_option[option.pk] for option in chosen}
            rows.append({
                "section": section, "chosen": chosen,
                "poll": next(iter(polls)) if len(polls) == 1 else None,
                "abstain": bool(self[f"{section.key}-abstain"].value()),
                "max": section.max_choices,
                "left": max(section.max_choices - len(chosen), 0)})
        return rows

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
