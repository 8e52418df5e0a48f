"""Permissions from roles held per organisation.

Without an object, a permission holds if any of the user's roles grants it (viewflow's
inbox asks that way). With an object that belongs to an organisation, only the roles held
in that organisation count: a reviewer in one city is nobody in another.
"""
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from .roles import Role


def _perm_names(queryset) -> set[str]:
    return {f"{app}.{codename}" for app, codename in
            queryset.values_list("content_type__app_label", "codename")}


class OrganisationRoleBackend(ModelBackend):
    def _roles_by_organisation(self, user) -> dict[int, set[str]]:
        if not hasattr(user, "_wotum_roles"):
            roles: dict[int, set[str]] = {}
            for org_id, role in user.memberships.values_list("organisation_id", "role"):
                roles.setdefault(org_id, set()).add(role)
            user._wotum_roles = roles
        return user._wotum_roles

    def _role_perms(self, user, roles: set[str]) -> set[str]:
        cache = user.__dict__.setdefault("_wotum_role_perms", {})
        key = frozenset(roles)
        if key not in cache:
            cache[key] = _perm_names(Permission.objects.filter(group__name__in=roles))
        return cache[key]

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        organisation_id = getattr(obj, "organisation_id", None) if obj is not None else None
        if obj is not None:
            if organisation_id is None:
                return set()
            roles = self._roles_by_organisation(user_obj).get(organisation_id, set())
            return self._role_perms(user_obj, roles | {Role.RESIDENT.value})
        every_role = set().union(*self._roles_by_organisation(user_obj).values(), {Role.RESIDENT})
        return super().get_all_permissions(user_obj) | self._role_perms(user_obj, every_role)

    def has_perm(self, user_obj, perm, obj=None):
        if user_obj.is_active and user_obj.is_superuser:
            return True
        return perm in self.get_all_permissions(user_obj, obj)
