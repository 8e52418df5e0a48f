"""The project's one xlsx export helper: column hooks, masking, safe cells, streaming."""
import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from reports.exports import Column, XlsxExport, export_filename, mask_value


class PeopleExport(XlsxExport):
    sheet_title = "People"
    columns = (Column("name", "Name"), Column("email", "E-mail", mask=True),
               Column("pesel", "PESEL", mask=lambda value: f"*{str(value)[-1:]}"),
               Column("amount", "Amount"), Column("when", "When"), Column("double", "Twice"))

    def get_double(self, row):
        return row.amount * 2


def _row(**fields):
    base = {"name": "Anna", "email": "anna@example.org", "pesel": "02221101245",
            "amount": Decimal("10.50"), "when": None}
    return SimpleNamespace(**{**base, **fields})


def _read(export, rows):
    buffer = io.BytesIO()
    export.write(rows, buffer)
    buffer.seek(0)
    return [tuple(row) for row in load_workbook(buffer).active.iter_rows(values_only=True)]


def test_columns_come_from_hooks_or_attributes_and_personal_data_is_masked():
    rows = _read(PeopleExport(), [_row()])

    assert rows[0] == ("Name", "E-mail", "PESEL", "Amount", "When", "Twice")
    assert rows[1] == ("Anna", "a•••@example.org", "*5", 10.5, None, 21)


def test_reveal_shows_personal_data_to_exports_that_need_it():
    assert _read(PeopleExport(reveal=True), [_row()])[1][1:3] == ("anna@example.org",
                                                                   "02221101245")


def test_formulas_are_written_as_text_and_illegal_characters_dropped():
    rows = _read(PeopleExport(), [_row(name="=HYPERLINK(\"http://evil\")\x07")])

    assert rows[1][0] == "=HYPERLINK(\"http://evil\")"
    buffer = io.BytesIO()
    PeopleExport().write([_row(name="=1+1")], buffer)
    buffer.seek(0)
    assert load_workbook(buffer).active["A2"].data_type == "s"


def test_aware_datetimes_are_written_in_local_time():
    moment = datetime.datetime(2026, 5, 1, 10, 0, tzinfo=datetime.UTC)

    rows = _read(PeopleExport(), [_row(when=moment)])

    assert rows[1][4] == timezone.localtime(moment).replace(tzinfo=None)


def test_mask_value():
    assert mask_value("") == "" and mask_value(None) == ""
    assert mask_value("x@y.pl") == "x•••@y.pl"
    assert mask_value("02221101245") == "•" * 11


@pytest.mark.django_db
def test_a_queryset_is_streamed_as_an_attachment(user_factory):
    from accounts.models import User

    class UserExport(XlsxExport):
        columns = (Column("email", "E-mail", mask=True),)
        chunk_size = 2

    for _ in range(5):
        user_factory()
    response = UserExport().response(User.objects.order_by("pk"), filename="people")

    assert response["Content-Disposition"] == 'attachment; filename="people.xlsx"'
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.active.max_row == 6


def test_export_filename_is_safe_and_dated():
    name = export_filename("Miasto Łódź", "proposals", "all")
    assert name == f"wotum-miasto-odz-proposals-all-{timezone.localdate().isoformat()}.xlsx"
