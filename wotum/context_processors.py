"""Navigation that follows the roles the signed-in person holds."""
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organisations.selectors import memberships_of

COUNCIL_ROLES = {"council_operator", "council_chair", "councillor"}


def navigation(request):
    user = getattr(request, "user", None)
    items = [{"label": _("Home"), "url": reverse("home")}]
    organisations = []
    if user is not None and user.is_authenticated:
        seen = set()
        memberships = list(memberships_of(user))
        if any(m.role in COUNCIL_ROLES for m in memberships):
            items.append({"label": _("Council sessions"), "url": reverse("council:sessions")})
        for membership in memberships:
            if membership.organisation_id not in seen:
                seen.add(membership.organisation_id)
                organisations.append(membership.organisation)
    return {"nav_items": items, "nav_organisations": organisations,
            "settings_outbox": settings.WOTUM_OUTBOX_KEEP_BODIES}
