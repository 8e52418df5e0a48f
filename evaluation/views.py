"""PB-12: staff lists of all, accepted and rejected proposals, filtered, paginated, exported."""
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from django_filters.views import FilterView

from organisations.mixins import OrganisationScopedMixin
from organisations.roles import Role

from .exports import proposals_source
from .filters import ProposalFilter
from .selectors import LIST_KINDS, proposals_reviewed

LIST_TITLES = {"all": _("All submitted proposals"), "accepted": _("Accepted proposals"),
               "rejected": _("Rejected proposals")}


class ProposalListMixin(OrganisationScopedMixin):
    """The budget administrator and the reviewers of the organisation; others get a 404."""

    organisation_roles = (Role.BUDGET_ADMIN, Role.FORMAL_REVIEWER, Role.MERIT_REVIEWER)

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in LIST_KINDS:
            raise Http404
        self.kind = kwargs["kind"]
        return super().dispatch(request, *args, **kwargs)

    def filterset_for(self, data):
        return ProposalFilter(data or None, organisation=self.organisation,
                              queryset=proposals_reviewed(organisation=self.organisation,
                                                          kind=self.kind))


class ProposalListView(ProposalListMixin, FilterView):
    filterset_class = ProposalFilter
    template_name = "evaluation/proposal_list.html"
    context_object_name = "proposals"
    paginate_by = 25

    def get_filterset(self, filterset_class):
        return self.filterset_for(self.request.GET)

    def get_context_data(self, **kwargs):
        return super().get_context_data(kind=self.kind, kinds=LIST_TITLES,
                                        title=LIST_TITLES[self.kind], **kwargs)


class ProposalExportView(ProposalListMixin, View):
    """The same list, with the same filters, as an xlsx file (e-mail addresses masked)."""

    def get(self, request, *args, **kwargs):
        export, rows, filename = proposals_source(self.organisation.pk, self.kind,
                                                  request.GET.dict())
        return export.response(rows, filename=filename)
