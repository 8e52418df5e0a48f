"""Where a project would be built, as people type it: "50,0971" or "50.0971" (PB-14)."""
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Poland with a margin: a swapped pair or a typo (5.0971) is caught, a border village is not.
LATITUDE_RANGE = (Decimal("49"), Decimal("55"))
LONGITUDE_RANGE = (Decimal("14"), Decimal("24.2"))
_NUMBER = re.compile(r"\d{1,3}(\.\d{1,12})?")


def coordinate_parse(value, *, latitude: bool) -> Decimal | None:
    """One coordinate in decimal degrees, rounded to 6 places; None when empty."""
    text = str(value if value is not None else "").strip().replace(" ", "").replace(",", ".")
    text = text.removesuffix("°")
    if not text:
        return None
    name = _("Latitude") if latitude else _("Longitude")
    if not _NUMBER.fullmatch(text):
        raise ValidationError(
            _("%(name)s “%(value)s” is not a number of degrees; write it like 50,0614 or "
              "50.0614.") % {"name": name, "value": str(value).strip()[:40]}, code="invalid")
    low, high = LATITUDE_RANGE if latitude else LONGITUDE_RANGE
    number = Decimal(text)
    if not low <= number <= high:
        raise ValidationError(
            _("%(name)s %(value)s is outside Poland (from %(low)s to %(high)s); check the "
              "number, or whether latitude and longitude are swapped.")
            % {"name": name, "value": text.replace(".", ","),
               "low": str(low).replace(".", ","), "high": str(high).replace(".", ",")},
            code="range")
    return number.quantize(Decimal("0.000001"))


def coordinates_pair_check(latitude: Decimal | None, longitude: Decimal | None) -> None:
    """Both coordinates or neither: half a place cannot be shown on a map."""
    if (latitude is None) != (longitude is None):
        raise ValidationError(_("Give both the latitude and the longitude, or neither."),
                              code="pair")
