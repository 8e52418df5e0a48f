"""Amounts typed the Polish way or with a dot become Decimals; nothing else gets in."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from intake.money import amount_parse


@pytest.mark.parametrize("typed,amount", [
    ("12345,67", "12345.67"), ("12345.67", "12345.67"), ("12 345,67", "12345.67"),
    ("12\u00a0345,67 zł", "12345.67"), ("1.234.567", "1234567.00"), ("1.234,5", "1234.50"),
    ("1,234.50", "1234.50"), ("150000", "150000.00"), ("0,01", "0.01"), (" 99 PLN", "99.00"),
    (12345.67, "12345.67"), (150000, "150000.00"), (17.0, "17.00"),
    (Decimal("12.5"), "12.50"),
])
def test_amounts_people_write_are_read_exactly(typed, amount):
    assert amount_parse(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["", "abc", "12,345", "1.2.3,4,5", "-100", "0", "0,00",
                                   "12,3456", "1e5", "12 zł 50", None])
def test_anything_else_is_refused(typed):
    with pytest.raises(ValidationError):
        amount_parse(typed)
