"""Amounts of money as people type them: Polish "12 345,67 zł" or "12345.67"; never floats."""
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SPACES = re.compile(r"[\s\u00a0\u202f']")
_PLAIN = re.compile(r"\d{1,12}(\.\d{1,2})?")


def _normalise(text: str) -> str:
    text = _SPACES.sub("", text).lower().removesuffix("zł").removesuffix("pln")
    if "," in text and "." in text:
        # Both marks: the last one is the decimal mark, the other groups thousands.
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        return text.replace(thousands, "").replace(decimal, ".")
    if text.count(",") == 1:
        return text.replace(",", ".")
    if text.count(".") > 1:
        return text.replace(".", "")  # 1.234.567 — dots grouping thousands
    return text


def amount_parse(value) -> Decimal:
    """Return a positive amount with at most two decimal places, or raise ValidationError."""
    if isinstance(value, Decimal):
        text = format(value, "f")
    elif isinstance(value, int | float):
        text = repr(value)  # the shortest form, as a spreadsheet shows it
    else:
        text = str(value or "")
    if not text.strip():
        raise ValidationError(_("Enter an amount."), code="required")
    normalised = _normalise(text.strip())
    if normalised.endswith(".0") and _PLAIN.fullmatch(normalised[:-2]):
        normalised = normalised[:-2]
    if not _PLAIN.fullmatch(normalised):
        raise ValidationError(
            _("“%(value)s” is not an amount in PLN; write it like 12345,67 or 12345.67.")
            % {"value": text.strip()[:40]}, code="invalid")
    try:
        amount = Decimal(normalised)
    except InvalidOperation as error:  # pragma: no cover - the pattern already matched
        raise ValidationError(_("Enter an amount."), code="invalid") from error
    if amount <= 0:
        raise ValidationError(_("The amount must be greater than zero."), code="min_value")
    return amount.quantize(Decimal("0.01"))
