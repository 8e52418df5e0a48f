"""The ballot card's messages, worded as the city's rules word them (PB-18)."""
from django.utils.translation import gettext_lazy as _

FIELD_NOT_FILLED = _("Field not filled in.")
TICK_ALL_FIELDS = _("Tick all the fields.")
ILLEGAL_CHARACTER = _("Illegal character.")
INVALID_PESEL = _("Invalid PESEL number.")
PESEL_LENGTH = _("The PESEL number must have 11 digits.")
BOTH_CHOSEN = _("Choose a project or tick the box “I do not vote…”, not both.")


def under_age(age: int) -> str:
    return _("Under %(age)d years of age.") % {"age": age}


PESEL_ERRORS = {
    "required": FIELD_NOT_FILLED,
    "character": ILLEGAL_CHARACTER,
    "length": PESEL_LENGTH,
    "invalid": INVALID_PESEL,
}
