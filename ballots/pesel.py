"""PESEL checks for ballots (PB-17, PB-18): format, checksum and date, minimum age.

python-stdnum does the arithmetic; this module turns its errors into the reasons the
city's rules name, and derives what statistics may keep (birth date, sex) — never the
number itself.
"""
from dataclasses import dataclass
from datetime import date

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pl import pesel as stdnum_pesel

from .hashing import keyed_digest


class PeselError(ValueError):
    """A PESEL refused, with a ``code``: required, length, character, invalid, age."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


@dataclass(frozen=True)
class PeselFacts:
    digest: str
    birth_date: date
    sex: str  # "F" or "M"


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def pesel_digest(number: str) -> str:
    return keyed_digest("pesel", number)


def pesel_check(value: str, *, on: date, minimum_age: int) -> PeselFacts:
    """Validate ``value`` as a PESEL of someone at least ``minimum_age`` years old ``on``."""
    number = (value or "").strip()
    if not number:
        raise PeselError("required")
    if not number.isascii() or not number.isdigit():
        raise PeselError("character")
    if len(number) != 11:
        raise PeselError("length")
    try:
        stdnum_pesel.validate(number)
    except StdnumError as error:
        raise PeselError("invalid") from error
    birth_date = stdnum_pesel.get_birth_date(number)
    if age_on(birth_date, on) < minimum_age:
        raise PeselError("age")
    sex = "F" if stdnum_pesel.get_gender(number) == "F" else "M"
    return PeselFacts(digest=pesel_digest(number), birth_date=birth_date, sex=sex)
