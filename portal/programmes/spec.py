"""A programme version as plain data (the shape of a shipped template file) and back.

One shape serves validation (portal.programmes.validation), copying a version into the
next one, and listing what changes between two versions (portal.programmes.versions).
"""

from portal.core.db import db
from portal.frameworks.loader import find_framework
from portal.programmes.models import (
    ComponentRequirement,
    DecisionCode,
    Programme,
    ProgrammeStage,
    ReviewPointDefinition,
    new_config_key,
)


def programme_spec(programme: Programme) -> dict:
    """The version's configuration in template shape."""
    return {
        "code": programme.family_code or programme.code,
        "name": programme.name,
        "kind": programme.kind,
        "target_level": programme.target_level,
        "duration_months": programme.duration_months,
        "frameworks": [{"code": f.code, "version": f.version} for f in programme.frameworks],
        "stages": [{"code": s.code, "title": s.title, "start_month": s.start_month,
                    "end_month": s.end_month} for s in programme.stages],
        "review_points": [{"code": p.code, "title": p.title, "due_month": p.due_month,
                           "optional": p.optional, "final": p.is_final, "needs": p.needs}
                          for p in programme.review_points],
        "components": [_component(c) for c in programme.components],
        "decision_codes": [{"code": d.code, "label": d.label, "outcome": d.outcome}
                           for d in programme.decision_codes],
    }


def _component(c: ComponentRequirement) -> dict:
    values = {"code": c.code, "title": c.title, "description": c.description,
              "min_count": c.min_count, "per_stage": c.per_stage}
    values["evidence" if c.source == "evidence" else "record"] = c.evidence_type or c.record_kind
    return values


def apply_spec(programme: Programme, data: dict) -> None:
    """Give the programme the (already validated) configuration, replacing what it had.

    The old rows go first (flushed) so a row keeping its code does not meet itself in the
    (programme, code) unique constraints."""
    for part in ("stages", "review_points", "components", "decision_codes"):
        setattr(programme, part, [])
    db.session.flush()
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
                              needs=p.get("needs") or "", position=n)
        for n, p in enumerate(data["review_points"])
    ]
    programme.components = [
        ComponentRequirement(
            code=c["code"], title=c["title"], description=c.get("description") or "",
            source="evidence" if c.get("evidence") else "record",
            evidence_type=c.get("evidence"), record_kind=c.get("record"),
            min_count=c["min_count"], per_stage=c.get("per_stage"), position=n)
        for n, c in enumerate(data["components"])
    ]
    programme.decision_codes = [
        DecisionCode(code=d["code"], label=d["label"], outcome=d["outcome"], position=n)
        for n, d in enumerate(data.get("decision_codes") or [])
    ]
    programme.frameworks = [find_framework(str(ref["code"]), str(ref["version"]))
                            for ref in data.get("frameworks") or []]
    # Pages may have cached the old configuration under the old key.
    programme.config_key = new_config_key()
