"""Lists people download to open in Excel or LibreOffice, written safely.

A cell that starts with =, +, -, @, a tab or a carriage return is read by spreadsheet
programs as a formula (OWASP's "CSV injection"): anyone who can type into the portal could
make an administrator's spreadsheet run one. Such a cell gets a leading apostrophe, which
the programs show as plain text.
"""

import csv
import io
from collections.abc import Iterable, Iterator

from flask import Response, stream_with_context

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value):
    """Text a spreadsheet would run as a formula, made plain text; anything else as is
    (numbers stay numbers for XLSX)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_cell(value) -> str:
    """`value` as CSV text a spreadsheet program will not run."""
    return "" if value is None else str(neutralised(value))


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV text, a line at a time, every cell made safe. It starts with a byte order
    mark so that Excel reads the names in it (Zoë, Siân) as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: Iterable) -> str:
        writer.writerow([safe_cell(cell) for cell in cells])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield "\ufeff" + line(header)
    for cells in rows:
        yield line(cells)


def csv_download(filename: str, header: list[str], rows: Iterable[Iterable]) -> Response:
    """A CSV file download, streamed as the rows are read (an export may be long)."""
    response = Response(stream_with_context(csv_lines(header, rows)),
                        mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
