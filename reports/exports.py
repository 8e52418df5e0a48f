"""The one xlsx export of Wotum: write-only, streamed, driven by a column spec.

A subclass names its columns; each column's value comes from a ``get_<name>(row)`` hook,
or the row's attribute of that name. openpyxl's write-only mode writes rows straight to a
temporary file, so memory stays flat for a million rows; the finished file is streamed to
the client from disk in chunks. Columns holding personal data (PESEL, e-mail) are marked
``mask=True`` and come out masked unless the export is built with ``reveal=True`` (X-5);
whatever the column, an e-mail address inside a text cell comes out masked by the same
rule (an address typed into a justification is still someone's address). Money columns
(``money=True``) are number cells formatted with a thousands separator and two decimals;
the header row stays in view and carries filters.
"""
import datetime
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import slugify

from notifications.services import mask_address

_PLAIN = (int, float, bool, Decimal)  # stored as they are
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MASK = "•"
MONEY_FORMAT = "#,##0.00"
# What an e-mail address looks like inside free text; the masked form ("a•••@x.pl") is not.
ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


def mask_addresses(text: str) -> str:
    """Mask every e-mail address inside ``text`` with the one masking rule."""
    return ADDRESS.sub(lambda match: mask_address(match.group(0)), text) if "@" in text else text


def mask_value(value) -> str:
    """Hide personal data: an e-mail keeps its first letter and domain, anything else nothing."""
    if value in (None, ""):
        return ""
    text = str(value)
    if "@" in text:
        return mask_address(text)
    return MASK * len(text)


@dataclass(frozen=True)
class Column:
    """One column: ``name`` picks the ``get_<name>`` hook; ``header`` is what people read."""

    name: str
    header: str | Promise
    mask: bool | Callable[[object], str] = False
    width: int | None = None
    money: bool = False


class XlsxExport:
    """Subclass with ``columns`` (and ``get_<name>`` hooks); call ``response(rows, ...)``."""

    columns: tuple[Column, ...] = ()
    sheet_title = "Export"
    chunk_size = 2000

    def __init__(self, *, reveal: bool = False):
        self.reveal = reveal

    def value(self, column: Column, row):
        return self._getter(column)(row)

    def _getter(self, column: Column) -> Callable[[object], object]:
        """The column's value function, resolved once per file rather than once per cell."""
        hook = getattr(self, f"get_{column.name}", None)
        if hook is None:
            name = column.name

            def hook(row):
                return getattr(row, name, None)

        if not column.mask or self.reveal:
            return hook
        masker = column.mask if callable(column.mask) else mask_value
        return lambda row: masker(hook(row))

    def _converter(self, sheet) -> Callable[[object], object]:
        """Turn a hook's value into one openpyxl can store, never a formula (no injection).

        Built once per file and called once per cell: the local time zone is looked up
        once rather than per datetime (``timezone.localtime`` reads it through asgiref's
        context-local each time), and the exact types of nearly every cell find their
        conversion with one dict lookup instead of a chain of ``isinstance`` checks.
        """
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

        zone = timezone.get_current_timezone()
        reveal = self.reveal

        def same(value):
            return value

        def moment(value: datetime.datetime):
            # As timezone.localtime: an aware value in the local zone, a naive one as it is.
            if value.utcoffset() is None:
                return value
            return value.astimezone(zone).replace(tzinfo=None)

        def text(value: str):
            if not value.isprintable():  # every illegal character is a control character
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if not reveal and "@" in value:
                value = mask_addresses(value)
            if value.startswith("="):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                return cell
            return value

        def other(value):
            if isinstance(value, bool | int | float | Decimal):
                return value
            if isinstance(value, datetime.datetime):
                return moment(value)
            if isinstance(value, datetime.date | Cell):
                return value
            return text(str(value))

        exact = dict.fromkeys((type(None), *_PLAIN, datetime.date), same)
        exact.update({str: text, datetime.datetime: moment})
        conversion = exact.get

        def convert(value):
            return conversion(type(value), other)(value)

        return convert

    def _iterate(self, rows: Iterable) -> Iterator:
        if isinstance(rows, QuerySet):
            return rows.iterator(chunk_size=self.chunk_size)
        return iter(rows)

    def write(self, rows: Iterable, fileobj) -> int:
        """Write the header and every row to ``fileobj``; return the number of rows."""
        # openpyxl is imported here, not with the module: with the numpy, lxml and Pillow it
        # pulls in when they are installed it is 29 MB that every web and worker process
        # would otherwise hold from django.setup() on (ballots registers its exports at
        # ready()), although only the process writing a file needs it.
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=str(self.sheet_title)[:31])
        for index, column in enumerate(self.columns, start=1):
            if column.width:
                sheet.column_dimensions[get_column_letter(index)].width = column.width
        bold = Font(bold=True)
        header = []
        for column in self.columns:
            cell = WriteOnlyCell(sheet, value=str(column.header))
            cell.font = bold
            header.append(cell)
        sheet.freeze_panes = "A2"
        sheet.append(header)
        count = 0
        getters = [self._money_getter(sheet, column) if column.money else self._getter(column)
                   for column in self.columns]
        convert, append = self._converter(sheet), sheet.append
        for row in self._iterate(rows):
            append([convert(get(row)) for get in getters])
            count += 1
        if self.columns:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(self.columns))}{count + 1}"
        workbook.save(fileobj)
        return count

    def _money_getter(self, sheet, column: Column) -> Callable[[object], object]:
        """The column's values as number cells in the money format (PLN, 1 234,50)."""
        from openpyxl.cell import WriteOnlyCell

        get = self._getter(column)

        def money(row):
            value = get(row)
            if value in (None, ""):
                return None
            cell = WriteOnlyCell(sheet, value=Decimal(value))
            cell.number_format = MONEY_FORMAT
            return cell

        return money

    def response(self, rows: Iterable, *, filename: str) -> FileResponse:
        """Build the file on disk (flat memory) and stream it as an attachment."""
        spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
        self.write(rows, spool)
        spool.seek(0)
        if not filename.endswith(".xlsx"):
            filename += ".xlsx"
        return FileResponse(spool, as_attachment=True, filename=filename,
                            content_type=XLSX_CONTENT_TYPE)


def export_filename(*parts: str) -> str:
    """``wotum-<parts>-<date>.xlsx`` with only safe characters."""
    words = [slugify(str(part)) for part in parts if part]
    return "-".join(["wotum", *words, timezone.localdate().isoformat()]) + ".xlsx"


# Large exports go to the background: a worker writes the file, the requester gets an e-mail.
ExportSource = Callable[..., tuple[XlsxExport, Iterable, str]]


def export_row_count(rows: Iterable) -> int:
    return rows.count() if isinstance(rows, QuerySet) else len(rows)  # type: ignore[arg-type]


def export_deliver(request, *, source: str, params: dict, organisation, permission: str,
                   title: str):
    """Stream the export now, or queue it when it has more rows than the threshold.

    ``source`` is the dotted path of a function taking ``params`` and returning
    ``(export, rows, filename)``: the worker calls it again to rebuild the same rows.
    """
    from django.conf import settings
    from django.shortcuts import redirect
    from django.utils.module_loading import import_string

    from .services import export_job_start

    export, rows, filename = import_string(source)(**params)
    threshold = getattr(settings, "WOTUM_EXPORT_BACKGROUND_ROWS", 50_000)
    if export_row_count(rows) > threshold:
        job = export_job_start(source=source, params=params, organisation=organisation,
                               permission=permission, title=title, filename=filename,
                               actor=request.user)
        return redirect("reports:export_job", key=job.key)
    return export.response(rows, filename=filename)
