"""Rows of 'framework element + one-line reason' shared by evidence entries and
observations: few, explained links rather than tick-box tagging."""


def check_link_rows(field, valid_element_ids: set[str], missing_reason: str) -> None:
    """Put a clear error on each bad row; mark the list invalid if any row is bad.

    Row errors go on the row's own fields so the error summary links to them; setting the
    list's errors is what makes the form invalid (a raised error would be a bare string).
    """
    seen = set()
    problems = False
    for row in field:
        element, reason = row.element_id.data or "", (row.reason.data or "").strip()
        if element and element not in valid_element_ids:
            row.element_id.errors.append("Choose an element from the list")
            problems = True
        elif element and not reason:
            row.reason.errors.append(missing_reason)
            problems = True
        elif reason and not element:
            row.element_id.errors.append("Choose the element this reason is for")
            problems = True
        elif element in seen:
            row.element_id.errors.append("You have chosen this element twice")
            problems = True
        if element:
            seen.add(element)
    if problems:
        field.errors = [row.errors for row in field]
