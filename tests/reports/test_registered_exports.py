"""Every export an app registers with ``reports``: no full e-mail address in any cell, money
as money, the header frozen with filters (issue 11, X-5)."""
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ballots.results import box_results_compute
from evaluation.models import ReviewDecision
from intake.models import Proposal
from organisations.roles import Role
from reports import registry
from reports.exports import MONEY_FORMAT
from tests.results.conftest import voting_make

pytestmark = pytest.mark.django_db
ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


@pytest.fixture
def addresses_everywhere(city, staff):
    """The known edition, reviewed by people with addresses, an address in a justification."""
    clerk = staff(Role.INTAKE_CLERK, email="wprowadzajaca.karty@miasto.example.pl")
    edition = voting_make(city, clerk)
    formal = staff(Role.FORMAL_REVIEWER, email="formalny.weryfikator@miasto.example.pl")
    merit = staff(Role.MERIT_REVIEWER, email="merytoryczna@miasto.example.pl")
    for proposal in Proposal.objects.filter(edition=edition):
        for stage, reviewer in (("formal", formal), ("merit", merit)):
            ReviewDecision.objects.create(
                proposal=proposal, organisation=city, stage=stage, outcome="accepted",
                reviewer=reviewer, verified_cost=proposal.verified_cost,
                justification="Pytania: biuro.budzetu@urzad.example.pl lub tel. 32 000 00 00")
    Proposal.objects.filter(edition=edition).update(applicant_email="jan.nowak@example.org")
    box_results_compute(box=edition.ballot_box, rule="greedy")
    return edition


def _params(export, edition) -> dict:
    """How each scope's export is asked for; a new scope must be added here to be checked."""
    if export.scope == "box":
        return {"box_id": edition.ballot_box_id}
    if export.scope == "organisation":
        return {"organisation_id": edition.organisation_id}
    raise AssertionError(f"no sample parameters for exports of scope {export.scope!r}")


def _build(export, edition):
    from django.utils.module_loading import import_string

    xlsx, rows, _filename = import_string(export.source)(**_params(export, edition))
    buffer = io.BytesIO()
    xlsx.write(rows, buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def test_every_app_registers_its_exports():
    keys = {(export.scope, export.key) for export in registry.registered()}
    assert {("box", "results"), ("box", "invalid"), ("box", "voters"),
            ("organisation", "proposals")} <= keys


def test_no_registered_export_holds_a_full_e_mail_address(addresses_everywhere):
    masked_seen = set()
    for export in registry.registered():
        sheet = _build(export, addresses_everywhere).active
        assert sheet.max_row > 1, f"{export.key} has no rows: the scan would prove nothing"
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                text = "" if value is None else str(value)
                assert not ADDRESS.search(text), f"{export.scope}/{export.key}: {text!r}"
                if "•••@" in text:
                    masked_seen.add(text.split("•••@")[0][-1:] + "•••@")
    # The addresses were there, and came out masked by the one rule.
    assert {"w•••@", "f•••@", "m•••@", "j•••@", "b•••@"} <= masked_seen


def test_every_registered_export_freezes_its_header_with_filters(addresses_everywhere):
    for export in registry.registered():
        sheet = _build(export, addresses_everywhere).active
        assert sheet.freeze_panes == "A2", export.key
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}" \
            f"{sheet.max_row}", export.key


def test_money_is_a_number_cell_with_thousands_and_two_decimals(addresses_everywhere):
    results = _build(registry.get("box", "results"), addresses_everywhere).active
    header = [cell.value for cell in results[1]]
    cost = results.cell(2, header.index("Koszt (zł)") + 1)
    assert isinstance(cost.value, int | float | Decimal) and cost.number_format == MONEY_FORMAT
    proposals = _build(registry.get("organisation", "proposals"), addresses_everywhere).active
    header = [cell.value for cell in proposals[1]]
    estimated = proposals.cell(2, header.index("Szacunkowy koszt (zł)") + 1)
    assert isinstance(estimated.value, int | float) and estimated.number_format == MONEY_FORMAT


def test_the_voters_file_names_each_card_s_district(addresses_everywhere):
    voters = _build(registry.get("box", "voters"), addresses_everywhere).active
    header = [cell.value for cell in voters[1]]
    column = header.index("Dzielnica")
    districts = [row[column] for row in voters.iter_rows(min_row=2, values_only=True)]
    # conftest CARDS: 3 + 2 + 2 cards in Śródmieście, 2 in Boguszowice (valid ones).
    assert sorted(districts) == ["Boguszowice"] * 2 + ["Śródmieście"] * 7
