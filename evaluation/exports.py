"""The PB-12 / PB-23 proposal lists as xlsx, through the project's one export helper."""
from django.utils.translation import gettext_lazy as _

from reports.exports import Column, XlsxExport


class ProposalExport(XlsxExport):
    sheet_title = _("Proposals")
    columns = (
        Column("reference", _("Number"), width=10),
        Column("edition", _("Edition"), width=30),
        Column("pool", _("District or city-wide"), width=24),
        Column("title", _("Title"), width=50),
        Column("state", _("Status"), width=20),
        Column("estimated_cost", _("Estimated cost (PLN)"), width=16),
        Column("verified_cost", _("Verified cost (PLN)"), width=16),
        Column("applicant_name", _("Applicant"), width=24),
        Column("applicant_email", _("Applicant's e-mail"), mask=True, width=28),
        Column("formal_reviewer", _("Formal reviewer"), width=28),
        Column("merit_reviewer", _("Merit reviewer"), width=28),
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
