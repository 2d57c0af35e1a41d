"""Programme leads adjust their council's programme without code changes."""

from portal.core import audit
from portal.core.db import db
from portal.programmes.building import check_editable
from portal.programmes.models import Programme, new_config_key


class ProgrammeError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


NOTHING_REQUIRED_FIELD = "confirm_nothing_required"
NOTHING_REQUIRED = ("Every required part is set to 0, so a portfolio would need nothing to be "
                    "complete. Set at least one part above 0, or confirm that no part is "
                    "required")


def leaves_nothing_required(programme: Programme, min_counts: dict[int, int]) -> bool:
    """Would these counts change the programme so that it requires nothing at all?"""
    new = {c.id: min_counts.get(c.id, c.min_count) for c in programme.components}
    changes = any(new[c.id] != c.min_count for c in programme.components)
    return bool(new) and changes and not any(new.values())


def update_settings(actor, programme: Programme, min_counts: dict[int, int],
                    due_months: dict[int, int], nothing_required_confirmed: bool = False
                    ) -> list[str]:
    """Change required counts and review-point months of a version no cohort uses yet (a
    draft); returns what changed.

    A version a cohort started on never changes (its candidates keep what they started
    with): the lead starts a new version and moves the cohort to it, seeing what changes
    first. Setting every required part to 0 would leave nothing to complete, so it needs
    the lead's confirmation.
    """
    check_editable(programme)
    if leaves_nothing_required(programme, min_counts) and not nothing_required_confirmed:
        raise ProgrammeError(NOTHING_REQUIRED, NOTHING_REQUIRED_FIELD)
    changed = []
    for component in programme.components:
        new = min_counts.get(component.id, component.min_count)
        if not 0 <= new <= 100:
            raise ProgrammeError("Enter a number between 0 and 100", f"component-{component.id}")
        if new != component.min_count:
            changed.append(f"{component.code}: {component.min_count} -> {new}")
            component.min_count = new
    for point in programme.review_points:
        new = due_months.get(point.id, point.due_month)
        if not 0 <= new <= 60:
            raise ProgrammeError("Enter a month between 0 and 60", f"review-{point.id}")
        if new != point.due_month:
            changed.append(f"{point.code}: month {point.due_month} -> {new}")
            point.due_month = new
    if changed:
        programme.config_key = new_config_key()
        db.session.flush()
        audit.record(actor, "programme_settings_changed", programme, changes=changed)
    return changed
