"""Results of an edition: the staff page (recompute, progress, publish) and the public page."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from ballots import rules

from .. import results
from ..models import Edition
from ..participation import edition_participation
from ..results_explained import explain_pool
from .base import StaffMixin, confirm_render, org_perm


class EditionResultsView(StaffMixin, TemplateView):
    """Preliminary results per pool, for the staff who follow the vote (PB-21)."""

    template_name = "intake/results.html"
    permission = "ballots.view_live_report"

    def get_context_data(self, **kwargs):
        edition = self.edition
        run = results.edition_result_run_latest(edition)
        return super().get_context_data(
            edition=edition, pools=results.edition_results(edition), run=run,
            comparison=results.edition_results_comparison(edition, run),
            running=run is not None and not run.finished, rules=rules.budget_choices(),
            can_manage=org_perm(self.request.user, "intake.manage_edition", self.organisation),
            **kwargs)


class EditionResultsComputeView(StaffMixin, TemplateView):
    """Count every pool again, in the background, with the chosen rule."""

    permission = "intake.manage_edition"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            results.edition_results_recompute(edition=self.edition, actor=request.user,
                                              rule=request.POST.get("rule", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The results are being computed."))
        return redirect("intake:edition_results", self.organisation.slug, self.edition.pk)


class EditionResultsPublishView(StaffMixin, TemplateView):
    """Publish the preliminary results before the edition closes."""

    permission = "intake.manage_edition"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if request.POST.get("confirm") != "yes":
            return confirm_render(
                request, question=_("Publish the preliminary results?"),
                consequence=_("Everyone will see the latest results computed with the "
                              "edition's rule on the public results page. Publishing cannot "
                              "be undone."),
                confirm_label=_("Publish the preliminary results"), fields=[],
                cancel_url=reverse("intake:edition_results",
                                   args=[self.organisation.slug, self.edition.pk]))
        try:
            results.edition_results_publish(edition=self.edition, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The preliminary results are public now."))
        return redirect("intake:edition_results", self.organisation.slug, self.edition.pk)


class PublicResultsView(TemplateView):
    """Winners per pool and the full ranking, once the vote closed or results are published."""

    template_name = "intake/results_public.html"

    def get_context_data(self, **kwargs):
        edition = get_object_or_404(Edition.objects.select_related("organisation"),
                                    pk=self.kwargs["edition"])
        if not edition.results_public:
            raise Http404
        pools = results.edition_results_public(edition)
        for result in pools:
            result.explained = (explain_pool(result.snapshot.data,
                                             ballots=result.snapshot.ballots)
                                if result.snapshot else None)
        kwargs.update(edition=edition, pools=pools,
                      participation=edition_participation(edition))
        return super().get_context_data(**kwargs)
