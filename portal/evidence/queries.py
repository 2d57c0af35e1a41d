"""Finding evidence: the filtered, sorted list and the per-element coverage."""

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import aliased

from portal.core.db import db
from portal.core.urls import id_argument
from portal.evidence.models import Attachment, EvidenceEntry, EvidenceLink, EvidenceType
from portal.frameworks import element_cache
from portal.frameworks.models import FrameworkElement

SORTS = {
    "newest": ("Date, newest first", (EvidenceEntry.occurred_on.desc(), EvidenceEntry.id.desc())),
    "oldest": ("Date, oldest first", (EvidenceEntry.occurred_on.asc(), EvidenceEntry.id.asc())),
    "updated": ("Recently changed", (EvidenceEntry.updated_at.desc(), EvidenceEntry.id.desc())),
    "title": ("Title A to Z", (func.lower(EvidenceEntry.title).asc(), EvidenceEntry.id.asc())),
}


@dataclass
class EvidenceFilters:
    """What the candidate asked for, read from the URL so a search can be bookmarked."""

    text: str = ""
    evidence_type: str = ""
    element_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "newest"
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field id, message)
    raw: dict = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return bool(self.text or self.evidence_type or self.element_id or self.date_from
                    or self.date_to)

    def url_args(self) -> dict:
        """The filters as query arguments (for pagination links), empty ones left out."""
        return {k: v for k, v in self.raw.items() if v and k != "page"}


def _parse_date(args, name: str, label: str, filters: EvidenceFilters) -> date | None:
    text = (args.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        filters.problems.append((name, f"Enter a real {label} date"))
        return None


def parse_filters(args) -> EvidenceFilters:
    filters = EvidenceFilters()
    filters.raw = {name: (args.get(name) or "").strip()[:100]
                   for name in ("q", "type", "element", "from", "to", "sort")}
    filters.text = filters.raw["q"]
    if filters.raw["type"] in {t.value for t in EvidenceType}:
        filters.evidence_type = filters.raw["type"]
    filters.element_id = id_argument(filters.raw["element"])
    filters.date_from = _parse_date(args, "from", "‘from’", filters)
    filters.date_to = _parse_date(args, "to", "‘to’", filters)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        filters.problems.append(
            ("to", "The ‘to’ date must be the same as or after the ‘from’ date"))
        filters.date_to = None
    if filters.raw["sort"] in SORTS:
        filters.sort = filters.raw["sort"]
    return filters


def _like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class ListedEntry(NamedTuple):
    """An entry as the evidence list shows it: plain values, its files counted and its
    framework elements from the per-process cache."""

    id: int
    title: str
    occurred_on: date
    evidence_type: str
    anonymised_confirmed: bool
    files: int
    links: tuple[element_cache.Element, ...]

    @property
    def type_label(self) -> str:
        return EvidenceType(self.evidence_type).label


def _listed_columns():
    """What the list shows of an entry, in the entries' own query: loading links and
    files as objects took two more queries and most of the page's time. Links come as
    "link id:element id" pairs, so they keep the order they were made in."""
    files = (select(func.count(Attachment.id))
             .where(Attachment.entry_id == EvidenceEntry.id)
             .correlate(EvidenceEntry).scalar_subquery())
    pair = cast(EvidenceLink.id, String) + ":" + cast(EvidenceLink.element_id, String)
    links = (select(func.aggregate_strings(pair, ","))
             .where(EvidenceLink.entry_id == EvidenceEntry.id)
             .correlate(EvidenceEntry).scalar_subquery())
    return (EvidenceEntry.id, EvidenceEntry.title, EvidenceEntry.occurred_on,
            EvidenceEntry.evidence_type, EvidenceEntry.anonymised_confirmed,
            files.label("files"), links.label("links"))


def listed_entries(rows) -> list[ListedEntry]:
    """ListedEntry values from rows of evidence_statement (without its total)."""
    rows = [tuple(row) for row in rows]
    linked = []
    for *_shown, links in rows:
        pairs = sorted(tuple(map(int, pair.split(":"))) for pair in (links or "").split(",")
                       if pair)
        linked.append([element_id for _link_id, element_id in pairs])
    elements = element_cache.elements_by_id({e for ids in linked for e in ids})
    return [ListedEntry(*shown, tuple(elements[e] for e in ids if e in elements))
            for (*shown, _links), ids in zip(rows, linked, strict=True)]


def entries_count(candidate_id: int):
    """How many entries the candidate has, as a column."""
    every = aliased(EvidenceEntry)  # not the filtered query's own table
    return (select(func.count(every.id)).where(every.candidate_id == candidate_id)
            .scalar_subquery().label("all_entries"))


def evidence_statement(candidate_id: int, filters: EvidenceFilters, with_total: bool = False):
    """The candidate's entries matching the filters, as rows for listed_entries.
    `with_total` adds a last column: how many entries the candidate has, whatever the
    filters say."""
    statement = select(*_listed_columns()).where(EvidenceEntry.candidate_id == candidate_id)
    if filters.text:
        pattern = _like_pattern(filters.text)
        statement = statement.where(or_(
            func.lower(EvidenceEntry.title).like(pattern, escape="\\"),
            func.lower(EvidenceEntry.reflection).like(pattern, escape="\\"),
        ))
    if filters.evidence_type:
        statement = statement.where(EvidenceEntry.evidence_type == filters.evidence_type)
    if filters.element_id:
        statement = statement.where(
            EvidenceEntry.links.any(EvidenceLink.element_id == filters.element_id))
    if filters.date_from:
        statement = statement.where(EvidenceEntry.occurred_on >= filters.date_from)
    if filters.date_to:
        statement = statement.where(EvidenceEntry.occurred_on <= filters.date_to)
    if with_total:
        statement = statement.add_columns(entries_count(candidate_id))
    return statement.order_by(*SORTS[filters.sort][1])


@dataclass
class ElementCoverage:
    element: FrameworkElement
    entries: int
    latest: date | None


def coverage(candidate_id: int, framework_elements) -> list[tuple[object, list[ElementCoverage]]]:
    """For each framework and element: how many of the candidate's entries link to it, and
    the date of the most recent one. One aggregate query, whatever the size of the log."""
    rows = db.session.execute(
        select(EvidenceLink.element_id, func.count(EvidenceLink.id),
               func.max(EvidenceEntry.occurred_on))
        .join(EvidenceEntry, EvidenceLink.entry_id == EvidenceEntry.id)
        .where(EvidenceEntry.candidate_id == candidate_id)
        .group_by(EvidenceLink.element_id)
    ).all()
    counts = {element_id: (count, latest) for element_id, count, latest in rows}
    return [
        (framework, [ElementCoverage(e, *counts.get(e.id, (0, None))) for e in elements])
        for framework, elements in framework_elements
    ]
