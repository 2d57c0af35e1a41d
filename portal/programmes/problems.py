"""Putting a programme's problems on the form that caused them.

A problem's place names a part, a row and a field (`review_points[2].due_month`). The one
about the row being edited goes on its field; any other (another row, the programme as a
whole) goes at the top of the page in words: "Review point 3, month due: ...".
"""

import re

from portal.programmes.validation import Problem

PLACE = re.compile(r"^(?P<part>\w+)(?:\[(?P<index>\d+)\])?(?:\.(?P<field>\w+))?$")
PART_NAMES = {"stages": "Stage", "review_points": "Review point",
              "components": "Required part", "decision_codes": "Decision code",
              "frameworks": "Framework", "programme": "Programme", "template": "Template"}
# Field names in the plain-data form that a form names differently.
FORM_FIELDS = {"evidence": "counts", "record": "counts", "final": "final"}


def in_words(place: str) -> str:
    match = PLACE.match(place)
    if not match:
        return place
    words = PART_NAMES.get(match["part"], match["part"])
    if match["index"] is not None:
        words += f" {int(match['index']) + 1}"
    if match["field"]:
        words += ", " + match["field"].replace("_", " ")
    return words


def attach(form, problems: list[Problem], part: str = "programme",
           index: int | None = None) -> None:
    """Each problem on the form's field for it, or among the form's own errors."""
    for problem in problems:
        match = PLACE.match(problem.place)
        field = None
        if match and match["part"] == part and (
                index is None or match["index"] is None or int(match["index"]) == index):
            name = FORM_FIELDS.get(match["field"] or "", match["field"] or "")
            field = getattr(form, name, None) if name else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, problem.reason[:1].upper() + problem.reason[1:]]
        else:
            form.form_errors.append(f"{in_words(problem.place)}: {problem.reason}")
