"""Links to the review pages for the home page and an organisation's dashboard."""
from django import template

from organisations.roles import Role
from organisations.selectors import organisations_for, user_has_role

from .. import selectors

register = template.Library()

LIST_ROLES = (Role.BUDGET_ADMIN, Role.FORMAL_REVIEWER, Role.MERIT_REVIEWER)


@register.simple_tag
def review_links(user) -> dict:
    """What of the review ``user`` may open: queue and inbox (with counts), the lists."""
    reviewer = selectors.is_reviewer(user)
    return {
        "reviewer": reviewer,
        "queue_count": selectors.queue_for(user).count() if reviewer else 0,
        "inbox_count": selectors.inbox_for(user).count() if reviewer else 0,
        "list_organisations": list(organisations_for(user, *LIST_ROLES))
        if user.is_authenticated else [],
    }


@register.simple_tag
def review_staff_in(user, organisation) -> dict:
    """Whether ``user`` reviews in ``organisation``, or may read its review lists."""
    return {"reviewer": user_has_role(user, organisation, *selectors.REVIEWER_ROLES),
            "lists": user_has_role(user, organisation, *LIST_ROLES)}
