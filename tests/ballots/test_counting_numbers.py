"""Exact numbers in, readable numbers out."""

from decimal import Decimal
from fractions import Fraction

import pytest

from ballots.counting import exact, format_number


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (120_000, "120 000"),
        (-5, "-5"),
        (Fraction(25, 2), "12.5"),
        (Fraction(1234567, 8), "154 320.875"),
        (Fraction(1, 3), "≈0.33"),
        (Fraction(405709, 1454), "≈279.03"),
        (Fraction(-1, 3), "≈-0.33"),
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize(
    ("value", "result"),
    [
        (7, 7),
        (Fraction(6, 3), 2),
        (Decimal("2.50"), Fraction(5, 2)),
        ("1234.5", Fraction(2469, 2)),
        (" 7/3 ", Fraction(7, 3)),
    ],
)
def test_exact(value, result):
    assert exact(value) == result
    assert type(exact(value)) is type(result)


@pytest.mark.parametrize("value", [1.5, True, None, Decimal("NaN"), "abc", "1/0"])
def test_exact_refuses(value):
    with pytest.raises((TypeError, ValueError)):
        exact(value)
