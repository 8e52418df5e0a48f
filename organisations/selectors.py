"""Reads that scope what staff see to the organisations they hold a role in."""
from django.db.models import QuerySet

from .models import Membership, Organisation


def organisations_for(user, *roles) -> QuerySet[Organisation]:
    """Organisations in which ``user`` holds any of ``roles`` (any role if none given)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    memberships = Membership.objects.filter(user=user)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return Organisation.objects.filter(pk__in=memberships.values("organisation_id"))


def user_has_role(user, organisation, *roles) -> bool:
    if not user.is_authenticated:
        return False
    memberships = Membership.objects.filter(user=user, organisation=organisation)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return memberships.exists()


def memberships_of(user):
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("organisation")
