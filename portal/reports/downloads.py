"""Reports as CSV and XLSX files.

Names in a report (cohorts, programmes) are typed by people, so any text cell that a
spreadsheet would read as a formula (it starts with = + - @, a tab or a carriage return)
gets a leading apostrophe. A copy for the workforce board hides counts of people under
REPORT_SUPPRESS_UNDER (and what is worked out from them), so no one can be picked out.
"""

import csv
import io
from dataclasses import replace

import xlsxwriter

from portal.core.spreadsheets import neutralised
from portal.reports.tables import Cell, ReportTable

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def for_board(table: ReportTable, under: int) -> ReportTable:
    """The table with every count from 1 to `under` - 1 replaced by words, and every
    column worked out from a hidden count hidden too; in a total row, also each count
    hidden in a row above it. `under` of 0 or 1 hides nothing."""
    hidden = f"fewer than {under}"
    # A total is not small; it is withheld so that it cannot be used to work a row out.
    withheld = "not shown"

    def small(value: Cell) -> bool:
        return isinstance(value, int) and 0 < value < under

    body = table.rows[:-1] if table.total_row else table.rows
    hidden_above = {column for row in body for column in table.counts if small(row[column])}
    rows = []
    for number, row in enumerate(table.rows):
        is_total = table.total_row and number == len(table.rows) - 1
        hide = {column for column in table.counts
                if small(row[column]) or (is_total and column in hidden_above)}
        words = withheld if is_total else hidden
        new = [words if column in hide and row[column] is not None else cell
               for column, cell in enumerate(row)]
        for column, sources in table.derived_from.items():
            if set(sources) & hide and row[column] is not None:
                new[column] = words
        rows.append(new)
    return replace(table, rows=rows)


def _cells(table: ReportTable):
    yield [neutralised(header) for header in table.headers]
    for row in table.rows:
        yield [neutralised(cell) for cell in row]


def as_csv(table: ReportTable) -> bytes:
    """UTF-8 with a byte order mark, so Excel reads names such as Zoë correctly."""
    text = io.StringIO()
    writer = csv.writer(text)
    for row in _cells(table):
        writer.writerow(["" if cell is None else cell for cell in row])
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def as_xlsx(table: ReportTable) -> bytes:
    """One worksheet: a bold header row, then the rows; numbers stay numbers."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False,
                                            "strings_to_urls": False})
    sheet = workbook.add_worksheet(table.title[:31])
    bold = workbook.add_format({"bold": True, "text_wrap": True})
    for row_number, row in enumerate(_cells(table)):
        for column, cell in enumerate(row):
            if isinstance(cell, int | float):
                sheet.write_number(row_number, column, cell)
            elif cell is not None:
                sheet.write_string(row_number, column, cell, bold if row_number == 0 else None)
    sheet.set_column(0, 1, 36)
    sheet.set_column(2, len(table.headers) - 1, 14)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
