"""The review reports and panel decisions on a submission: what a pack prints after the
evidence, and the free text of them an anonymised copy covers."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.core.db import db
from portal.panels.models import AgendaItem, PanelDecision
from portal.portfolios.models import PortfolioSnapshot
from portal.portfolios.reviews.models import ReviewReport


def review_reports(snapshot: PortfolioSnapshot, item: AgendaItem | None,
                   made_by: datetime | None = None) -> list:
    """The signed-off reports on this submission (the panel reads its item's report);
    with `made_by`, only those signed off by then."""
    wanted = ReviewReport.id == item.report_id if item else (
        ReviewReport.snapshot_id == snapshot.id)
    statement = select(ReviewReport).where(wanted, ReviewReport.state == "signed_off")
    if made_by is not None:
        statement = statement.where(ReviewReport.signed_off_at <= made_by)
    return db.session.scalars(
        statement.options(selectinload(ReviewReport.ratings),
                          selectinload(ReviewReport.actions))
        .order_by(ReviewReport.signed_off_at, ReviewReport.id)).all()


def panel_decisions(snapshot: PortfolioSnapshot, item: AgendaItem | None,
                    made_by: datetime | None = None) -> list:
    """Every decision recorded on this submission, corrections included, oldest first;
    with `made_by`, only those recorded by then."""
    wanted = PanelDecision.agenda_item_id == item.id if item else (
        AgendaItem.snapshot_id == snapshot.id)
    statement = (select(PanelDecision)
                 .join(AgendaItem, AgendaItem.id == PanelDecision.agenda_item_id).where(wanted))
    if made_by is not None:
        statement = statement.where(PanelDecision.decided_at <= made_by)
    return db.session.scalars(
        statement.options(selectinload(PanelDecision.actions))
        .order_by(PanelDecision.decided_at, PanelDecision.id)).all()


def assessment_text(snapshot: PortfolioSnapshot, made_by: datetime) -> list[tuple[str, str]]:
    """(field, text) of the free text of the reports and decisions on the submission made
    by `made_by`, in the order a pack prints them. A report is signed off and a decision
    recorded once, so the list for a given moment never changes."""
    found: list[tuple[str, str | None]] = []
    for number, report in enumerate(review_reports(snapshot, None, made_by)):
        base = f"reports.{number}"
        found += [(f"{base}.summary", report.summary),
                  (f"{base}.holistic_assessment", report.holistic_assessment)]
        found += [(f"{base}.ratings.{index}.commentary", rating.commentary)
                  for index, rating in enumerate(report.ratings)]
        found += [(f"{base}.actions.{index}.description", action.description)
                  for index, action in enumerate(report.actions)]
        # The candidate may answer a report after it is signed off: the copy covers the
        # answer only if it was there when the copy was started.
        if report.responded_at is not None and report.responded_at <= made_by:
            found.append((f"{base}.candidate_response", report.candidate_response))
    for number, decision in enumerate(panel_decisions(snapshot, None, made_by)):
        base = f"decisions.{number}"
        found += [(f"{base}.correction_reason", decision.correction_reason),
                  (f"{base}.rationale", decision.rationale)]
        found += [(f"{base}.actions.{index}.description", action.description)
                  for index, action in enumerate(decision.actions)]
    return [(field, text) for field, text in found if isinstance(text, str) and text.strip()]
