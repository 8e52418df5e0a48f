"""Template helpers for participatory-budget pages and links."""
from django import template
from django.utils.formats import number_format

from organisations.selectors import organisations_for, user_has_role
from reports.uploads import size_display

from ..selectors import PB_STAFF_ROLES

register = template.Library()


@register.simple_tag
def pb_staff_organisations(user):
    """Organisations where ``user`` works on participatory budgets."""
    return organisations_for(user, *PB_STAFF_ROLES) if user.is_authenticated else []


@register.simple_tag
def pb_staff_in(user, organisation) -> bool:
    return user_has_role(user, organisation, *PB_STAFF_ROLES)


@register.filter
def pln(amount) -> str:
    """An amount in złoty with grouped thousands: "12 345,67 zł" in Polish."""
    if amount in (None, ""):
        return ""
    return f"{number_format(amount, decimal_pos=2, force_grouping=True)} zł"


@register.filter
def pln_short(amount) -> str:
    """Złoty as residents write them: "300 000 zł", with grosze only where there are some."""
    from decimal import Decimal

    if amount in (None, ""):
        return ""
    amount = Decimal(amount)
    if amount != amount.to_integral():
        return pln(amount)
    return f"{number_format(amount, decimal_pos=0, force_grouping=True)} zł"


@register.simple_tag
def editions_with_public_results(limit: int = 10):
    """Editions whose results the public may see: closed, or published early."""
    from django.db.models import Q

    from ..models import Edition

    return (Edition.objects.filter(ballot_box__isnull=False)
            .filter(Q(state=Edition.State.CLOSED) | Q(results_published_at__isnull=False))
            .select_related("organisation").order_by("-year", "name")[:limit])


@register.filter
def file_size(size) -> str:
    """A file's size as "11 MB" (not Django's "11,0 MB")."""
    return size_display(size) if size not in (None, "") else ""
