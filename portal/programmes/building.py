"""Programme leads build a programme: create it (blank or from a shipped template), change
its details and each of its parts, choose its frameworks, publish it, start a new version.

Every change is made to the version's plain-data form (portal.programmes.spec), checked
whole (portal.programmes.validation) and only then written, so a refused change leaves
nothing half-saved. A version a cohort uses is frozen: its cohorts must not change under
them, so a change to it needs a new version (`new_version`). Each function takes the
actor, writes an audit row, flushes and leaves the commit to the view.
"""

import copy
import re

from sqlalchemy import func, select

from portal.core import audit
from portal.core.db import db
from portal.frameworks.models import Framework
from portal.organisations.models import Cohort
from portal.programmes.models import Programme, ProgrammeState
from portal.programmes.spec import apply_spec, programme_spec
from portal.programmes.templates import shipped_templates, with_default_decision_codes
from portal.programmes.validation import Problem, ProgrammeInvalid, problems

# The parts a lead edits row by row, as named in the plain-data form.
PARTS = ("stages", "review_points", "components", "decision_codes")
FAMILY_CODE_LENGTH = 50  # leaves room for "-v<n>" in the 60-character code
BLANK = {"stages": [], "review_points": [], "components": [], "frameworks": []}


class ProgrammeFrozen(ValueError):
    """The version is used by a cohort (or replaced), so it cannot change."""


class RowMoved(ValueError):
    """The row a person confirmed removing is no longer at that place (another tab or
    another lead changed the list since the confirmation page was opened)."""


def in_use(programme: Programme) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Cohort).where(
        Cohort.programme_id == programme.id)))


def editable(programme: Programme) -> bool:
    return programme.state != ProgrammeState.SUPERSEDED.value and not in_use(programme)


def check_editable(programme: Programme) -> None:
    if not editable(programme):
        raise ProgrammeFrozen("A cohort uses this version, so it cannot change. Start a new "
                              "version to make changes.")


def _save(actor, programme: Programme, spec: dict, action: str, **details) -> None:
    """Check the whole programme as it would be, then write it and audit the change."""
    found = problems(spec)
    if found:
        raise ProgrammeInvalid(found)
    apply_spec(programme, spec)
    programme.name = spec["name"]
    db.session.flush()
    audit.record(actor, action, programme, **details)


def _family_code(organisation_id: int, name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:FAMILY_CODE_LENGTH - 4]
    base = base or "programme"
    taken = set(db.session.scalars(select(Programme.family_code).where(
        Programme.organisation_id == organisation_id,
        Programme.family_code.startswith(base))))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, 1000) if f"{base}-{n}" not in taken)


# Creating -------------------------------------------------------------------------------
def create_programme(actor, name: str, kind: str | None, duration_months: int | None,
                     template_code: str | None = None) -> Programme:
    """A new programme family's first version, as a draft: blank (with the default decision
    codes) or a copy of a shipped template under the lead's name."""
    if template_code:
        templates = shipped_templates()
        if template_code not in templates:
            raise ProgrammeInvalid([Problem("template", "Choose a template")])
        spec = copy.deepcopy(templates[template_code])
    else:
        spec = {**copy.deepcopy(BLANK), "kind": kind, "duration_months": duration_months}
    spec = with_default_decision_codes({**spec, "name": name.strip()})
    family = _family_code(actor.organisation_id, name)
    spec["code"] = family
    found = problems(spec)
    if found:
        raise ProgrammeInvalid(found)
    programme = Programme(organisation_id=actor.organisation_id, code=family,
                          family_code=family, version=1, name=spec["name"],
                          kind=spec["kind"], duration_months=spec["duration_months"],
                          state=ProgrammeState.DRAFT.value,
                          provisional_note=spec.get("provisional"))
    db.session.add(programme)
    db.session.flush()
    _save(actor, programme, spec, "programme_created", template=template_code)
    return programme


# Changing a draft -----------------------------------------------------------------------
def update_details(actor, programme: Programme, name: str, kind: str,
                   duration_months: int) -> None:
    check_editable(programme)
    spec = programme_spec(programme)
    spec.update(name=name.strip(), kind=kind, duration_months=duration_months)
    _save(actor, programme, spec, "programme_details_changed")


def save_part(actor, programme: Programme, part: str, index: int | None,
              values: dict) -> None:
    """Add a row to a part (index None) or replace row `index`; refused whole if the
    programme would then have any problem."""
    if part not in PARTS:
        raise ValueError(part)
    check_editable(programme)
    spec = programme_spec(programme)
    rows = spec[part]
    if index is None:
        rows.append(values)
    elif 0 <= index < len(rows):
        rows[index] = values
    else:
        raise IndexError(index)
    _save(actor, programme, spec, "programme_part_saved", part=part, code=values.get("code"))


def remove_part(actor, programme: Programme, part: str, index: int,
                code: str | None = None) -> None:
    """Remove the row at `index`; given the `code` the person saw there, refuse when the
    row at that place is now another one (a list changed since the page was opened)."""
    if part not in PARTS:
        raise ValueError(part)
    check_editable(programme)
    spec = programme_spec(programme)
    if not 0 <= index < len(spec[part]):
        raise IndexError(index)
    if code is not None and spec[part][index].get("code") != code:
        raise RowMoved("This list changed since you opened the page. Check it, then "
                       "remove the row again.")
    removed = spec[part].pop(index)
    _save(actor, programme, spec, "programme_part_removed", part=part,
          code=removed.get("code"))


def set_frameworks(actor, programme: Programme, frameworks: list[Framework]) -> None:
    """The framework versions the programme assesses against (active ones only)."""
    check_editable(programme)
    spec = programme_spec(programme)
    spec["frameworks"] = [{"code": f.code, "version": f.version} for f in frameworks]
    _save(actor, programme, spec, "programme_frameworks_changed",
          frameworks=[f"{f.code} {f.version}" for f in frameworks])


# Versions -------------------------------------------------------------------------------
def family_versions(programme: Programme) -> list[Programme]:
    return db.session.scalars(select(Programme).where(
        Programme.organisation_id == programme.organisation_id,
        Programme.family_code == programme.family_code).order_by(Programme.version)).all()


def publish(actor, programme: Programme) -> None:
    """Offer the version to new cohorts; the family's previously published version is
    superseded (its cohorts stay on it until a lead moves them)."""
    if programme.state != ProgrammeState.DRAFT.value:
        raise ProgrammeFrozen("Only a draft can be published.")
    found = problems(programme_spec(programme))
    if found:
        raise ProgrammeInvalid(found)
    for other in family_versions(programme):
        if other.state == ProgrammeState.PUBLISHED.value:
            other.state = ProgrammeState.SUPERSEDED.value
            audit.record(actor, "programme_superseded", other, by_version=programme.version)
    programme.state = ProgrammeState.PUBLISHED.value
    db.session.flush()
    audit.record(actor, "programme_published", programme, version=programme.version)


def new_version(actor, programme: Programme) -> Programme:
    """The family's draft version (a copy of this one), created if there is none. The
    family's rows are locked so two leads asking at once get one draft."""
    versions = db.session.scalars(select(Programme).where(
        Programme.organisation_id == programme.organisation_id,
        Programme.family_code == programme.family_code)
        .order_by(Programme.version).with_for_update()).all()
    draft = next((v for v in versions if v.state == ProgrammeState.DRAFT.value), None)
    if draft is not None:
        return draft
    number = versions[-1].version + 1
    spec = programme_spec(programme)
    draft = Programme(organisation_id=programme.organisation_id,
                      code=f"{programme.family_code}-v{number}",
                      family_code=programme.family_code, version=number,
                      name=programme.name, kind=programme.kind,
                      duration_months=programme.duration_months,
                      state=ProgrammeState.DRAFT.value, active=programme.active,
                      provisional_note=programme.provisional_note)
    db.session.add(draft)
    db.session.flush()
    apply_spec(draft, spec)
    db.session.flush()
    audit.record(actor, "programme_version_started", draft, from_version=programme.version)
    return draft
