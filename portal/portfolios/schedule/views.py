"""Programme leads move a candidate's review dates for part-time working or absence."""

from flask import Blueprint, abort, flash, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.roles import Role
from portal.core.access import requires_role
from portal.core.db import db
from portal.core.htmx import redirect_to, render
from portal.core.template_helpers import plural
from portal.organisations.access import get_cohort_in_my_organisation
from portal.organisations.models import CohortMembership
from portal.portfolios import operations
from portal.portfolios.forms import ScheduleChangeForm
from portal.portfolios.models import Portfolio
from portal.portfolios.schedule.dates import part_time_extension_days

bp = Blueprint("schedule", __name__, url_prefix="/cohorts")
programme_managers = requires_role(Role.PROGRAMME_LEAD, Role.ADMINISTRATOR)


def _portfolio_for(cohort_id: int, membership_id: int) -> Portfolio:
    cohort = get_cohort_in_my_organisation(cohort_id)
    membership = db.session.get(CohortMembership, membership_id)
    if membership is None or membership.cohort_id != cohort.id:
        abort(404)
    portfolio = db.session.scalar(select(Portfolio).where(
        Portfolio.membership_id == membership.id))
    if portfolio is None:
        abort(404)
    return portfolio


@bp.route("/<int:cohort_id>/candidates/<int:membership_id>/dates", methods=["GET", "POST"])
@programme_managers
def change_dates(cohort_id: int, membership_id: int):
    portfolio = _portfolio_for(cohort_id, membership_id)
    form = ScheduleChangeForm()
    if form.validate_on_submit():
        days = form.days.data
        if form.kind.data == "part_time" and form.percent.data:
            days = part_time_extension_days(portfolio.programme.duration_months,
                                            portfolio.start_date, form.percent.data)
        try:
            operations.record_schedule_change(current_user, portfolio, form.kind.data, days,
                                              form.reason.data)
        except operations.PortfolioError as error:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(error)]
        else:
            db.session.commit()
            flash(f"{portfolio.candidate.name}'s remaining review points are now "
                  f"{plural(days, 'day')} later.", "success")
            return redirect_to(url_for("schedule.change_dates", cohort_id=cohort_id,
                                       membership_id=membership_id))
    return render("portfolios/change_dates.html", portfolio=portfolio, form=form,
                  cohort_id=cohort_id, status=400 if form.errors else 200)
