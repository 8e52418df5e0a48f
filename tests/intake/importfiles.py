"""Import files built in memory: CSV text or an XLSX workbook from a list of rows."""
import io

from django.core.files.uploadedfile import SimpleUploadedFile

HEADER = ["numer", "tytuł", "pula", "lokalizacja", "opis", "uzasadnienie", "koszt",
          "wnioskodawca", "e-mail"]


def good_rows(count: int = 3) -> list[list]:
    return [[str(n), f"Projekt {n}", "Śródmieście" if n % 2 else "ogólnomiejski",
             f"ul. Długa {n}", f"Opis {n}", "", f"{n}0 000,50", f"Osoba {n}",
             f"osoba{n}@example.org"] for n in range(1, count + 1)]


def xlsx_bytes(rows: list[list], header: list = HEADER) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_file(rows: list[list], header: list = HEADER, name: str = "wnioski.xlsx"):
    return SimpleUploadedFile(name, xlsx_bytes(rows, header))


def csv_file(rows: list[list], header: list = HEADER, delimiter: str = ";",
             encoding: str = "utf-8", name: str = "wnioski.csv"):
    lines = [delimiter.join(header)] + [delimiter.join(str(c) for c in row) for row in rows]
    return SimpleUploadedFile(name, ("\r\n".join(lines) + "\r\n").encode(encoding))
