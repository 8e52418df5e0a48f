"""An organisation's staff dashboard."""
from django.views.generic import TemplateView

from .mixins import OrganisationScopedMixin
from .models import Membership


class OrganisationDashboardView(OrganisationScopedMixin, TemplateView):
    template_name = "organisations/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mine = Membership.objects.filter(user=self.request.user, organisation=self.organisation)
        context["my_roles"] = [m.get_role_display() for m in mine]
        context["my_role_keys"] = {m.role for m in mine}
        context["staff"] = (Membership.objects.filter(organisation=self.organisation)
                            .select_related("user").order_by("role", "user__email"))
        return context
