"""Which uploaded files are accepted: by extension and by their content. Every process's
uploads go through these checks (a proposal's attachments, PB-6; a session's documents, CS-7),
so they live here, below the process apps, and import none of them.

Zip-based formats (docx, xlsx, odt, ods) are checked for what they expand to before any
member is read: a 2 MB file can hold gigabytes ("zip bomb"), and ``namelist()`` says nothing
of sizes. The sizes checked are the ones the archive declares, and Python's zipfile never
reads a member past its declared size.
"""
import math
import re
import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ALLOWED_EXTENSIONS = tuple(CONTENT_TYPES)

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary Word and Excel formats
_MAGIC = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "doc": (_OLE2,),
    "xls": (_OLE2,),
}
# Zip-based formats: a member that only that format has.
_ZIP_MEMBER = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
# What an accepted office file may expand to, and how many members it may have.
MAX_EXPANDED_MB = 100
MAX_MEMBERS = 2000
# A PDF: the version header, at least one object, and the end-of-file marker near the end.
_PDF_HEADER = re.compile(rb"%PDF-[12]\.[0-9]")
_PDF_OBJECT = re.compile(rb"[0-9]+\s+[0-9]+\s+obj\b")
_PDF_TAIL_BYTES = 2048
_OPENDOCUMENT = {"odt": b"application/vnd.oasis.opendocument.text",
                 "ods": b"application/vnd.oasis.opendocument.spreadsheet"}


def extension_of(name: str) -> str:
    return PurePath(name or "").suffix.lower().lstrip(".")


class ArchiveTooLarge(ValueError):
    """The archive expands beyond the limits."""


def zip_limits_check(archive: zipfile.ZipFile, *, max_expanded_mb: int = MAX_EXPANDED_MB,
                     max_members: int = MAX_MEMBERS) -> None:
    """Raise ArchiveTooLarge if ``archive`` has too many members or expands too far."""
    members = archive.infolist()
    if len(members) > max_members:
        raise ArchiveTooLarge(f"{len(members)} members")
    if sum(member.file_size for member in members) > max_expanded_mb * 1024 * 1024:
        raise ArchiveTooLarge("expands too far")


def _zip_matches(uploaded_file, extension: str) -> bool:
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            zip_limits_check(archive)
            if extension in _ZIP_MEMBER:
                return _ZIP_MEMBER[extension] in archive.namelist()
            with archive.open("mimetype") as member:
                return member.read(100).strip() == _OPENDOCUMENT[extension]
    except ArchiveTooLarge:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, EOFError):
        return False


def _pdf_matches(uploaded_file) -> bool:
    """More than the first bytes: a header, an object and the end-of-file marker."""
    uploaded_file.seek(0)
    head = uploaded_file.read(1024)
    size = uploaded_file.size or 0
    uploaded_file.seek(max(0, size - _PDF_TAIL_BYTES))
    tail = uploaded_file.read(_PDF_TAIL_BYTES)
    uploaded_file.seek(0)
    return (_PDF_HEADER.match(head) is not None and b"%%EOF" in tail
            and _PDF_OBJECT.search(head + tail) is not None)


def _content_matches(uploaded_file, extension: str) -> bool:
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    if extension == "pdf":
        return _pdf_matches(uploaded_file)
    if extension in _MAGIC:
        return head.startswith(_MAGIC[extension])
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        return _zip_matches(uploaded_file, extension)
    finally:
        uploaded_file.seek(0)


def attachment_extension_check(name: str) -> str:
    """Return the lower-case extension of ``name`` if it is an accepted one, else raise."""
    extension = extension_of(name)
    if extension not in CONTENT_TYPES:
        raise ValidationError(
            _("The file “%(name)s” is not of an accepted type. Accepted: %(types)s.")
            % {"name": name, "types": ", ".join(ALLOWED_EXTENSIONS)}, code="file_type")
    return extension


def attachment_type_check(uploaded_file) -> str:
    """Return the content type to store for ``uploaded_file``, or raise ValidationError.

    The browser's declared type is not trusted: the extension must be an accepted one and
    the first bytes must be what that format starts with.
    """
    name = uploaded_file.name or ""
    extension = attachment_extension_check(name)
    try:
        matches = _content_matches(uploaded_file, extension)
    except ArchiveTooLarge:
        raise ValidationError(
            _("The file “%(name)s” was refused: unpacked, it would take more than %(max)d MB "
              "or hold more than %(members)d parts. Save it again without embedded media, "
              "or as PDF.") % {"name": name, "max": MAX_EXPANDED_MB, "members": MAX_MEMBERS},
            code="file_expands") from None
    if not matches:
        raise ValidationError(
            _("The file “%(name)s” is not a real %(type)s file; its content does not match "
              "its name.") % {"name": name, "type": extension.upper()}, code="file_content")
    return CONTENT_TYPES[extension]


def megabytes(size: int) -> str:
    """A size in MB as people write it: "11", "10,5" (Polish), never "11.0".

    Rounded up to a tenth, so a file just over a limit never reads as the limit itself.
    """
    tenths = math.ceil(size * 10 / 1048576)
    return number_format(tenths / 10, decimal_pos=0 if tenths % 10 == 0 else 1)


def size_display(size: int) -> str:
    """A file's size for a page: "11 MB", "10,5 MB", "312 kB"."""
    if size < 1048576:
        return f"{number_format(math.ceil(size / 1024))} kB"
    return f"{megabytes(size)} MB"
