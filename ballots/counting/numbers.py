"""Exact numbers for counting: integers and fractions, never floats."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from numbers import Rational

Number = int | Fraction
"""An exact quantity: a head count, a weight, a cost or a budget."""


def exact(value: object, what: str = "value") -> Number:
    """Return ``value`` as an int or a Fraction; refuse floats and booleans.

    Decimals (what a database ``SUM`` over a decimal column returns) and numeric strings
    ("1234", "1234.50", "7/3") convert exactly.
    """
    if isinstance(value, bool | float):
        # A float has already lost exactness; a bool is almost always a bug upstream.
        raise TypeError(f"{what} must be an int, Fraction or Decimal, not {type(value).__name__}")
    if isinstance(value, int):
        return value
    if isinstance(value, Rational):
        return _simplify(Fraction(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{what} must be finite, got {value}")
        return _simplify(Fraction(value))
    if isinstance(value, str):
        try:
            return _simplify(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{what} must be a number, got {value!r}") from None
    raise TypeError(f"{what} must be an int, Fraction or Decimal, not {type(value).__name__}")


def _simplify(value: Fraction) -> Number:
    """Return an integral Fraction as an int so results print and compare simply."""
    return value.numerator if value.denominator == 1 else value


def format_number(value: Number) -> str:
    """Format for people: groups of three digits split by spaces, "120 000".

    A fraction with a short decimal expansion prints exactly ("12.5"); any other prints
    rounded to two places and marked as such ("≈279.03"), so a rounded figure never
    passes for an exact one.
    """
    value = _simplify(Fraction(value))
    if isinstance(value, int):
        return _group(value)
    for places in range(1, 5):
        scaled = value * 10**places
        if scaled.denominator == 1:
            return _decimal(scaled.numerator, places)
    return "≈" + _decimal(round(value * 100), 2)


def _decimal(scaled: int, places: int) -> str:
    """Write ``scaled / 10**places`` with grouped digits."""
    whole, part = divmod(abs(scaled), 10**places)
    sign = "-" if scaled < 0 else ""
    return f"{sign}{_group(whole)}.{part:0{places}d}"


def _group(number: int) -> str:
    return f"{number:,}".replace(",", " ")
