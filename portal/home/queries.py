"""What the home page reads for each role."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, load_only

from portal.accounts.models import User
from portal.core.db import db
from portal.evidence.models import EvidenceEntry
from portal.organisations.models import Cohort, CohortMembership
from portal.portfolios.models import Portfolio, PortfolioReviewPoint


def candidate_memberships(candidate_id: int) -> list[CohortMembership]:
    """The candidate's cohorts with their programmes, newest first."""
    return db.session.scalars(
        select(CohortMembership)
        .where(CohortMembership.candidate_id == candidate_id)
        .options(joinedload(CohortMembership.cohort).joinedload(Cohort.programme))
        .order_by(CohortMembership.joined_on.desc())
    ).all()


def recent_entries(candidate_id: int) -> list[EvidenceEntry]:
    """The candidate's five latest evidence entries: titles and dates only (reflections
    stay in the table)."""
    return db.session.scalars(
        select(EvidenceEntry)
        .where(EvidenceEntry.candidate_id == candidate_id)
        .options(load_only(EvidenceEntry.id, EvidenceEntry.title, EvidenceEntry.occurred_on,
                           EvidenceEntry.created_at))
        .order_by(EvidenceEntry.created_at.desc(), EvidenceEntry.id.desc())
        .limit(5)
    ).all()


def outstanding_review_points(candidate_id: int) -> list[PortfolioReviewPoint]:
    """The candidate's next four review points not yet completed, soonest first."""
    return db.session.scalars(
        select(PortfolioReviewPoint)
        .join(Portfolio, PortfolioReviewPoint.portfolio_id == Portfolio.id)
        .where(Portfolio.candidate_id == candidate_id,
               PortfolioReviewPoint.completed_on.is_(None))
        .order_by(PortfolioReviewPoint.due_on)
        .limit(4)
    ).all()


def cohort_overview(organisation_id: int) -> list:
    """The organisation's open cohorts (newest first, at most 20), each with its number of
    members, as (cohort, members) rows."""
    # count(*) rather than count(id): PostgreSQL can answer from the cohort_id index alone.
    members = (
        select(func.count())
        .where(CohortMembership.cohort_id == Cohort.id)
        .correlate(Cohort)
        .scalar_subquery()
    )
    return db.session.execute(
        select(Cohort, members.label("members"))
        .where(Cohort.organisation_id == organisation_id, Cohort.active)
        .options(joinedload(Cohort.programme))
        .order_by(Cohort.start_date.desc())
        .limit(20)
    ).all()


def active_user_count(organisation_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(User)
        .where(User.organisation_id == organisation_id, User.active)
    )
