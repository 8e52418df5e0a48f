"""PB-6, PB-8: uploads and imports are checked for what they expand to before reading."""
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from intake.imports import ImportFileError, _table_read
from reports.uploads import attachment_type_check
from tests.intake.uploads import GOOD


def _bomb(members: dict[str, int], extra: dict[str, bytes] | None = None) -> bytes:
    """A small zip whose members expand to the given sizes (bytes of zeros)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED,
                         compresslevel=9) as archive:
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
        for name, size in members.items():
            with archive.open(name, "w", force_zip64=True) as member:
                chunk = b"\0" * (1024 * 1024)
                for _ in range(size // len(chunk)):
                    member.write(chunk)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content"), [
    ("plan.docx", _bomb({"word/document.xml": 120 * 1024 * 1024})),
    ("plan.odt", _bomb({"content.xml": 120 * 1024 * 1024},
                       {"mimetype": b"application/vnd.oasis.opendocument.text"})),
    ("plan.xlsx", _bomb({"xl/workbook.xml": 60 * 1024 * 1024,
                         "xl/sharedStrings.xml": 60 * 1024 * 1024})),
])
def test_an_office_file_that_expands_too_far_is_refused_before_it_is_read(name, content):
    assert len(content) < 1024 * 1024  # small on the wire
    with pytest.raises(ValidationError) as refused:
        attachment_type_check(SimpleUploadedFile(name, content))
    assert refused.value.code == "file_expands"


def test_an_office_file_with_too_many_members_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for n in range(2001):
            archive.writestr(f"word/media/{n}.xml", "")
    with pytest.raises(ValidationError) as refused:
        attachment_type_check(SimpleUploadedFile("many.docx", buffer.getvalue()))
    assert refused.value.code == "file_expands"


@pytest.mark.parametrize("content", [
    b"%PDF-",  # the prefix alone
    b"%PDF-1.4\n" + b"MZ\x90\x00 an executable, renamed" * 10,
    b"%PDF-1.7\n1 0 obj <<>> endobj\n",  # no end-of-file marker
    b"%PDF-x.y\n1 0 obj <<>> endobj\n%%EOF\n",
])
def test_a_pdf_prefix_alone_does_not_pass_a_file_as_pdf(content):
    with pytest.raises(ValidationError) as refused:
        attachment_type_check(SimpleUploadedFile("plan.pdf", content))
    assert refused.value.code == "file_content"


@pytest.mark.parametrize("name", sorted(GOOD))
def test_real_files_of_every_accepted_type_still_pass(name):
    attachment_type_check(SimpleUploadedFile(name, GOOD[name]))


def test_an_xlsx_import_with_huge_shared_strings_is_refused_before_openpyxl_reads_it():
    content = _bomb({"xl/sharedStrings.xml": 130 * 1024 * 1024},
                    {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
    with translation.override("pl"), pytest.raises(ImportFileError,
                                                   match="po rozpakowaniu zajmuje ponad 40 MB"):
        _table_read(SimpleUploadedFile("wnioski.xlsx", content))
