"""The PB-12 / PB-23 proposal lists as xlsx, through the project's one export helper."""
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from reports.exports import Column, XlsxExport, export_filename
from reports.registry import RegisteredExport, register


class ProposalExport(XlsxExport):
    sheet_title = _("Proposals")
    columns = (
        Column("reference", _("Number"), width=10),
        Column("edition", _("Edition"), width=30),
        Column("pool", _("District or city-wide"), width=24),
        Column("title", _("Title"), width=50),
        Column("state", _("Status"), width=20),
        Column("estimated_cost", _("Estimated cost (PLN)"), width=16, money=True),
        Column("verified_cost", _("Verified cost (PLN)"), width=16, money=True),
        Column("applicant_name", _("Applicant"), width=24),
        Column("applicant_email", _("Applicant's e-mail"), mask=True, width=28),
        Column("formal_reviewer", _("Formal reviewer"), mask=True, width=28),
        Column("merit_reviewer", _("Merit reviewer"), mask=True, width=28),
        Column("justification", _("Last justification"), width=60),
        Column("submitted_at", _("Submitted"), width=18),
    )

    def get_edition(self, proposal):
        return proposal.edition.name

    def get_pool(self, proposal):
        return proposal.pool.name

    def get_state(self, proposal):
        return proposal.get_state_display()

    def get_applicant_email(self, proposal):
        return proposal.applicant_email or (proposal.applicant.email if proposal.applicant_id
                                            else "")

    def get_formal_reviewer(self, proposal):
        return getattr(proposal, "formal_reviewer_email", "") or ""

    def get_merit_reviewer(self, proposal):
        return getattr(proposal, "merit_reviewer_email", "") or ""

    def get_justification(self, proposal):
        return getattr(proposal, "last_justification", "") or ""


def proposals_source(organisation_id: int, kind: str = "all", query: dict | None = None):
    """The PB-12 list of ``kind`` with the list page's filters (``query``), as a file."""
    from .filters import ProposalFilter
    from .selectors import proposals_reviewed

    organisation = Organisation.objects.get(pk=organisation_id)
    filterset = ProposalFilter(query or None, organisation=organisation,
                               queryset=proposals_reviewed(organisation=organisation, kind=kind))
    valid = not filterset.is_bound or filterset.is_valid()
    rows = filterset.qs if valid else filterset.queryset.none()
    edition = filterset.form.cleaned_data.get("edition") if valid and filterset.is_bound else None
    parts = [organisation.slug, "proposals", kind, edition.year if edition else ""]
    return ProposalExport(), rows, export_filename(*[str(part) for part in parts])


def exports_register() -> None:
    """Offer the proposal lists through ``reports`` (served by the lists' own view)."""
    register(RegisteredExport(scope="organisation", key="proposals",
                              title=_("Submitted proposals"),
                              source="evaluation.exports.proposals_source",
                              permission="intake.manage_edition"))
