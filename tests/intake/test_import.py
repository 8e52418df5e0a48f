"""PB-8: every row checked, a report with line numbers, all or nothing, no duplicates."""
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from audit.models import AuditRecord
from intake.models import Proposal
from intake.services import proposals_import

from .importfiles import HEADER, csv_file, good_rows, xlsx_file


def _import(edition, actor, upload):
    with translation.override("en"):
        return proposals_import(edition=edition, actor=actor, uploaded_file=upload)


@pytest.mark.django_db
def test_an_xlsx_file_imports_submitted_and_numbered_in_file_order(edition, clerk):
    report = _import(edition, clerk, xlsx_file(good_rows(3)))
    assert report.ok and report.created == ["2027/001", "2027/002", "2027/003"]
    proposals = list(Proposal.objects.order_by("number"))
    assert [p.title for p in proposals] == ["Projekt 1", "Projekt 2", "Projekt 3"]
    first = proposals[0]
    assert (first.state, first.channel, first.entered_by, first.applicant) == \
        ("submitted", "import", clerk, None)
    assert str(first.estimated_cost) == "10000.50"
    assert first.pool.name == "Śródmieście" and proposals[1].pool.name == "Ogólnomiejski"
    assert first.applicant_email == "osoba1@example.org" and first.import_key == "id:1"


@pytest.mark.django_db
@pytest.mark.parametrize("delimiter,encoding", [(";", "utf-8"), (",", "utf-8-sig"),
                                                (";", "cp1250")])
def test_csv_files_as_spreadsheets_save_them(edition, clerk, delimiter, encoding):
    rows = [[cell.replace(",", ".") if delimiter == "," else cell for cell in row]
            for row in good_rows(2)]
    report = _import(edition, clerk, csv_file(rows, delimiter=delimiter, encoding=encoding))
    assert report.ok, report.errors
    assert Proposal.objects.get(number=1).pool.name == "Śródmieście"


@pytest.mark.django_db
def test_one_bad_row_leaves_the_database_unchanged_and_is_reported_by_line(edition, clerk):
    rows = good_rows(4)
    rows[2][2] = "Atlantyda"  # line 4: no such pool
    rows[3][6] = "dużo"  # line 5: not an amount
    rows[0][8] = "not-an-email"  # line 2
    audit_before = AuditRecord.objects.count()
    report = _import(edition, clerk, xlsx_file(rows))
    assert not report.ok and report.created == []
    lines = dict(report.errors)
    assert set(lines) == {2, 4, 5}
    assert "There is no pool “Atlantyda”" in lines[4] and "Śródmieście" in lines[4]
    assert "not an amount" in lines[5]
    assert "not a valid e-mail address" in lines[2]
    assert Proposal.objects.count() == 0 and AuditRecord.objects.count() == audit_before
    edition.refresh_from_db()
    assert edition.last_proposal_number == 0


@pytest.mark.django_db
def test_a_row_refused_while_writing_rolls_back_the_rows_before_it(edition, clerk):
    edition.max_proposals_per_applicant = 1
    edition.save()
    rows = good_rows(3)
    rows[2][8] = rows[0][8]  # line 4: the same applicant as line 2, over the limit of 1
    report = _import(edition, clerk, xlsx_file(rows))
    assert [line for line, _ in report.errors] == [4]
    assert "limit" in report.errors[0][1]
    assert Proposal.objects.count() == 0
    edition.refresh_from_db()
    assert edition.last_proposal_number == 0


@pytest.mark.django_db
def test_required_fields_and_missing_columns(edition, clerk):
    rows = good_rows(1)
    rows[0][1] = ""
    report = _import(edition, clerk, xlsx_file(rows))
    assert report.errors == [(2, "“tytuł” is empty.")]
    report = _import(edition, clerk, xlsx_file(good_rows(1), header=HEADER[:5]))
    assert report.errors[0][0] == 0 and "koszt" in report.errors[0][1]


@pytest.mark.django_db
def test_importing_the_same_file_twice_does_not_duplicate(edition, clerk):
    assert _import(edition, clerk, xlsx_file(good_rows(3))).created
    again = _import(edition, clerk, xlsx_file(good_rows(4)))
    assert again.ok and again.skipped == 3 and again.created == ["2027/004"]
    assert Proposal.objects.count() == 4


@pytest.mark.django_db
def test_without_an_identifier_a_row_is_recognised_by_its_content(edition, clerk):
    rows = [row[1:] for row in good_rows(2)]
    header = HEADER[1:]
    assert len(_import(edition, clerk, csv_file(rows, header=header)).created) == 2
    assert _import(edition, clerk, csv_file(rows, header=header)).skipped == 2
    assert Proposal.objects.count() == 2
    duplicate = _import(edition, clerk, csv_file([rows[0], rows[0]], header=header))
    assert duplicate.errors == [(3, "The same proposal is on line 2.")]


@pytest.mark.django_db
@pytest.mark.parametrize("upload,reason", [
    (SimpleUploadedFile("wnioski.xlsx", b"not a zip at all"), "could not be read as an XLSX"),
    (SimpleUploadedFile("wnioski.xlsx", b"PK\x03\x04broken"), "could not be read as an XLSX"),
    (SimpleUploadedFile("wnioski.pdf", b"%PDF-1.4"), "Choose a CSV or XLSX file"),
    (SimpleUploadedFile("wnioski.csv", b""), "The file is empty"),
    (SimpleUploadedFile("wnioski.csv", b"\x00\x01\x02"), "not a CSV text file"),
])
def test_malformed_files_get_a_clear_message(edition, clerk, upload, reason):
    report = _import(edition, clerk, upload)
    assert report.errors[0][0] == 0 and reason in report.errors[0][1]


@pytest.mark.django_db
def test_an_oversized_file_is_refused(edition, clerk, settings, monkeypatch):
    monkeypatch.setattr("intake.imports.MAX_IMPORT_MB", 0)
    report = _import(edition, clerk, xlsx_file(good_rows(1)))
    assert "the largest file you can import is 0 MB" in report.errors[0][1]


@pytest.mark.django_db
def test_import_only_while_intake_is_open_and_only_by_its_roles(edition_factory, city, clerk,
                                                               other_clerk, resident):
    draft = edition_factory(organisation=city)
    report = _import(draft, clerk, xlsx_file(good_rows(1)))
    assert "Proposal intake" in report.errors[0][1]
    open_edition = edition_factory(organisation=city, phase="intake")
    for outsider in (other_clerk, resident):
        with pytest.raises(PermissionDenied):
            _import(open_edition, outsider, xlsx_file(good_rows(1)))
