"""Small real files of each accepted type, and a few impostors, for upload tests."""
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32


def _zip(members: dict, first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
XLSX = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
ODT = _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"})
ODS = _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"})

GOOD = {"plan.pdf": PDF, "photo.png": PNG, "photo.JPG": JPEG, "photo.jpeg": JPEG,
        "old.doc": OLE2, "old.xls": OLE2, "new.docx": DOCX, "new.xlsx": XLSX,
        "text.odt": ODT, "sheet.ods": ODS}


def upload(name: str = "plan.pdf", content: bytes = PDF, size: int | None = None):
    """An uploaded file; ``size`` pads a PDF to that many bytes."""
    if size is not None:
        content = content + b"0" * (size - len(content))
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
