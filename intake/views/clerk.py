"""The intake clerk's pages: paper proposals (PB-7) and file imports (PB-8)."""
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from ..forms import ImportForm, PaperProposalForm
from ..import_jobs import proposals_import_start
from ..import_models import ProposalImport
from ..imports import COLUMNS, MAX_IMPORT_MB, MAX_IMPORT_ROWS, import_template_xlsx
from ..models import Proposal
from .base import StaffMixin
from .proposals import ProposalCreateView

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PaperProposalCreateView(StaffMixin, ProposalCreateView):
    """A clerk types in a proposal received on paper, for a named applicant."""

    permission = "intake.enter_paper_proposal"
    channel = Proposal.Channel.PAPER

    def get_form_class(self, proposal=None):
        return PaperProposalForm

    def applicant(self, form):
        return form.cleaned_data.get("account_email")

    def refused(self):
        refusal = self.edition.refusal("intake")
        if refusal:
            messages.error(self.request, refusal)
            return redirect("intake:edition_detail", self.organisation.slug, self.edition.pk)
        return None


class ProposalImportView(StaffMixin, TemplateView):
    """Import a CSV or XLSX file of proposals; a report lists every refused row."""

    template_name = "intake/proposal_import.html"
    permission = "intake.import_proposals"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            edition=self.edition, columns=COLUMNS, pools=self.edition.pools.all(),
            max_mb=MAX_IMPORT_MB, max_rows=MAX_IMPORT_ROWS,
            intake_refusal=self.edition.refusal("intake"), **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=ImportForm()))

    def post(self, request, *args, **kwargs):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        report = proposals_import_start(edition=self.edition, actor=request.user,
                                        uploaded_file=form.cleaned_data["file"])
        if isinstance(report, ProposalImport):  # a large file: the worker imports it
            return redirect("intake:proposal_import_job", self.organisation.slug,
                            self.edition.pk, report.key)
        if not report.ok:
            messages.error(request, _("Nothing was imported: the file has errors, listed "
                                      "below. Correct them and send the whole file again."))
            return self.render_to_response(self.get_context_data(
                form=ImportForm(), report=report, file_name=form.cleaned_data["file"].name),
                status=400)
        if report.created:
            messages.success(request, _("%(count)d proposals imported and submitted: "
                                        "%(first)s … %(last)s.")
                             % {"count": len(report.created), "first": report.created[0],
                                "last": report.created[-1]})
        if report.sample_lines:
            messages.info(request, _("The template's example row (line %(lines)s) was left out: "
                                     "it is not a proposal.")
                          % {"lines": ", ".join(str(line) for line in report.sample_lines)})
        if report.skipped:
            messages.info(request, _("Rows already imported earlier, skipped: %(count)d.")
                          % {"count": report.skipped})
        return redirect("intake:edition_detail", self.organisation.slug, self.edition.pk)


class ProposalImportJobView(StaffMixin, TemplateView):
    """How far the worker got with a large file; its report once it is done."""

    template_name = "intake/proposal_import_job.html"
    permission = "intake.import_proposals"

    def get_context_data(self, **kwargs):
        job = get_object_or_404(ProposalImport, key=self.kwargs["key"], edition=self.edition)
        return super().get_context_data(edition=self.edition, job=job, report=job.report,
                                        **kwargs)


class ImportTemplateView(StaffMixin, TemplateView):
    """The XLSX template with the expected headings and this edition's pools."""

    permission = "intake.import_proposals"

    def get(self, request, *args, **kwargs):
        response = HttpResponse(import_template_xlsx(self.edition), content_type=XLSX)
        name = slugify(self.edition.name) or "edition"
        response["Content-Disposition"] = f'attachment; filename="{name}-wnioski.xlsx"'
        return response
