"""Moving a cohort's portfolios to another framework version, in one transaction.

Nothing is deleted: each portfolio's pin switches to the new version, and every evidence
link to a mapped element gains links to the elements it maps to, so the candidate's
evidence still counts. The old links stay, shown as history beside the move's record.
Submitted snapshots hold their own copy of the content, so they do not change.
"""

from sqlalchemy import delete, insert, select

from portal.accounts.models import User
from portal.core import audit
from portal.core.db import db
from portal.evidence.models import EvidenceEntry, EvidenceLink
from portal.frameworks.models import Framework, FrameworkStatus
from portal.organisations.models import Cohort
from portal.portfolios.framework_moves import queries
from portal.portfolios.framework_moves.models import FrameworkMove
from portal.portfolios.models import Portfolio, portfolio_framework
from portal.portfolios.operations import lock


class MoveError(ValueError):
    """A move that cannot happen; the message is fit to show, `field` says where."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def check_versions(cohort: Cohort, source: Framework, target: Framework) -> None:
    """Refuse a move to the same version, to a version not in use, or from one the
    cohort's portfolios are not on."""
    if source.id == target.id:
        raise MoveError("Choose a different version to move to", field="to_id")
    if target.status != FrameworkStatus.ACTIVE.value:
        raise MoveError(f"{target.label} is not active: choose an active version",
                        field="to_id")
    if source not in queries.cohort_frameworks(cohort.id):
        raise MoveError(f"No portfolio in {cohort.name} uses {source.label}",
                        field="from_id")


def move_cohort(actor: User, cohort: Cohort, source: Framework, target: Framework,
                ) -> list[FrameworkMove]:
    """Move every portfolio of `cohort` pinned to `source` (and not yet decided) to
    `target`. Each portfolio is row-locked first, as the workflow operations do, so a
    submission racing the move waits for it (PostgreSQL)."""
    check_versions(cohort, source, target)
    rows = queries.movable_portfolios(cohort.id, source)
    if not rows:
        raise MoveError(f"No portfolio in {cohort.name} is left to move from {source.label}",
                        field="from_id")
    portfolios = db.session.scalars(select(Portfolio).where(
        Portfolio.id.in_([row.portfolio_id for row in rows])).order_by(Portfolio.id)).all()
    for portfolio in portfolios:
        lock(portfolio)  # in id order, so two moves at once cannot deadlock
    # Read again under the locks: a move or a decision that got in first is seen now.
    still = {row.portfolio_id for row in queries.movable_portfolios(cohort.id, source)}
    if not still:
        raise MoveError(f"No portfolio in {cohort.name} is left to move from {source.label}",
                        field="from_id")
    if still != {portfolio.id for portfolio in portfolios}:
        raise MoveError("The cohort changed while you were looking: check the list again",
                        field="from_id")
    mapped = queries.mapped_elements(source.id, target.id)
    moves = [_move_portfolio(actor, portfolio, source, target, mapped)
             for portfolio in portfolios]
    audit.record(actor, "cohort_framework_moved", cohort, from_framework_id=source.id,
                 to_framework_id=target.id, portfolios=len(moves))
    return moves


def _move_portfolio(actor: User, portfolio: Portfolio, source: Framework, target: Framework,
                    mapped: dict[int, list[int]]) -> FrameworkMove:
    added = _carry_links(portfolio.candidate_id, mapped)
    db.session.execute(delete(portfolio_framework).where(
        portfolio_framework.c.portfolio_id == portfolio.id,
        portfolio_framework.c.framework_id == source.id))
    already = db.session.scalar(select(portfolio_framework.c.framework_id).where(
        portfolio_framework.c.portfolio_id == portfolio.id,
        portfolio_framework.c.framework_id == target.id))
    if already is None:
        db.session.execute(insert(portfolio_framework).values(
            portfolio_id=portfolio.id, framework_id=target.id))
    db.session.expire(portfolio, ["frameworks"])
    move = FrameworkMove(portfolio_id=portfolio.id, from_framework_id=source.id,
                         to_framework_id=target.id, moved_by_id=actor.id)
    db.session.add(move)
    db.session.flush()
    audit.record(actor, "portfolio_framework_moved", portfolio, move_id=move.id,
                 from_framework_id=source.id, to_framework_id=target.id, links_added=added)
    return move


def _carry_links(candidate_id: int, mapped: dict[int, list[int]]) -> int:
    """Give each of the candidate's entries linked to a mapped element a link to each
    element it maps to, with the same one-line reason; a link the entry already has is
    left as it is. Returns how many links were added."""
    if not mapped:
        return 0
    links = db.session.execute(
        select(EvidenceLink.entry_id, EvidenceLink.element_id, EvidenceLink.reason)
        .join(EvidenceEntry, EvidenceEntry.id == EvidenceLink.entry_id)
        .where(EvidenceEntry.candidate_id == candidate_id)
        .order_by(EvidenceLink.id)).all()
    have = {(link.entry_id, link.element_id) for link in links}
    new = []
    for link in links:
        for to_id in mapped.get(link.element_id, ()):
            if (link.entry_id, to_id) not in have:
                have.add((link.entry_id, to_id))  # several to one: one link, the first reason
                new.append({"entry_id": link.entry_id, "element_id": to_id,
                            "reason": link.reason})
    if new:
        db.session.execute(insert(EvidenceLink), new)
    return len(new)
