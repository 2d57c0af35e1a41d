"""Shipped programme templates (YAML) and installing one as a council's programme."""

from pathlib import Path

from sqlalchemy import select

from portal.core import audit
from portal.core.db import db
from portal.frameworks.loader import read_yaml_file
from portal.programmes import validation
from portal.programmes.models import DEFAULT_DECISION_CODES, Programme
from portal.programmes.spec import apply_spec
from portal.programmes.validation import ProgrammeInvalid

DATA_DIR = Path(__file__).resolve().parent / "data"


class ProgrammeTemplateError(ProgrammeInvalid):
    """A template that cannot be installed, with every problem and its place."""


def shipped_templates() -> dict[str, dict]:
    """Every shipped template, by code."""
    templates = {}
    for path in sorted(DATA_DIR.glob("*.yaml")):
        data = read_yaml_file(path)
        templates[data["code"]] = data
    return templates


def with_default_decision_codes(data: dict) -> dict:
    """The template, with the default decision codes when it names none."""
    if data.get("decision_codes"):
        return data
    return {**data, "decision_codes": [
        {"code": code, "label": label, "outcome": outcome.value}
        for code, label, outcome in DEFAULT_DECISION_CODES]}


def validate_template(data: dict) -> None:
    """Check a template's shape and cross-references before anything is written."""
    found = validation.problems(data)
    if found:
        raise ProgrammeTemplateError(found)


def configure_programme(programme: Programme, data: dict, actor=None) -> Programme:
    """Give an unconfigured programme the template's stages, review points, components,
    decision codes and frameworks. A programme that already has a configuration is left
    alone."""
    data = with_default_decision_codes(data)
    validate_template(data)
    if programme.stages or programme.review_points or programme.components:
        return programme
    apply_spec(programme, data)
    programme.provisional_note = data.get("provisional")
    db.session.flush()
    audit.record(actor, "programme_configured", programme, template=data["code"])
    return programme


def install_template(organisation, code: str, actor=None) -> Programme:
    """The council's programme for a shipped template, created and configured if new."""
    templates = shipped_templates()
    if code not in templates:
        raise ProgrammeTemplateError([validation.Problem(
            "template", f"there is no programme template '{code}'")])
    data = templates[code]
    programme = db.session.scalar(select(Programme).where(
        Programme.organisation_id == organisation.id, Programme.code == code))
    if programme is None:
        programme = Programme(organisation_id=organisation.id, code=code, name=data["name"],
                              kind=data["kind"], duration_months=data["duration_months"])
        db.session.add(programme)
        db.session.flush()
    configure_programme(programme, data, actor)
    return programme
