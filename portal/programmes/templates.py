"""Shipped programme templates (YAML) and installing one as a council's programme."""

from pathlib import Path
from typing import Any

from sqlalchemy import select

from portal.core import audit
from portal.core.db import db
from portal.evidence.models import EvidenceType
from portal.frameworks.loader import find_framework, read_yaml_file
from portal.programmes.models import (
    ComponentRequirement,
    Programme,
    ProgrammeKind,
    ProgrammeStage,
    RecordKind,
    ReviewPointDefinition,
    new_config_key,
)

DATA_DIR = Path(__file__).resolve().parent / "data"


class ProgrammeTemplateError(ValueError):
    """A template that cannot be installed, with the place of the problem."""


def shipped_templates() -> dict[str, dict]:
    """Every shipped template, by code."""
    templates = {}
    for path in sorted(DATA_DIR.glob("*.yaml")):
        data = read_yaml_file(path)
        templates[data["code"]] = data
    return templates


def _require(mapping: dict, key: str, place: str, kind: type = str) -> Any:
    if key not in mapping:
        raise ProgrammeTemplateError(f"{place}: '{key}' is missing")
    value = mapping[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ProgrammeTemplateError(f"{place}.{key}: must be {kind.__name__}")
    return value


def validate_template(data: dict) -> None:
    """Check a template's shape and cross-references before anything is written."""
    for key in ("code", "name", "kind"):
        _require(data, key, "template")
    if data["kind"] not in {k.value for k in ProgrammeKind}:
        raise ProgrammeTemplateError(f"template.kind: unknown kind '{data['kind']}'")
    _require(data, "duration_months", "template", int)
    stage_codes = [_require(s, "code", f"stages[{i}]") for i, s in
                   enumerate(_require(data, "stages", "template", list))]
    if len(set(stage_codes)) != len(stage_codes):
        raise ProgrammeTemplateError("stages: duplicate stage code")
    for i, stage in enumerate(data["stages"]):
        start = _require(stage, "start_month", f"stages[{i}]", int)
        end = _require(stage, "end_month", f"stages[{i}]", int)
        if not 0 <= start < end:
            raise ProgrammeTemplateError(f"stages[{i}]: start_month must come before end_month")
    for i, point in enumerate(_require(data, "review_points", "template", list)):
        _require(point, "code", f"review_points[{i}]")
        _require(point, "due_month", f"review_points[{i}]", int)
    for i, component in enumerate(_require(data, "components", "template", list)):
        place = f"components[{i}]"
        _require(component, "code", place)
        _require(component, "min_count", place, int)
        evidence, record = component.get("evidence"), component.get("record")
        if bool(evidence) == bool(record):
            raise ProgrammeTemplateError(f"{place}: give exactly one of 'evidence' or 'record'")
        if evidence and evidence not in {t.value for t in EvidenceType}:
            raise ProgrammeTemplateError(f"{place}.evidence: unknown evidence type '{evidence}'")
        if record and record not in {k.value for k in RecordKind}:
            raise ProgrammeTemplateError(f"{place}.record: unknown record kind '{record}'")
        unknown = set(component.get("per_stage") or []) - set(stage_codes)
        if unknown:
            raise ProgrammeTemplateError(f"{place}.per_stage: unknown stage {sorted(unknown)}")
    for i, ref in enumerate(data.get("frameworks", [])):
        if find_framework(str(ref["code"]), str(ref["version"])) is None:
            raise ProgrammeTemplateError(
                f"frameworks[{i}]: {ref['code']} {ref['version']} is not loaded")


def configure_programme(programme: Programme, data: dict, actor=None) -> Programme:
    """Give an unconfigured programme the template's stages, review points, components
    and frameworks. A programme that already has a configuration is left alone."""
    validate_template(data)
    if programme.stages or programme.review_points or programme.components:
        return programme
    programme.kind = data["kind"]
    programme.target_level = data.get("target_level")
    programme.duration_months = data["duration_months"]
    programme.stages = [
        ProgrammeStage(code=s["code"], title=s["title"], start_month=s["start_month"],
                       end_month=s["end_month"], position=n)
        for n, s in enumerate(data["stages"])
    ]
    programme.review_points = [
        ReviewPointDefinition(code=p["code"], title=p["title"], due_month=p["due_month"],
                              optional=bool(p.get("optional")), is_final=bool(p.get("final")),
                              position=n)
        for n, p in enumerate(data["review_points"])
    ]
    programme.components = [
        ComponentRequirement(
            code=c["code"], title=c["title"], description=c.get("description", ""),
            source="evidence" if c.get("evidence") else "record",
            evidence_type=c.get("evidence"), record_kind=c.get("record"),
            min_count=c["min_count"], per_stage=c.get("per_stage"), position=n)
        for n, c in enumerate(data["components"])
    ]
    for ref in data.get("frameworks", []):
        framework = find_framework(str(ref["code"]), str(ref["version"]))
        if framework not in programme.frameworks:
            programme.frameworks.append(framework)
    # An empty configuration may already be cached under the old key.
    programme.config_key = new_config_key()
    db.session.flush()
    audit.record(actor, "programme_configured", programme, template=data["code"])
    return programme


def install_template(organisation, code: str, actor=None) -> Programme:
    """The council's programme for a shipped template, created and configured if new."""
    templates = shipped_templates()
    if code not in templates:
        raise ProgrammeTemplateError(f"there is no programme template '{code}'")
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
