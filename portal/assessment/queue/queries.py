"""Read models for the work queue: the caseload, then one query per kind of work over all
of its candidates at once, so the number of queries stays the same whatever the caseload."""

from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import Row, and_, exists, func, or_, select

from portal.accounts.models import User
from portal.assessment.models import Observation, ObservationState
from portal.assignments.models import Assignment
from portal.core.db import db
from portal.evidence.models import EvidenceEntry, FeedbackStatus
from portal.portfolios.models import (
    Portfolio,
    PortfolioEntry,
    PortfolioReviewPoint,
    PortfolioSnapshot,
    PortfolioState,
)
from portal.portfolios.reviews.models import ReviewReport

# Once a portfolio is at panel or decided its review points and feedback are settled:
# work about it leaves the queue.
SETTLED = [PortfolioState.AT_PANEL.value, PortfolioState.DECIDED.value]


def caseload(staff: User, roles: Collection[str]) -> Sequence[Row]:
    """(role, candidate_id, name) for each current assignment of `staff` in one of
    `roles`, to a candidate of their own organisation."""
    return db.session.execute(
        select(Assignment.role, User.id.label("candidate_id"), User.name)
        .join(User, Assignment.candidate_id == User.id)
        .where(Assignment.staff_id == staff.id, Assignment.ended_on.is_(None),
               Assignment.organisation_id == staff.organisation_id,
               User.organisation_id == staff.organisation_id,
               Assignment.role.in_(roles))
    ).all()


def evidence_awaiting_feedback(staff: User, candidate_ids: Collection[int]) -> Sequence[Row]:
    """(entry_id, candidate_id, title, feedback_status, added_at) for each entry in one of
    the candidates' own unsettled portfolios whose thread is empty or ends with the
    candidate's reply; added_at is when it first went into a portfolio. An entry made from
    an observation `staff` wrote up is their own words: it asks no feedback of them."""
    own_observation = exists().where(Observation.entry_id == EvidenceEntry.id,
                                     Observation.observer_id == staff.id)
    return db.session.execute(
        select(EvidenceEntry.id.label("entry_id"), EvidenceEntry.candidate_id,
               EvidenceEntry.title, EvidenceEntry.feedback_status,
               func.min(PortfolioEntry.added_at).label("added_at"))
        .join(PortfolioEntry, PortfolioEntry.entry_id == EvidenceEntry.id)
        .join(Portfolio, and_(Portfolio.id == PortfolioEntry.portfolio_id,
                              Portfolio.candidate_id == EvidenceEntry.candidate_id))
        .where(EvidenceEntry.candidate_id.in_(candidate_ids),
               Portfolio.state.not_in(SETTLED), ~own_observation,
               or_(EvidenceEntry.feedback_status.is_(None),
                   EvidenceEntry.feedback_status == FeedbackStatus.AWAITING_ASSESSOR.value))
        .group_by(EvidenceEntry.id, EvidenceEntry.candidate_id, EvidenceEntry.title,
                  EvidenceEntry.feedback_status)
    ).all()


def review_points_due(candidate_ids: Collection[int], by: date) -> Sequence[Row]:
    """(portfolio_id, candidate_id, title, due_on, optional) for each review point not yet
    completed, of a portfolio not yet at panel or decided, that is due on or before `by`."""
    return db.session.execute(
        select(Portfolio.id.label("portfolio_id"), Portfolio.candidate_id,
               PortfolioReviewPoint.title, PortfolioReviewPoint.due_on,
               PortfolioReviewPoint.optional)
        .join(Portfolio, Portfolio.id == PortfolioReviewPoint.portfolio_id)
        .where(Portfolio.candidate_id.in_(candidate_ids), Portfolio.state.not_in(SETTLED),
               PortfolioReviewPoint.completed_on.is_(None),
               PortfolioReviewPoint.due_on <= by)
    ).all()


def submissions_awaiting_assessment(candidate_ids: Collection[int]) -> Sequence[Row]:
    """(portfolio_id, candidate_id, state, submitted_at, point_title, point_due) for each
    portfolio submitted for a review point or the panel and not yet being assessed (the
    review point's title and due date when it was submitted for one)."""
    return db.session.execute(
        select(Portfolio.id.label("portfolio_id"), Portfolio.candidate_id, Portfolio.state,
               PortfolioSnapshot.submitted_at,
               PortfolioReviewPoint.title.label("point_title"),
               PortfolioReviewPoint.due_on.label("point_due"))
        .join(PortfolioSnapshot, PortfolioSnapshot.id == Portfolio.current_snapshot_id)
        .outerjoin(PortfolioReviewPoint, and_(
            PortfolioReviewPoint.portfolio_id == Portfolio.id,
            PortfolioReviewPoint.code == PortfolioSnapshot.review_point_code))
        .where(Portfolio.candidate_id.in_(candidate_ids),
               Portfolio.state.in_([PortfolioState.SUBMITTED_FOR_REVIEW.value,
                                    PortfolioState.SUBMITTED_FOR_PANEL.value]))
    ).all()


def observations_to_write_up(staff: User, candidate_ids: Collection[int]) -> Sequence[Row]:
    """(observation_id, candidate_id, state, observed_on, setting) for each observation
    `staff` made of the candidates that is still a draft or awaits their sign-off."""
    return db.session.execute(
        select(Observation.id.label("observation_id"), Observation.candidate_id,
               Observation.state, Observation.observed_on, Observation.setting)
        .where(Observation.observer_id == staff.id,
               Observation.candidate_id.in_(candidate_ids),
               Observation.state.in_([ObservationState.DRAFT.value,
                                      ObservationState.COMPLETED.value]))
    ).all()


def reports_to_confirm(candidate_ids: Collection[int]) -> Sequence[Row]:
    """(report_id, candidate_id, point_title, signed_off_at) for each signed-off review
    report (not a returned round) of the candidates that their line manager has not yet
    confirmed, while its portfolio is undecided."""
    return db.session.execute(
        select(ReviewReport.id.label("report_id"), Portfolio.candidate_id,
               PortfolioReviewPoint.title.label("point_title"), ReviewReport.signed_off_at)
        .join(Portfolio, Portfolio.id == ReviewReport.portfolio_id)
        .outerjoin(PortfolioReviewPoint, and_(
            PortfolioReviewPoint.portfolio_id == Portfolio.id,
            PortfolioReviewPoint.code == ReviewReport.review_point_code))
        .where(Portfolio.candidate_id.in_(candidate_ids),
               Portfolio.state != PortfolioState.DECIDED.value,
               ReviewReport.state == "signed_off", ReviewReport.outcome == "completed",
               ReviewReport.confirmed_at.is_(None))
    ).all()
