"""What a move carries over and what does not map, worked out from the evidence links and
the mappings (never stored), for the confirmation page, the move itself and the history.

Counts only: a programme lead reading entry titles would be an audited read of evidence,
and the element is what the candidate and their assessor need to act on.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Row, func, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.core.db import db
from portal.evidence.models import EvidenceEntry, EvidenceLink
from portal.frameworks.element_cache import Element, elements_by_id
from portal.frameworks.models import ElementMapping, Framework, FrameworkElement, FrameworkStatus
from portal.organisations.models import CohortMembership
from portal.portfolios.framework_moves.models import FrameworkMove
from portal.portfolios.models import Portfolio, PortfolioState, portfolio_framework


@dataclass(frozen=True)
class ElementCarry:
    """An element of the old version the candidate's evidence links to, how many entries
    link to it, and the elements of the new version those links carry over to."""

    element: Element
    entries: int
    to_elements: tuple[Element, ...]


@dataclass
class CandidatePlan:
    portfolio_id: int
    candidate_id: int
    candidate_name: str
    carries: list[ElementCarry] = field(default_factory=list)

    @property
    def carried(self) -> list[ElementCarry]:
        return [carry for carry in self.carries if carry.to_elements]

    @property
    def unmapped(self) -> list[ElementCarry]:
        return [carry for carry in self.carries if not carry.to_elements]


def cohort_frameworks(cohort_id: int) -> Sequence[Framework]:
    """The versions the cohort's portfolios are pinned to: what a move can start from."""
    pinned = (select(portfolio_framework.c.framework_id)
              .join(Portfolio, Portfolio.id == portfolio_framework.c.portfolio_id)
              .join(CohortMembership, CohortMembership.id == Portfolio.membership_id)
              .where(CohortMembership.cohort_id == cohort_id))
    return db.session.scalars(select(Framework).where(Framework.id.in_(pinned))
                              .order_by(Framework.title, Framework.version)).all()


def active_frameworks() -> Sequence[Framework]:
    """The versions a cohort can move to: active ones (a draft is not ready for work)."""
    return db.session.scalars(
        select(Framework).where(Framework.status == FrameworkStatus.ACTIVE.value)
        .order_by(Framework.title, Framework.version)).all()


def movable_portfolios(cohort_id: int, source: Framework) -> Sequence[Row]:
    """(portfolio_id, candidate_id, candidate_name) for each of the cohort's portfolios
    pinned to `source`, by name. Decided portfolios stay as they were decided."""
    return db.session.execute(
        select(Portfolio.id.label("portfolio_id"), Portfolio.candidate_id,
               User.name.label("candidate_name"))
        .join(CohortMembership, CohortMembership.id == Portfolio.membership_id)
        .join(User, User.id == Portfolio.candidate_id)
        .join(portfolio_framework, portfolio_framework.c.portfolio_id == Portfolio.id)
        .where(CohortMembership.cohort_id == cohort_id,
               portfolio_framework.c.framework_id == source.id,
               Portfolio.state != PortfolioState.DECIDED.value)
        .order_by(User.name, Portfolio.id)).all()


def mapped_elements(source_id: int, target_id: int) -> dict[int, list[int]]:
    """Each element of `source` with the elements of `target` it maps to (in tree order)."""
    to_element = FrameworkElement
    rows = db.session.execute(
        select(ElementMapping.from_element_id, ElementMapping.to_element_id)
        .join(to_element, to_element.id == ElementMapping.to_element_id)
        .where(to_element.framework_id == target_id,
               ElementMapping.from_element_id.in_(
                   select(FrameworkElement.id).where(FrameworkElement.framework_id == source_id)))
        .order_by(to_element.position)).all()
    mapped: dict[int, list[int]] = defaultdict(list)
    for from_id, to_id in rows:
        mapped[from_id].append(to_id)
    return mapped


def _linked_counts(candidate_ids: list[int], framework_id: int) -> Sequence[Row]:
    """(candidate_id, element_id, entries) for each element of the version the candidates'
    evidence links to."""
    return db.session.execute(
        select(EvidenceEntry.candidate_id, EvidenceLink.element_id,
               func.count(EvidenceLink.id).label("entries"))
        .join(EvidenceEntry, EvidenceEntry.id == EvidenceLink.entry_id)
        .join(FrameworkElement, FrameworkElement.id == EvidenceLink.element_id)
        .where(EvidenceEntry.candidate_id.in_(candidate_ids),
               FrameworkElement.framework_id == framework_id)
        .group_by(EvidenceEntry.candidate_id, EvidenceLink.element_id)).all()


def plans(portfolios: Sequence[Row], source_id: int, target_id: int) -> list[CandidatePlan]:
    """For each portfolio row (as `movable_portfolios` gives), which elements its
    candidate's evidence links to and where each goes: three queries for any cohort."""
    found = {row.candidate_id: CandidatePlan(row.portfolio_id, row.candidate_id,
                                             row.candidate_name) for row in portfolios}
    if not found:
        return []
    mapped = mapped_elements(source_id, target_id)
    counts = _linked_counts(list(found), source_id)
    elements = elements_by_id({row.element_id for row in counts}
                              | {to_id for ids in mapped.values() for to_id in ids})
    for row in counts:
        found[row.candidate_id].carries.append(ElementCarry(
            elements[row.element_id], row.entries,
            tuple(elements[to_id] for to_id in mapped.get(row.element_id, ()))))
    for plan in found.values():
        plan.carries.sort(key=lambda carry: carry.element.position)
    return list(found.values())


@dataclass
class MoveHistory:
    move: FrameworkMove
    plan: CandidatePlan


def history(portfolio: Portfolio) -> list[MoveHistory]:
    """The portfolio's moves, oldest first, each with what carried over and what did not
    map (worked out from today's links and mappings)."""
    moves = db.session.scalars(
        select(FrameworkMove).where(FrameworkMove.portfolio_id == portfolio.id)
        .options(joinedload(FrameworkMove.from_framework), joinedload(FrameworkMove.to_framework))
        .order_by(FrameworkMove.moved_at, FrameworkMove.id)).all()
    row = _PortfolioRow(portfolio.id, portfolio.candidate_id, "")
    return [MoveHistory(move, plans([row], move.from_framework_id, move.to_framework_id)[0])
            for move in moves]


@dataclass(frozen=True)
class _PortfolioRow:
    portfolio_id: int
    candidate_id: int
    candidate_name: str
