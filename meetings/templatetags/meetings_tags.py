from django import template

from organisations.roles import Role
from organisations.selectors import organisations_for

from .. import selectors

register = template.Library()


@register.simple_tag
def meeting_links(user) -> dict:
    """The meetings ``user`` runs and those they vote in, for the home page."""
    if not user.is_authenticated:
        return {}
    return {
        "run": selectors.meetings_run_by(user).select_related("organisation"),
        "run_organisations": organisations_for(user, Role.COMPANY_SECRETARY),
        "mine": selectors.meetings_of_member(user).select_related("organisation"),
    }
