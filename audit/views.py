"""Staff read the audit trail of their own organisations."""
from django.views.generic import ListView

from organisations.mixins import OrganisationScopedMixin
from organisations.roles import roles_with_permission

from .models import AuditRecord


class OrganisationAuditView(OrganisationScopedMixin, ListView):
    template_name = "audit/auditrecord_list.html"
    context_object_name = "records"
    paginate_by = 50

    @property
    def organisation_roles(self):
        return tuple(roles_with_permission("audit.view_auditrecord"))

    def get_queryset(self):
        return AuditRecord.objects.filter(organisation=self.organisation).order_by(
            "-created_at", "-id"
        )
