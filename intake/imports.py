"""Reading a flat file of proposals (PB-8): CSV or XLSX, every row checked, nothing written.

``intake.services.proposals_import`` writes what this module has read and checked.
"""
import csv
import datetime
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.uploads import ArchiveTooLarge, extension_of, megabytes, zip_limits_check

from .coordinates import coordinate_parse, coordinates_pair_check
from .money import amount_parse

# Files up to these bounds are imported; those over ``settings.WOTUM_IMPORT_IN_REQUEST_*``
# by the worker, with progress (intake.import_jobs).
MAX_IMPORT_MB = 20
MAX_IMPORT_ROWS = 20000
# Bounds on what an xlsx may expand to before openpyxl reads it (its shared strings are
# read whole, even in read-only mode), and on the cells read per row.
MAX_IMPORT_EXPANDED_MB = 40
MAX_IMPORT_MEMBERS = 200
MAX_IMPORT_COLUMNS = 40
# How often a background import reports how far it got (rows).
PROGRESS_EVERY = 200


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Polish heading used in the template
    aliases: tuple[str, ...]
    required: bool
    max_length: int
    help: str


COLUMNS = [
    Column("id", "numer", ("id", "nr", "number"), False, 90,
           gettext_lazy("Your own identifier of the proposal. Importing a row with an identifier "
                        "already imported skips it. Without this column a row is recognised by "
                        "its whole content.")),
    Column("title", "tytuł", ("title", "tytul", "nazwa"), True, 200,
           gettext_lazy("Title of the proposal, up to 200 characters.")),
    Column("pool", "pula", ("pool", "dzielnica", "district"), True, 120,
           gettext_lazy("The name of one of this edition's pools, as listed below (letter case "
                        "does not matter).")),
    Column("location", "lokalizacja", ("location", "miejsce"), False, 300,
           gettext_lazy("Where the project would be carried out.")),
    Column("description", "opis", ("description",), True, 20000,
           gettext_lazy("What the project is.")),
    Column("justification", "uzasadnienie", ("justification",), False, 20000,
           gettext_lazy("Why it is needed.")),
    Column("cost", "koszt", ("cost", "estimated cost", "szacunkowy koszt"), True, 40,
           gettext_lazy("Estimated cost in PLN, a positive number with at most two decimal "
                        "places: 12345,67 or 12345.67 (spaces between thousands are fine).")),
    Column("applicant", "wnioskodawca", ("applicant", "imię i nazwisko", "applicant name"),
           True, 200, gettext_lazy("The applicant's name.")),
    Column("email", "e-mail", ("email", "adres e-mail", "mail"), False, 254,
           gettext_lazy("The applicant's e-mail address, if known. The per-applicant limit of "
                        "submitted proposals counts by this address.")),
    Column("latitude", "szerokość geograficzna", ("latitude", "lat", "szerokość"), False, 40,
           gettext_lazy("Optional, with the longitude: where the project would be built, in "
                        "decimal degrees (50,0614 or 50.0614). The project's page links to the "
                        "place on a map.")),
    Column("longitude", "długość geograficzna", ("longitude", "lon", "lng", "długość"), False,
           40, gettext_lazy("Optional, with the latitude: decimal degrees (19,9372 or "
                            "19.9372).")),
]


class ImportFileError(Exception):
    """The file as a whole cannot be read."""


class ImportTooLong(Exception):  # noqa: N818 - a hand-off, not an error
    """More rows than a request imports: the worker takes the file."""


@dataclass
class ImportRow:
    line: int
    key: str
    fields: dict


@dataclass
class ImportReport:
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, reason); 0: the file
    created: list[str] = field(default_factory=list)  # references, in file order
    skipped: int = 0
    sample_lines: list[int] = field(default_factory=list)  # the template's example, left out

    @property
    def ok(self) -> bool:
        return not self.errors


def _normalise_heading(value) -> str:
    return " ".join(str(value or "").replace("*", " ").split()).casefold()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a spreadsheet's 17.0 is the identifier 17
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def _csv_rows(data: bytes) -> list[tuple[int, list]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1250", errors="replace")  # Excel's Polish CSV
    if "\x00" in text:
        raise ImportFileError(_("The file is not a CSV text file."))
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    try:
        return [(number, row) for number, row in
                enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1)]
    except csv.Error as error:
        raise ImportFileError(_("The CSV file could not be read: %(error)s.")
                              % {"error": error}) from error


def _xlsx_rows(source) -> list[tuple[int, list]]:
    """The rows of the first sheet of ``source`` (a seekable binary file), streamed."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = ImportFileError(_("The file could not be read as an XLSX workbook. Save it "
                                   "from your spreadsheet as “Excel workbook (.xlsx)” or CSV."))
    source.seek(0)
    if source.read(4) != b"PK\x03\x04":
        raise unreadable
    try:
        with zipfile.ZipFile(source) as archive:
            zip_limits_check(archive, max_expanded_mb=MAX_IMPORT_EXPANDED_MB,
                             max_members=MAX_IMPORT_MEMBERS)
    except ArchiveTooLarge:
        raise ImportFileError(_("The workbook unpacks to more than %(max)d MB or has more "
                                "than %(members)d parts; it cannot be a list of proposals. "
                                "Save the sheet alone as a new workbook or as CSV.")
                              % {"max": MAX_IMPORT_EXPANDED_MB,
                                 "members": MAX_IMPORT_MEMBERS}) from None
    except zipfile.BadZipFile as error:
        raise unreadable from error
    try:
        source.seek(0)
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError,
            TypeError) as error:
        raise unreadable from error
    try:
        rows = []
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True,
                                                     max_col=MAX_IMPORT_COLUMNS), 1):
            rows.append((number, list(row)))
            if number > MAX_IMPORT_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def _table_read(uploaded_file, *, in_request_rows: int | None = None
                ) -> list[tuple[int, list]]:
    """The file's non-empty rows; ``ImportTooLong`` past ``in_request_rows`` rows."""
    return _table_rows(uploaded_file, import_file_check(uploaded_file), in_request_rows)


def import_file_check(uploaded_file) -> str:
    """The file's extension; ``ImportFileError`` for a file of another kind or too large."""
    extension = extension_of(uploaded_file.name)
    if extension not in ("csv", "xlsx"):
        raise ImportFileError(_("Choose a CSV or XLSX file; “%(name)s” is neither.")
                              % {"name": uploaded_file.name})
    if uploaded_file.size > MAX_IMPORT_MB * 1024 * 1024:
        raise ImportFileError(_("The file is %(size)s MB; the largest file you can import is "
                                "%(max)d MB. Split it into smaller files.")
                              % {"size": megabytes(uploaded_file.size),
                                 "max": MAX_IMPORT_MB})
    return extension


def _table_rows(uploaded_file, extension: str, in_request_rows: int | None
                ) -> list[tuple[int, list]]:
    uploaded_file.seek(0)
    # An xlsx is streamed from its file (openpyxl read-only); a CSV is decoded whole.
    rows = (_xlsx_rows(uploaded_file) if extension == "xlsx"
            else _csv_rows(uploaded_file.read()))
    rows = [(number, cells) for number, cells in rows if any(_text(c) for c in cells)]
    if not rows:
        raise ImportFileError(_("The file is empty."))
    if in_request_rows is not None and len(rows) > in_request_rows + 1:
        raise ImportTooLong
    if len(rows) > MAX_IMPORT_ROWS + 1:
        raise ImportFileError(_("The file has more than %(max)d rows; split it into smaller "
                                "files.") % {"max": MAX_IMPORT_ROWS})
    return rows


def _header_map(cells: list) -> dict[str, int]:
    """Map column keys to positions; raise if a required column is missing."""
    names = {_normalise_heading(column.header): column.key for column in COLUMNS}
    names.update({alias: column.key for column in COLUMNS for alias in column.aliases})
    positions: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = names.get(_normalise_heading(cell))
        if key and key not in positions:
            positions[key] = index
    missing = [column.header for column in COLUMNS if column.required
               and column.key not in positions]
    if missing:
        raise ImportFileError(_("The first row must name the columns; missing: %(columns)s.")
                              % {"columns": ", ".join(missing)})
    return positions


def _row_check(values: dict, pools: dict) -> tuple[dict, list[str]]:
    """Return the proposal's fields and the reasons the row is refused."""
    problems = []
    for column in COLUMNS:
        text = _text(values.get(column.key))
        if column.required and not text:
            problems.append(_("“%(column)s” is empty.") % {"column": column.header})
        elif len(text) > column.max_length:
            problems.append(_("“%(column)s” is longer than %(max)d characters.")
                            % {"column": column.header, "max": column.max_length})
    pool_name = _text(values.get("pool"))
    pool = pools.get(pool_name.casefold())
    if pool_name and pool is None:
        problems.append(_("There is no pool “%(name)s” in this edition; the pools are: "
                          "%(pools)s.") % {"name": pool_name,
                                           "pools": ", ".join(p.name for p in pools.values())})
    cost = None
    if _text(values.get("cost")):
        try:
            cost = amount_parse(values.get("cost"))
        except ValidationError as error:
            problems.extend(error.messages)
    coordinates = {}
    for name in ("latitude", "longitude"):
        try:
            coordinates[name] = coordinate_parse(_text(values.get(name)),
                                                 latitude=name == "latitude")
        except ValidationError as error:
            problems.extend(error.messages)
    if len(coordinates) == 2:
        try:
            coordinates_pair_check(coordinates["latitude"], coordinates["longitude"])
        except ValidationError as error:
            problems.extend(error.messages)
    email = _text(values.get("email"))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("“%(value)s” is not a valid e-mail address.") % {"value": email})
    fields = {"title": _text(values.get("title")), "pool": pool,
              "location": _text(values.get("location")),
              "description": _text(values.get("description")),
              "justification": _text(values.get("justification")), "estimated_cost": cost,
              "applicant_name": _text(values.get("applicant")), "applicant_email": email.lower(),
              "latitude": coordinates.get("latitude"), "longitude": coordinates.get("longitude")}
    return fields, problems


def _row_key(values: dict, fields: dict) -> str:
    """The row's identity across imports: its own identifier, else a hash of its content."""
    own = _text(values.get("id"))
    if own:
        return f"id:{own}"
    content = [fields["title"], fields["pool"].name.casefold(), fields["location"],
               fields["description"], fields["justification"], str(fields["estimated_cost"]),
               fields["applicant_name"], fields["applicant_email"]]
    if fields["latitude"] is not None:
        # Only when given, so that rows imported before the columns existed keep their key.
        content += [str(fields["latitude"]), str(fields["longitude"])]
    digest = hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()
    return f"row:{digest[:48]}"


# The template's example row: its identifier marks it, and so does its content if the
# identifier was removed, so that it is never imported as a real proposal.
SAMPLE_ID = "PRZYKŁAD"
SAMPLE = {"title": "Ławki w parku", "location": "ul. Parkowa 1",
          "description": "Dziesięć ławek wzdłuż alejki.",
          "justification": "Brakuje miejsc do odpoczynku.", "cost": 12000,
          "applicant": "Jan Kowalski", "email": "jan.kowalski@example.org",
          "latitude": 50.0614, "longitude": 19.9372}


def _is_sample(values: dict) -> bool:
    if _text(values.get("id")).casefold() == SAMPLE_ID.casefold():
        return True
    return all(_text(values.get(key)) == _text(value) for key, value in SAMPLE.items()
               if key not in ("cost", "email", "latitude", "longitude")
               ) and bool(_text(values.get("title")))


def import_read(uploaded_file, edition, *, sample_lines: list[int] | None = None,
                in_request_rows: int | None = None, progress=None
                ) -> tuple[list[ImportRow], list[tuple[int, str]]]:
    """Read and check every row of ``uploaded_file`` for ``edition``; write nothing.

    The template's example row is left out; its line goes to ``sample_lines``.
    ``progress(checked, total)`` is called every ``PROGRESS_EVERY`` rows and at the end.
    """
    try:
        table = _table_read(uploaded_file, in_request_rows=in_request_rows)
        positions = _header_map(table[0][1])
    except ImportFileError as error:
        return [], [(0, str(error))]
    pools = {pool.name.casefold(): pool for pool in edition.pools.all()}
    rows, errors, seen = [], [], {}
    total = len(table) - 1
    for checked, (line, cells) in enumerate(table[1:], 1):
        if progress is not None and checked % PROGRESS_EVERY == 0:
            progress(checked, total)
        values = {key: cells[index] if index < len(cells) else None
                  for key, index in positions.items()}
        if _is_sample(values):
            if sample_lines is not None:
                sample_lines.append(line)
            continue
        fields, problems = _row_check(values, pools)
        if problems:
            errors.append((line, " ".join(problems)))
            continue
        key = _row_key(values, fields)
        if key in seen:
            errors.append((line, _("The same proposal is on line %(line)d.") % {"line": seen[key]}))
            continue
        seen[key] = line
        rows.append(ImportRow(line=line, key=key, fields=fields))
    if progress is not None:
        progress(total, total)
    return rows, errors


def import_template_xlsx(edition) -> bytes:
    """A workbook with the headings, one example row (marked, never imported) and the
    edition's pools; money as number cells in the money format."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from reports.exports import MONEY_FORMAT

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "wnioski"
    sheet.append([column.header for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    first_pool = edition.pools.first()
    sheet.append([SAMPLE_ID, SAMPLE["title"], first_pool.name if first_pool else "",
                  SAMPLE["location"], SAMPLE["description"], SAMPLE["justification"],
                  SAMPLE["cost"], SAMPLE["applicant"], SAMPLE["email"], SAMPLE["latitude"],
                  SAMPLE["longitude"]])
    sheet["G2"].number_format = MONEY_FORMAT
    # Costs typed below the example are numbers in the same format.
    for row in range(3, MAX_IMPORT_ROWS + 2):
        sheet.cell(row, 7).number_format = MONEY_FORMAT
    for letter, width in zip("ABCDEFGHIJK", (8, 40, 20, 25, 50, 50, 14, 25, 30, 14, 14),
                             strict=True):
        sheet.column_dimensions[letter].width = width
    pools = workbook.create_sheet("pule")
    pools.append(["pula", "rodzaj", "kwota"])
    for pool in edition.pools.all():
        pools.append([pool.name, str(pool.get_kind_display()), pool.budget])
        pools.cell(pools.max_row, 3).number_format = MONEY_FORMAT
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
