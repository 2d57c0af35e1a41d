"""The role-appropriate home page."""

import functools

from flask import Blueprint, redirect, url_for
from flask_login import current_user
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, load_only

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.core.access import public, signed_in
from portal.core.db import db
from portal.core.htmx import render
from portal.evidence.models import EvidenceEntry
from portal.organisations.models import Cohort, CohortMembership

bp = Blueprint("home", __name__)


@bp.route("/")
@public
def root():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return redirect(url_for("accounts.sign_in"))


# Home pages are the most visited: their statements are built once, with the user's id
# as a bound parameter, rather than built and keyed again on every request.
@functools.cache
def _memberships_statement():
    return (
        select(CohortMembership)
        .where(CohortMembership.candidate_id == bindparam("user_id"))
        .options(joinedload(CohortMembership.cohort).joinedload(Cohort.programme))
        .order_by(CohortMembership.joined_on.desc())
    )


def _candidate_memberships(user: User):
    return db.session.scalars(_memberships_statement(), {"user_id": user.id}).all()


@functools.cache
def _recent_entries_statement():
    return (
        select(EvidenceEntry)
        .where(EvidenceEntry.candidate_id == bindparam("user_id"))
        # Titles and dates only: reflections stay in the table.
        .options(load_only(EvidenceEntry.id, EvidenceEntry.title, EvidenceEntry.occurred_on,
                           EvidenceEntry.created_at))
        .order_by(EvidenceEntry.created_at.desc(), EvidenceEntry.id.desc())
        .limit(5)
    )


def _recent_entries(user: User):
    return db.session.scalars(_recent_entries_statement(), {"user_id": user.id}).all()


@functools.cache
def _open_support_plans_statement():
    from portal.assessment.models import SupportPlan
    from portal.portfolios.models import Portfolio

    return (
        select(SupportPlan).join(Portfolio, SupportPlan.portfolio_id == Portfolio.id)
        .where(Portfolio.candidate_id == bindparam("user_id"), SupportPlan.closed_on.is_(None))
        .order_by(SupportPlan.review_on)
    )


def _open_support_plans(user: User):
    return db.session.scalars(_open_support_plans_statement(), {"user_id": user.id}).all()


@functools.cache
def _review_points_statement():
    from portal.portfolios.models import Portfolio, PortfolioReviewPoint

    return (
        select(PortfolioReviewPoint)
        .join(Portfolio, PortfolioReviewPoint.portfolio_id == Portfolio.id)
        .where(Portfolio.candidate_id == bindparam("user_id"),
               PortfolioReviewPoint.completed_on.is_(None))
        .order_by(PortfolioReviewPoint.due_on)
        .limit(4)
    )


def _review_points_to_come(user: User):
    """The candidate's outstanding review points with their status, soonest first."""
    from portal.evidence.forms import today_in_england
    from portal.portfolios.views import review_point_status

    today = today_in_england()
    points = db.session.scalars(_review_points_statement(), {"user_id": user.id}).all()
    return [(point, *review_point_status(point, today)) for point in points]


@functools.cache
def _cohort_overview_statement():
    # count(*) rather than count(id): PostgreSQL can answer from the cohort_id index alone.
    members = (
        select(func.count())
        .where(CohortMembership.cohort_id == Cohort.id)
        .correlate(Cohort)
        .scalar_subquery()
    )
    return (
        select(Cohort, members.label("members"))
        .where(Cohort.organisation_id == bindparam("organisation_id"), Cohort.active)
        .options(joinedload(Cohort.programme))
        .order_by(Cohort.start_date.desc())
        .limit(20)
    )


def _cohort_overview(user: User):
    return db.session.execute(_cohort_overview_statement(),
                              {"organisation_id": user.organisation_id}).all()


def _organisation_counts(user: User) -> dict:
    active_users = db.session.scalar(
        select(func.count()).select_from(User)
        .where(User.organisation_id == user.organisation_id, User.active)
    )
    return {"active_users": active_users}


def _assessor_summary(user: User) -> dict:
    """How many candidates the person has now and how much work waits in their queue."""
    from portal.assessment import queue
    from portal.evidence.forms import today_in_england

    today = today_in_england()
    caseload, items = queue.work_queue(user, today)
    return {"candidates": len(caseload.all), "queue_items": len(items),
            "overdue": sum(1 for item in items if item.overdue(today))}


# Which parts of the home page each role sees, in the order they appear.
SECTIONS = [
    ("candidate", {Role.CANDIDATE}),
    ("assessor", {Role.ASSESSOR, Role.LINE_MANAGER}),
    ("panel", {Role.PANEL_MEMBER, Role.PANEL_CHAIR}),
    ("cohorts", {Role.PROGRAMME_LEAD, Role.ADMINISTRATOR}),
    ("administrator", {Role.ADMINISTRATOR}),
    ("moderator", {Role.EXTERNAL_MODERATOR}),
]


def home_sections(roles: set[Role]) -> list[str]:
    return [name for name, wanted in SECTIONS if roles & wanted]


@bp.route("/home")
@signed_in
def index():
    roles = current_user.roles
    context = {"sections": home_sections(roles)}
    if Role.CANDIDATE in roles:
        context["memberships"] = _candidate_memberships(current_user)
        context["recent_entries"] = _recent_entries(current_user)
        context["review_points"] = _review_points_to_come(current_user)
        context["support_plans"] = _open_support_plans(current_user)
    if roles & {Role.ASSESSOR, Role.LINE_MANAGER}:
        context["assessor_summary"] = _assessor_summary(current_user)
    if roles & {Role.PROGRAMME_LEAD, Role.ADMINISTRATOR}:
        context["cohort_rows"] = _cohort_overview(current_user)
    if Role.ADMINISTRATOR in roles:
        context["counts"] = _organisation_counts(current_user)
    return render("home/index.html", **context)
