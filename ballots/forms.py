"""The ballot card (PB-15) built from a box's polls, and the link request form."""
from django import forms
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import messages
from .pesel import PeselError, pesel_check
from .services import CardChoices

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


class CardSection:
    """One part of the card: a group of alternative polls (districts) or one poll."""

    def __init__(self, key: str, polls: list, grouped: bool):
        self.key, self.polls, self.grouped = key, polls, grouped
        self.max_choices = max(p.max_choices for p in polls)
        self.poll_by_option = {o.pk: p for p in polls for o in p.options.all()}

    @property
    def abstain_label(self):
        if self.grouped:
            return _("I do not vote for a local project")
        return _("I do not vote for a city-wide project")


def card_sections(box) -> list[CardSection]:
    """The card's sections in poll order: each choice group once, where it first appears."""
    # Loaded onto the box itself, so that ballot_cast checks the choices against the same
    # rows instead of querying polls and options a second time.
    prefetch_related_objects([box], "polls__options")
    polls = list(box.polls.all())  # Poll.Meta.ordering: box, position, id
    keys: list[str] = []
    members: dict[str, list] = {}
    for poll in polls:
        key = f"g-{poll.choice_group}" if poll.choice_group else f"p-{poll.pk}"
        if key not in members:
            keys.append(key)
            members[key] = []
        members[key].append(poll)
    return [CardSection(key, members[key], grouped=key.startswith("g-")) for key in keys]


class BallotCardForm(forms.Form):
    """Steps 1–4 of the card: choices per section, the declarations, the PESEL."""

    def __init__(self, *args, box, voting_day=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.box = box
        self.voting_day = voting_day or timezone.localdate()
        self.sections = card_sections(box)
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
        choices = [(o.pk, str(o)) for p in section.polls for o in p.options.all()]
        if section.max_choices == 1:
            field = forms.TypedChoiceField(choices=choices, coerce=int, required=False,
                                           widget=forms.RadioSelect)
        else:
            field = forms.TypedMultipleChoiceField(choices=choices, coerce=int, required=False,
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
            marked = {int(v) for v in values if str(v or "").isdigit()}
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
