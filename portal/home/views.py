"""The role-appropriate home page."""

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.assessment.queue import work_queue as queue
from portal.core.access import public, signed_in
from portal.core.dates import today_in_england
from portal.core.htmx import render
from portal.home import queries
from portal.home.candidate_status import candidate_status
from portal.home.lead.dashboard import lead_dashboard
from portal.moderation.moderator_views import shared_with
from portal.panels.queries import member_panels
from portal.portfolios.views import review_point_status

bp = Blueprint("home", __name__)


@bp.route("/")
@public
def root():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return redirect(url_for("accounts.sign_in"))


def _review_points_to_come(user: User):
    """The candidate's outstanding review points with their status, soonest first."""
    today = today_in_england()
    return [(point, *review_point_status(point, today))
            for point in queries.outstanding_review_points(user.id)]


# Which parts of the home page each role sees, in the order they appear.
SECTIONS = [
    ("candidate", {Role.CANDIDATE}),
    ("assessor", {Role.ASSESSOR, Role.LINE_MANAGER}),
    ("panel", {Role.PANEL_MEMBER, Role.PANEL_CHAIR}),
    ("lead", {Role.PROGRAMME_LEAD}),
    # An administrator who is not a lead sees the open cohorts without their statuses
    # (they do not read portfolios); the lead's dashboard holds the same list.
    ("cohorts", {Role.ADMINISTRATOR}),
    ("administrator", {Role.ADMINISTRATOR}),
    ("moderator", {Role.EXTERNAL_MODERATOR}),
]


def home_sections(roles: set[Role]) -> list[str]:
    sections = [name for name, wanted in SECTIONS if roles & wanted]
    if "lead" in sections:  # the dashboard lists the open cohorts already
        sections = [name for name in sections if name != "cohorts"]
    return sections


@bp.route("/home")
@signed_in
def index():
    roles = current_user.roles
    context = {"sections": home_sections(roles)}
    if Role.CANDIDATE in roles:
        context["memberships"] = queries.candidate_memberships(current_user.id)
        context["recent_entries"] = queries.recent_entries(current_user.id)
        context["review_points"] = _review_points_to_come(current_user)
        context["candidate_status"] = candidate_status(current_user.id, today_in_england())
    if roles & {Role.ASSESSOR, Role.LINE_MANAGER}:
        # The same numbers the queue page shows, from the same work queue.
        context["assessor_summary"] = queue.queue_summary(current_user, today_in_england())
    if roles & {Role.PANEL_MEMBER, Role.PANEL_CHAIR}:
        context["upcoming_panels"], context["recent_panels"] = member_panels(
            current_user.id, current_user.organisation_id, today_in_england())
    if Role.PROGRAMME_LEAD in roles:
        context["lead_dashboard"] = lead_dashboard(current_user.organisation_id,
                                                   today_in_england())
    elif Role.ADMINISTRATOR in roles:
        context["cohort_rows"] = queries.cohort_overview(current_user.organisation_id)
    if Role.EXTERNAL_MODERATOR in roles:
        context["shared_samples"] = shared_with(current_user.id, today_in_england())
    if Role.ADMINISTRATOR in roles:
        context["counts"] = {
            "active_users": queries.active_user_count(current_user.organisation_id)}
    return render("home/index.html", **context)
