"""Changes to portfolios. One function per workflow transition; each checks the state,
writes an audit row and flushes. Views commit."""

from datetime import date

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core import audit
from portal.core.db import db, utcnow
from portal.evidence.models import EvidenceEntry
from portal.organisations.models import CohortMembership
from portal.portfolios import snapshots
from portal.portfolios.models import (
    Portfolio,
    PortfolioEntry,
    PortfolioReviewPoint,
    PortfolioSnapshot,
    PortfolioState,
    ScheduleChange,
)
from portal.portfolios.schedule.dates import due_date


class PortfolioError(ValueError):
    """A change that cannot be made, with a message fit to show the user."""


class InvalidTransition(PortfolioError):
    pass


# Which states each action may start from. Anything else is refused and nothing changes.
TRANSITIONS = {
    "submit_for_review": {PortfolioState.DRAFT, PortfolioState.RETURNED},
    "submit_for_panel": {PortfolioState.DRAFT, PortfolioState.RETURNED},
    "withdraw": {PortfolioState.SUBMITTED_FOR_REVIEW, PortfolioState.SUBMITTED_FOR_PANEL},
    "start_assessment": {PortfolioState.SUBMITTED_FOR_REVIEW, PortfolioState.SUBMITTED_FOR_PANEL},
    "return_to_candidate": {PortfolioState.UNDER_ASSESSMENT},
    "complete_review": {PortfolioState.UNDER_ASSESSMENT},
    "place_on_panel": {PortfolioState.UNDER_ASSESSMENT},
    "take_off_panel": {PortfolioState.AT_PANEL},
    "record_decision": {PortfolioState.AT_PANEL},
}

REFUSALS = {
    "submit_for_review": "Your portfolio has already been submitted or is being assessed: "
                         "you can submit only when it is in progress or has been returned "
                         "to you",
    "submit_for_panel": "Your portfolio has already been submitted or is being assessed: "
                        "you can submit only when it is in progress or has been returned "
                        "to you",
    "withdraw": "This submission can no longer be withdrawn: assessment has started or "
                "it is not submitted",
    "start_assessment": "This portfolio is no longer waiting for assessment: the candidate "
                        "may have withdrawn it, or its assessment has already started",
    "return_to_candidate": "Only a portfolio under assessment can be returned",
    "complete_review": "Only a portfolio under assessment can finish a review",
    "place_on_panel": "Only a portfolio with a final assessment can go on a panel agenda",
    "take_off_panel": "Only a portfolio waiting at a panel can be taken off its agenda",
    "record_decision": "Only a portfolio at panel can have a decision recorded",
}


def lock(portfolio: Portfolio) -> None:
    """Hold the portfolio's row until the transaction ends, and read its state afresh.

    Two requests can both have read a portfolio as "submitted" (a double-click, or a
    withdrawal racing the start of assessment). On PostgreSQL the second now waits here
    until the first commits, then sees the state the first left and is refused, instead of
    carrying on from what it read before. (SQLite lets one writer in at a time anyway.)
    Only the two workflow columns are read, so no join meets FOR UPDATE.
    """
    db.session.refresh(portfolio, ["state", "current_snapshot_id"], with_for_update=True)
    # The snapshot may have changed under us: load it again when it is next needed.
    db.session.expire(portfolio, ["current_snapshot"])


def _check_transition(portfolio: Portfolio, action: str) -> None:
    lock(portfolio)
    if PortfolioState(portfolio.state) not in TRANSITIONS[action]:
        raise InvalidTransition(REFUSALS[action])


def _move(actor: User | None, portfolio: Portfolio, action: str, new_state: PortfolioState,
          **details) -> None:
    old_state = portfolio.state
    portfolio.state = new_state.value
    db.session.flush()
    audit.record(actor, f"portfolio_{action}", portfolio, from_state=old_state,
                 to_state=new_state.value, **details)


# Enrolment and schedule ---------------------------------------------------------------
def enrol(actor: User | None, membership: CohortMembership) -> Portfolio | None:
    """Create the candidate's portfolio for their cohort, pinned to the programme's
    framework versions, with review points dated from the cohort's start date."""
    existing = db.session.scalar(select(Portfolio).where(
        Portfolio.membership_id == membership.id))
    if existing is not None:
        return existing
    cohort = membership.cohort
    programme = cohort.programme
    start = max(cohort.start_date, membership.joined_on) if membership.joined_on else \
        cohort.start_date
    portfolio = Portfolio(
        organisation_id=cohort.organisation_id, candidate_id=membership.candidate_id,
        programme_id=programme.id, membership_id=membership.id, start_date=start,
        state=PortfolioState.DRAFT.value,
    )
    portfolio.frameworks = list(programme.frameworks)
    portfolio.review_points = [
        PortfolioReviewPoint(code=d.code, title=d.title, position=d.position,
                             optional=d.optional, is_final=d.is_final,
                             base_due_on=due_date(start, d.due_month, 0),
                             due_on=due_date(start, d.due_month, 0))
        for d in programme.review_points
    ]
    db.session.add(portfolio)
    db.session.flush()
    audit.record(actor, "portfolio_created", portfolio,
                 frameworks=[f"{f.code} {f.version}" for f in portfolio.frameworks])
    return portfolio


def extension_days(portfolio: Portfolio) -> int:
    return sum(change.days for change in portfolio.schedule_changes)


def record_schedule_change(actor: User, portfolio: Portfolio, kind: str, days: int,
                           reason: str) -> ScheduleChange:
    """Part-time working or absence: later review points move back by `days`."""
    if kind not in {"part_time", "absence", "other"}:
        raise PortfolioError("Choose why the dates are changing")
    if not 1 <= days <= 1100:
        raise PortfolioError("Enter a number of days between 1 and 1100")
    if not reason.strip():
        raise PortfolioError("Explain the reason for the change")
    change = ScheduleChange(portfolio_id=portfolio.id, kind=kind, days=days,
                            reason=reason.strip()[:500], recorded_by_id=actor.id)
    portfolio.schedule_changes.append(change)
    db.session.flush()
    _recompute_due_dates(portfolio)
    audit.record(actor, "portfolio_schedule_changed", portfolio, kind=kind, days=days)
    return change


def _recompute_due_dates(portfolio: Portfolio) -> None:
    extra = extension_days(portfolio)
    months = {d.code: d.due_month for d in portfolio.programme.review_points}
    for point in portfolio.review_points:
        if point.completed_on is None and point.code in months:
            point.due_on = due_date(portfolio.start_date, months[point.code], extra)
    db.session.flush()


# Choosing evidence ------------------------------------------------------------------
def include_entry(actor: User, portfolio: Portfolio, entry: EvidenceEntry,
                  section: str | None) -> PortfolioEntry:
    if entry.candidate_id != portfolio.candidate_id:
        raise PortfolioError("You can only add your own evidence")
    sections = {c.code for c in portfolio.programme.components if c.source == "evidence"}
    if section and section not in sections:
        raise PortfolioError("Choose a section of your portfolio")
    item = db.session.scalar(select(PortfolioEntry).where(
        PortfolioEntry.portfolio_id == portfolio.id, PortfolioEntry.entry_id == entry.id))
    if item is None:
        item = PortfolioEntry(portfolio_id=portfolio.id, entry_id=entry.id, section=section)
        db.session.add(item)
        action = "portfolio_entry_added"
    else:
        item.section = section
        action = "portfolio_entry_moved"
    db.session.flush()
    audit.record(actor, action, portfolio, entry_id=entry.id, section=section)
    return item


def exclude_entry(actor: User, portfolio: Portfolio, item: PortfolioEntry) -> None:
    audit.record(actor, "portfolio_entry_removed", portfolio, entry_id=item.entry_id)
    db.session.delete(item)
    db.session.flush()


# Submission ---------------------------------------------------------------------------
def _submit(actor: User, portfolio: Portfolio, action: str, purpose: str,
            review_point_code: str | None, missing: list[str]) -> PortfolioSnapshot:
    _check_transition(portfolio, action)
    if missing:
        raise PortfolioError("Your portfolio is not ready to submit: " + "; ".join(missing))
    snapshot = snapshots.freeze(portfolio, purpose, review_point_code, actor)
    portfolio.current_snapshot_id = snapshot.id
    new_state = (PortfolioState.SUBMITTED_FOR_PANEL if purpose == "panel"
                 else PortfolioState.SUBMITTED_FOR_REVIEW)
    _move(actor, portfolio, action, new_state, snapshot_id=snapshot.id,
          sha256=snapshot.sha256, review_point=review_point_code)
    return snapshot


def submit_for_review_point(actor: User, portfolio: Portfolio, review_point_code: str,
                            missing: list[str]) -> PortfolioSnapshot:
    """Freeze a snapshot for a review point. `missing` comes from the sufficiency check
    of what that review point needs (an empty list when nothing is outstanding)."""
    codes = {p.code for p in portfolio.review_points if p.completed_on is None}
    if review_point_code not in codes:
        raise PortfolioError("Choose a review point that is still to come")
    return _submit(actor, portfolio, "submit_for_review", "review_point", review_point_code,
                   missing)


def submit_for_panel(actor: User, portfolio: Portfolio, missing: list[str]) -> PortfolioSnapshot:
    """Freeze the final portfolio for the panel once every required component is there."""
    return _submit(actor, portfolio, "submit_for_panel", "panel", None, missing)


def withdraw_submission(actor: User, portfolio: Portfolio) -> None:
    """Take back a submission before assessment starts; the snapshot is kept, marked."""
    _check_transition(portfolio, "withdraw")
    snapshot = portfolio.current_snapshot
    snapshot.withdrawn_at = utcnow()
    portfolio.current_snapshot_id = None
    _move(actor, portfolio, "withdrawn", PortfolioState.DRAFT, snapshot_id=snapshot.id)


def start_assessment(actor: User, portfolio: Portfolio) -> None:
    _check_transition(portfolio, "start_assessment")
    _move(actor, portfolio, "assessment_started", PortfolioState.UNDER_ASSESSMENT,
          snapshot_id=portfolio.current_snapshot_id)


def return_to_candidate(actor: User, portfolio: Portfolio) -> None:
    _check_transition(portfolio, "return_to_candidate")
    snapshot_id = portfolio.current_snapshot_id
    portfolio.current_snapshot_id = None
    _move(actor, portfolio, "returned", PortfolioState.RETURNED, snapshot_id=snapshot_id)


def complete_review(actor: User, portfolio: Portfolio) -> None:
    """A review point's assessment is finished: live work carries on as before. (A final
    submission stays under assessment until a panel takes it.)"""
    _check_transition(portfolio, "complete_review")
    snapshot_id = portfolio.current_snapshot_id
    portfolio.current_snapshot_id = None
    _move(actor, portfolio, "review_completed", PortfolioState.DRAFT, snapshot_id=snapshot_id)


def place_on_panel(actor: User, portfolio: Portfolio, agenda_item_id: int) -> None:
    _check_transition(portfolio, "place_on_panel")
    _move(actor, portfolio, "placed_on_panel", PortfolioState.AT_PANEL,
          agenda_item_id=agenda_item_id)


def take_off_panel(actor: User, portfolio: Portfolio, agenda_item_id: int) -> None:
    """Taken off a panel's agenda before a decision: back to the state a portfolio goes to
    a panel from, with its final report, ready for another panel."""
    _check_transition(portfolio, "take_off_panel")
    _move(actor, portfolio, "taken_off_panel", PortfolioState.UNDER_ASSESSMENT,
          agenda_item_id=agenda_item_id)


def decide(actor: User, portfolio: Portfolio, outcome: str, decision_id: int) -> None:
    """The panel has decided. A deferral reopens the portfolio for more evidence."""
    _check_transition(portfolio, "record_decision")
    if outcome == "deferred":
        portfolio.current_snapshot_id = None
        _move(actor, portfolio, "deferred", PortfolioState.RETURNED, decision_id=decision_id)
    else:
        _move(actor, portfolio, "decided", PortfolioState.DECIDED, decision_id=decision_id,
              outcome=outcome)


def snapshot_count(portfolio: Portfolio) -> int:
    return db.session.scalar(select(func.count(PortfolioSnapshot.id)).where(
        PortfolioSnapshot.portfolio_id == portfolio.id)) or 0


def complete_review_point(actor: User, point: PortfolioReviewPoint, on: date) -> None:
    point.completed_on = on
    db.session.flush()
    audit.record(actor, "review_point_completed", point.portfolio, review_point=point.code)
