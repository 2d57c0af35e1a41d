"""A programme's configuration (stages, review points, required components) as frozen
values, cached per process.

Every portfolio page reads its programme's configuration, and at national scale that was
three queries a page for rows that change a few times a year. The cache key includes the
programme's `config_key`, a random token replaced by every change to the configuration
(see `operations.update_settings`); the token is read with the programme row, which pages
load anyway, so every app process sees a change on its next request without any
cross-process signalling.

Values are plain frozen dataclasses, not ORM objects: they outlive the session that read
them and must never be changed in place.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import select

from portal.core.db import db
from portal.programmes.models import (
    ComponentRequirement,
    Programme,
    ProgrammeStage,
    ReviewPointDefinition,
)

# Programmes per instance are few (a handful per council); the bound only stops a
# pathological instance from growing without limit.
MAX_CACHED = 2048


@dataclass(frozen=True)
class Stage:
    code: str
    title: str
    start_month: int
    end_month: int
    position: int


@dataclass(frozen=True)
class ReviewPoint:
    code: str
    title: str
    due_month: int
    optional: bool
    is_final: bool
    position: int


@dataclass(frozen=True)
class Component:
    id: int
    code: str
    title: str
    description: str
    source: str
    evidence_type: str | None
    record_kind: str | None
    min_count: int
    per_stage: tuple[str, ...] | None
    position: int


@dataclass(frozen=True)
class ProgrammeConfiguration:
    stages: tuple[Stage, ...]
    review_points: tuple[ReviewPoint, ...]
    components: tuple[Component, ...]

    @property
    def evidence_sections(self) -> tuple[Component, ...]:
        """Components filled with evidence entries: the portfolio's sections."""
        return tuple(c for c in self.components if c.source == "evidence")

    def review_point(self, code: str) -> ReviewPoint | None:
        return next((point for point in self.review_points if point.code == code), None)


_cache: OrderedDict[tuple[int, str], ProgrammeConfiguration] = OrderedDict()
_lock = threading.Lock()


def configuration(programme: Programme) -> ProgrammeConfiguration:
    """The programme's configuration, from the cache when its `config_key` is unchanged."""
    key = (programme.id, programme.config_key)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    loaded = _load(programme.id)
    with _lock:
        _cache[key] = loaded
        while len(_cache) > MAX_CACHED:
            _cache.popitem(last=False)
    return loaded


def forget_all() -> None:
    """Empty the cache (tests that change configuration behind the app's back)."""
    with _lock:
        _cache.clear()


def _load(programme_id: int) -> ProgrammeConfiguration:
    """Three small queries, then never again until the configuration changes."""
    stages = db.session.scalars(
        select(ProgrammeStage).where(ProgrammeStage.programme_id == programme_id)
        .order_by(ProgrammeStage.position)).all()
    points = db.session.scalars(
        select(ReviewPointDefinition).where(ReviewPointDefinition.programme_id == programme_id)
        .order_by(ReviewPointDefinition.position)).all()
    components = db.session.scalars(
        select(ComponentRequirement).where(ComponentRequirement.programme_id == programme_id)
        .order_by(ComponentRequirement.position)).all()
    return ProgrammeConfiguration(
        stages=tuple(Stage(s.code, s.title, s.start_month, s.end_month, s.position)
                     for s in stages),
        review_points=tuple(ReviewPoint(p.code, p.title, p.due_month, p.optional, p.is_final,
                                        p.position) for p in points),
        components=tuple(
            Component(c.id, c.code, c.title, c.description, c.source, c.evidence_type,
                      c.record_kind, c.min_count,
                      tuple(c.per_stage) if c.per_stage is not None else None, c.position)
            for c in components),
    )
