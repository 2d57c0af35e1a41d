"""Reading back the reports' downloads in tests: CSV with the csv module, XLSX (a zip of
XML, which XlsxWriter writes but cannot read) with zipfile and ElementTree."""

import csv
import io
import re
import zipfile
from xml.etree import ElementTree

NS = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _column(reference: str) -> int:
    number = 0
    for letter in re.match(r"[A-Z]+", reference).group():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1


def xlsx_rows(body: bytes) -> list[list]:
    """The first worksheet's cells, row by row: text as str, numbers as int or float,
    empty cells as None. The XML is the portal's own download, so the standard parser
    is safe here."""
    with zipfile.ZipFile(io.BytesIO(body)) as package:
        shared = []
        if "xl/sharedStrings.xml" in package.namelist():
            for item in ElementTree.fromstring(  # noqa: S314
                    package.read("xl/sharedStrings.xml")):
                shared.append("".join(t.text or "" for t in item.iter(f"{{{NS['s']}}}t")))
        sheet = ElementTree.fromstring(  # noqa: S314
            package.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iterfind(".//s:sheetData/s:row", NS):
        cells: dict[int, object] = {}
        for cell in row.iterfind("s:c", NS):
            value = cell.findtext("s:v", namespaces=NS)
            if cell.get("t") == "s":
                cells[_column(cell.get("r"))] = shared[int(value)]
            elif value is not None:
                number = float(value)
                cells[_column(cell.get("r"))] = int(number) if number.is_integer() else number
        rows.append([cells.get(i) for i in range(max(cells) + 1)] if cells else [])
    return rows
