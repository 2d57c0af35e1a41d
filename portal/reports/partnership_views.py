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
    added = sharing | {own}
    return partnership_report(partnership, own, sharing,
                              queries.outcomes_by_council(added, Filters(period=period)),
                              queries.retention_by_council(added), today)


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
                  retention=result.retention_table(under), suppress_under=under)


@bp.get("/<int:partnership_id>/outcomes.csv", defaults={"table": "outcomes"})
@bp.get("/<int:partnership_id>/retention.csv", defaults={"table": "retention"})
@report_readers
def download(partnership_id: int, table: str):
    """One of the report's tables as CSV, its small counts hidden as on the page."""
    partnership = get_my_partnership_or_404(partnership_id)
    today = today_in_england()
    form = _period_form(today)
    if not form.validate():
        return render("reports/partnership.html", partnership=partnership, form=form,
                      result=None, table=None, status=400)
    under = current_app.config["REPORT_SUPPRESS_UNDER"]
    result = _report(partnership, form.period.data, today)
    chosen = result.table(under) if table == "outcomes" else result.retention_table(under)
    name = f"partnership-{table}-{form.period.data}-{today.isoformat()}.csv"
    return Response(downloads.as_csv(chosen), mimetype=downloads.CSV_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
