"""Frozen, hash-stamped copies of a portfolio at submission.

The snapshot holds the content itself (not references), so later edits to evidence or
records never change what was submitted. Its SHA-256 is over a canonical JSON encoding,
so anyone can recompute it from the stored content.
"""

import hashlib
import json

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import selectinload

from portal.core.db import db
from portal.evidence.models import EvidenceEntry, EvidenceLink
from portal.frameworks.models import FrameworkElement
from portal.portfolios.models import (
    DevelopmentPlan,
    KssSelfAssessment,
    Portfolio,
    PortfolioEntry,
    PortfolioSnapshot,
    ProtectedTimeRecord,
    SupervisionRecord,
    SupportAgreement,
)

SNAPSHOT_FORMAT = 1


def canonical_bytes(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def content_hash(content: dict) -> str:
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _entries(portfolio: Portfolio) -> list[dict]:
    items = db.session.scalars(
        select(PortfolioEntry)
        .where(PortfolioEntry.portfolio_id == portfolio.id)
        .options(
            selectinload(PortfolioEntry.entry).selectinload(EvidenceEntry.links)
            .selectinload(EvidenceLink.element),
            selectinload(PortfolioEntry.entry).selectinload(EvidenceEntry.attachments),
        )
        .order_by(PortfolioEntry.id)
    ).all()
    return [
        {
            "section": item.section,
            "entry_id": item.entry.id,
            "title": item.entry.title,
            "occurred_on": _iso(item.entry.occurred_on),
            "recorded_on": _iso(item.entry.created_at.date()),
            "evidence_type": item.entry.evidence_type,
            "reflection": item.entry.reflection,
            "anonymised_confirmed": item.entry.anonymised_confirmed,
            "links": [
                {"framework_id": link.element.framework_id, "element": link.element.code,
                 "title": link.element.title, "reason": link.reason}
                for link in item.entry.links
            ],
            "attachments": [
                {"name": a.original_name, "sha256": a.sha256, "size_bytes": a.size_bytes,
                 "content_type": a.content_type}
                for a in item.entry.attachments
            ],
        }
        for item in items
    ]


def _rows(model, portfolio: Portfolio, order, fields: tuple[str, ...]) -> list[dict]:
    rows = db.session.scalars(select(model).where(model.portfolio_id == portfolio.id)
                              .order_by(*order)).all()
    return [{name: _plain(getattr(row, name)) for name in fields} for row in rows]


def _plain(value):
    return _iso(value) if hasattr(value, "isoformat") else value


def _records(portfolio: Portfolio) -> dict:
    assessments = db.session.scalars(
        select(KssSelfAssessment).where(KssSelfAssessment.portfolio_id == portfolio.id)
        .options(selectinload(KssSelfAssessment.ratings))
        .order_by(KssSelfAssessment.completed_on, KssSelfAssessment.id)
    ).all()
    return {
        "support_agreement": _rows(SupportAgreement, portfolio, (SupportAgreement.id,), (
            "agreed_on", "supervision_arrangements", "workload_reduction", "protected_time",
            "development_priorities")),
        "development_plans": _rows(DevelopmentPlan, portfolio, (DevelopmentPlan.agreed_on,
                                                                DevelopmentPlan.id), (
            "stage_code", "agreed_on", "goals", "actions", "review_on")),
        "supervision": _rows(SupervisionRecord, portfolio, (SupervisionRecord.held_on,
                                                            SupervisionRecord.id), (
            "held_on", "supervisor_name", "topics", "agreed_actions")),
        "protected_time": _rows(ProtectedTimeRecord, portfolio, (ProtectedTimeRecord.taken_on,
                                                                 ProtectedTimeRecord.id), (
            "taken_on", "minutes", "activity", "workload_reduction_confirmed")),
        "kss_self_assessments": [
            {"stage_code": a.stage_code, "completed_on": _iso(a.completed_on),
             "ratings": [{"element_id": r.element_id, "rating": r.rating, "comment": r.comment}
                         for r in a.ratings]}
            for a in assessments
        ],
    }


def build_content(portfolio: Portfolio, purpose: str, review_point_code: str | None) -> dict:
    return {
        "format": SNAPSHOT_FORMAT,
        "purpose": purpose,
        "review_point": review_point_code,
        "portfolio_id": portfolio.id,
        "candidate_id": portfolio.candidate_id,
        "programme": {"code": portfolio.programme.code, "name": portfolio.programme.name,
                      "target_level": portfolio.programme.target_level},
        "frameworks": [{"id": f.id, "code": f.code, "version": f.version}
                       for f in portfolio.frameworks],
        "start_date": _iso(portfolio.start_date),
        "review_points": [{"code": p.code, "title": p.title, "due_on": _iso(p.due_on),
                           "completed_on": _iso(p.completed_on)}
                          for p in portfolio.review_points],
        "entries": _entries(portfolio),
        "records": _records(portfolio),
    }


def freeze(portfolio: Portfolio, purpose: str, review_point_code: str | None,
           actor) -> PortfolioSnapshot:
    content = build_content(portfolio, purpose, review_point_code)
    snapshot = PortfolioSnapshot(portfolio_id=portfolio.id, purpose=purpose,
                                 review_point_code=review_point_code, content=content,
                                 sha256=content_hash(content),
                                 submitted_by_id=getattr(actor, "id", None))
    db.session.add(snapshot)
    db.session.flush()
    return snapshot


def element_titles(content: dict) -> dict[int, str]:
    """'code title' of each framework element the snapshot's KSS ratings name (the content
    keeps the element's id; the element's words never change within a version)."""
    ids = {rating["element_id"]
           for assessment in content.get("records", {}).get("kss_self_assessments", [])
           for rating in assessment["ratings"]}
    if not ids:
        return {}
    return {element.id: element.name for element in db.session.scalars(
        select(FrameworkElement).where(FrameworkElement.id.in_(ids)))}


def verify(snapshot: PortfolioSnapshot) -> bool:
    """The stored content still matches the hash shown to the candidate."""
    return content_hash(snapshot.content) == snapshot.sha256


IMMUTABLE = ("portfolio_id", "purpose", "review_point_code", "content", "sha256",
             "submitted_at", "submitted_by_id")


@event.listens_for(PortfolioSnapshot, "before_update")
def _refuse_changes(_mapper, _connection, snapshot: PortfolioSnapshot) -> None:
    """Only the withdrawal mark may change on a snapshot."""
    state = inspect(snapshot)
    changed = [name for name in IMMUTABLE if state.attrs[name].history.has_changes()]
    if changed:
        raise ValueError(f"a submitted snapshot cannot be changed ({', '.join(changed)})")
