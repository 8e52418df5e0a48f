"""View mixins that keep staff inside their own organisations (X-7)."""
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404

from .models import Organisation
from .selectors import organisations_for


class OrganisationScopedMixin(LoginRequiredMixin):
    """Resolve ``organisation`` from the URL among the user's own; others are a 404.

    A 404 rather than a 403, so that a member of one city cannot even learn which
    objects another city has.
    """

    organisation_roles: tuple[str, ...] = ()
    organisation_url_kwarg = "organisation"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.organisation = get_object_or_404(
                organisations_for(request.user, *self.organisation_roles),
                slug=kwargs[self.organisation_url_kwarg],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs["organisation"] = self.organisation
        return super().get_context_data(**kwargs)


def scoped(queryset, user, *roles, field="organisation"):
    """Filter ``queryset`` to rows of organisations where ``user`` holds ``roles``."""
    return queryset.filter(**{f"{field}__in": organisations_for(user, *roles)})


__all__ = ["OrganisationScopedMixin", "scoped", "Organisation"]
