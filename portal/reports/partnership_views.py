"""The partnership report, for the programme leads and administrators of a council in
the partnership. Another council's figures are added in only while it shares its
partnership reports with the reader's council."""

from flask import Blueprint, Response, current_app, request
from flask_login import current_user

from portal.accounts.roles import Role
from portal.core.access import requires_role
from portal.core.dates import today_in_england
from portal.core.htmx import render
from portal.partnerships.access import get_my_partnership_or_404
from portal.partnerships.models import SharedPurpose
from portal.partnerships.queries import councils_sharing_with
from portal.reports import downloads, queries
from portal.reports.filters import Filters, financial_year_of, financial_years
from portal.reports.forms import PeriodForm
from portal.reports.partnership import partnership_report

bp = Blueprint("partnership_reports", __name__, url_prefix="/partnerships")
report_readers = requires_role(Role.PROGRAMME_LEAD, Role.ADMINISTRATOR)
EARLIEST_YEAR_SHOWN = 6  # financial years back from this one


def _report(partnership, period: str | None, today):
    own = current_user.organisation_id
    members = {council.id for council in partnership.councils}
    sharing = councils_sharing_with(own, SharedPurpose.PARTNERSHIP_REPORTS, today) & members
    rows = queries.outcomes_by_council(sharing | {own}, Filters(period=period))
    return partnership_report(partnership, own, sharing, rows)


def _period_form(today) -> PeriodForm:
    form = PeriodForm(formdata=request.args)
    this_year = financial_year_of(today)
    earliest = this_year.first_day.replace(year=this_year.first_day.year - EARLIEST_YEAR_SHOWN)
    form.period.choices = [(year.code, year.label)
                           for year in financial_years(earliest, today)]
    if not form.period.data:
        form.period.data = this_year.code
    return form


@bp.get("/<int:partnership_id>/report")
@report_readers
def show(partnership_id: int):
    partnership = get_my_partnership_or_404(partnership_id)
    today = today_in_england()
    form = _period_form(today)
    if not form.validate():
        return render("reports/partnership.html", partnership=partnership, form=form,
                      result=None, table=None, status=400)
    result = _report(partnership, form.period.data, today)
    under = current_app.config["REPORT_SUPPRESS_UNDER"]
    return render("reports/partnership.html", partnership=partnership, form=form,
                  result=result, period=form.period.data, table=result.table(under),
                  suppress_under=under)


@bp.get("/<int:partnership_id>/report.csv")
@report_readers
def download(partnership_id: int):
    partnership = get_my_partnership_or_404(partnership_id)
    today = today_in_england()
    form = _period_form(today)
    if not form.validate():
        return render("reports/partnership.html", partnership=partnership, form=form,
                      result=None, table=None, status=400)
    table = _report(partnership, form.period.data, today).table(
        current_app.config["REPORT_SUPPRESS_UNDER"])
    name = f"partnership-outcomes-{form.period.data}-{today.isoformat()}.csv"
    return Response(downloads.as_csv(table), mimetype=downloads.CSV_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
