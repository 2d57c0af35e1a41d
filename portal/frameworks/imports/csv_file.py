"""Reading a framework version from a CSV file: one row per element.

The columns are documented in docs/frameworks-file-format.md. Every row is checked and
every problem is reported with its row number as a spreadsheet shows it (the column names
are row 1), so a person can fix them all at once. The result has the same shape as
`loader.validate_framework` returns, so both formats are saved the same way.
"""

import csv
import io

from portal.core.forms import has_nul
from portal.frameworks.loader import (
    ELEMENT_FIELDS,
    FRAMEWORK_FIELDS,
    FrameworkFileError,
)
from portal.frameworks.models import FrameworkStatus, is_placeholder

FRAMEWORK_COLUMNS = {"framework_code": "code", "framework_version": "version",
                     "framework_title": "title", "publisher": "publisher"}
ELEMENT_COLUMNS = ("code", "parent_code", "title", "description", "group", "verified")
REQUIRED_COLUMNS = ("framework_code", "framework_version", "code", "title")
MAX_ROWS = 2000
YES, NO = {"yes", "true", "y"}, {"no", "false", "n", ""}


def _rows(text: str) -> list[dict]:
    """The data rows, keyed by lower-case column name; a missing column is refused."""
    reader = csv.DictReader(io.StringIO(text))
    headers = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in headers]
    if missing:
        raise FrameworkFileError(
            "row 1: the first row must name the columns; missing " + ", ".join(missing))
    known = set(FRAMEWORK_COLUMNS) | set(ELEMENT_COLUMNS)
    unknown = [name for name in headers if name not in known]
    if unknown:
        raise FrameworkFileError(f"row 1: unknown column '{unknown[0]}'")
    reader.fieldnames = headers
    rows = []
    try:
        for row in reader:
            rows.append({key: (value or "").strip() for key, value in row.items() if key})
            if len(rows) > MAX_ROWS:
                raise FrameworkFileError(f"a file can hold at most {MAX_ROWS} elements")
    except csv.Error as error:
        raise FrameworkFileError(f"row {len(rows) + 2}: not readable as CSV ({error})") from error
    if not rows:
        raise FrameworkFileError("the file has no elements in it")
    return rows


def _text_problems(row: dict, place: str, columns: dict) -> list[str]:
    """Hidden null characters and values too long for their column."""
    problems = []
    for column, size in columns.items():
        value = row.get(column, "")
        if has_nul(value):
            problems.append(f"{place}, {column}: has a hidden null character; remove it")
        elif size is not None and len(value) > size:
            problems.append(f"{place}, {column}: is {len(value)} characters long; "
                            f"the most allowed is {size}")
    return problems


class _Reading:
    """The state of one pass over the rows: the framework named and the codes seen."""

    def __init__(self):
        self.framework: dict[str, str] = {}
        self.first_row: dict[str, int] = {}  # each framework value's first row, and codes'
        self.elements: dict[str, dict] = {}
        self.problems: list[str] = []

    def framework_values(self, row: dict, number: int) -> None:
        """Every row names the same framework version; title and publisher may be left
        blank after the first row that gives them."""
        for column, key in FRAMEWORK_COLUMNS.items():
            value = row.get(column, "")
            if not value:
                continue
            if key not in self.framework:
                self.framework[key], self.first_row[column] = value, number
            elif value != self.framework[key]:
                self.problems.append(
                    f"row {number}, {column}: '{value}' is not the '{self.framework[key]}' "
                    f"of row {self.first_row[column]}; a file holds one framework version")

    def element(self, row: dict, number: int) -> None:
        place = f"row {number}"
        code, parent_code, title = row.get("code", ""), row.get("parent_code", ""), row["title"]
        if not code:
            self.problems.append(f"{place}, code: must not be empty")
        elif code in self.elements:
            self.problems.append(f"{place}, code: duplicate code '{code}' "
                                 f"(also on row {self.elements[code]['row']})")
        if not title:
            self.problems.append(f"{place}, title: must not be empty")
        verified = row.get("verified", "").lower()
        if verified not in YES | NO:
            self.problems.append(f"{place}, verified: must be yes or no, not '{verified}'")
        elif verified in YES and is_placeholder(title):
            self.problems.append(f"{place}, verified: a placeholder title cannot be verified")
        parent = self.elements.get(parent_code) if parent_code else None
        if parent_code and parent is None:
            self.problems.append(
                f"{place}, parent_code: no earlier row has the code '{parent_code}' "
                "(a parent comes before its elements)")
        element = {"code": code, "title": title, "description": row.get("description", ""),
                   "group": row.get("group") or None, "verified": verified in YES,
                   "depth": parent["depth"] + 1 if parent else 0, "children": [],
                   "row": number, "parent": parent}
        if code and code not in self.elements:
            self.elements[code] = element


def read_framework_csv(text: str) -> dict:
    """Check a CSV framework file; cleaned values, or FrameworkFileError with every problem."""
    reading = _Reading()
    for number, row in enumerate(_rows(text), start=2):
        reading.problems += _text_problems(row, f"row {number}", {
            **{column: FRAMEWORK_FIELDS[key] for column, key in FRAMEWORK_COLUMNS.items()},
            **{column: ELEMENT_FIELDS.get(column) for column in ELEMENT_COLUMNS},
            "parent_code": ELEMENT_FIELDS["code"]})
        reading.framework_values(row, number)
        reading.element(row, number)
    for column, key in (("framework_code", "code"), ("framework_version", "version")):
        if key not in reading.framework:
            reading.problems.append(f"row 2, {column}: must not be empty")
    if reading.problems:
        raise FrameworkFileError(reading.problems)
    return {**reading.framework, "status": FrameworkStatus.DRAFT.value, "levels": [],
            "elements": _tree(reading.elements.values())}


def _tree(elements) -> list[dict]:
    """Nest each element under its parent, keeping file order within each parent."""
    top = []
    for element in elements:
        parent = element.pop("parent")
        element.pop("row")
        (parent["children"] if parent else top).append(element)
    return top
