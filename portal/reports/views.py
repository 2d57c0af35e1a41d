"""The Reports section: progression, retention, support and assessment practice, filtered
by the address, each drawn as a chart with its table and downloadable as CSV or XLSX (a
board's copy hides small counts); and the ASYE claim list, which names people and so has
no board's copy.

Programme leads and administrators only; every statement is limited to their own council.
"""

from datetime import date

from flask import Blueprint, Response, abort, current_app, request, url_for
from flask_login import current_user

from portal.accounts.roles import Role
from portal.core.access import requires_role
from portal.core.dates import today_in_england
from portal.core.htmx import render
from portal.partnerships.queries import partnerships_of
from portal.reports import downloads, practice_queries, queries
from portal.reports.board_summary import BOARD_REPORTS, board_summary_pdf
from portal.reports.claims import claim_list
from portal.reports.filters import financial_year_of
from portal.reports.forms import ReportFilterForm
from portal.reports.practice import practice_report
from portal.reports.progression import progression_report
from portal.reports.retention import retention_report
from portal.reports.support import PROTECTED_MINUTES_A_WEEK, support_report
from portal.visibility import TABLE, Kind, Relation

bp = Blueprint("workforce", __name__, url_prefix="/workforce")
report_readers = requires_role(Role.PROGRAMME_LEAD, Role.ADMINISTRATOR)


def _build(report: str, filters, today: date):
    organisation_id = current_user.organisation_id
    if report == "progression":
        return progression_report(queries.progression_rows(organisation_id, filters))
    if report == "practice":
        return practice_report(practice_queries.first_feedback_rows(organisation_id, filters),
                               practice_queries.report_rows(organisation_id, filters),
                               practice_queries.observation_rows(organisation_id, filters))
    if report == "support":
        return support_report(queries.support_rows(organisation_id, filters, today), today)
    if report == "claims":
        # A claim is always for one financial year: this one unless another is chosen.
        return claim_list(queries.claim_rows(organisation_id, filters),
                          filters.year or financial_year_of(today))
    return retention_report(queries.retention_rows(organisation_id, filters), today)


def names_who_falls_short(user) -> bool:
    """Whether the support report may name people: only for someone whose council-wide
    role reads every candidate's supervision, protected time and review reports in the
    visibility table (a programme lead); others see the counts only."""
    relation = (Relation.PROGRAMME_LEAD if user.has_role(Role.PROGRAMME_LEAD)
                else Relation.ADMINISTRATOR)
    return all(TABLE[kind][relation].reads
               for kind in (Kind.SUPERVISION, Kind.PROTECTED_TIME, Kind.REVIEW_REPORT))


def _filter_form(today: date) -> tuple[ReportFilterForm, bool]:
    """The filter form read from the address, and whether its choices are all valid."""
    form = ReportFilterForm(formdata=request.args)
    form.set_choices(*queries.filter_choices(current_user.organisation_id), today)
    return form, form.validate()


@bp.route("/")
@report_readers
def index():
    return render("reports/index.html",
                  partnerships=partnerships_of(current_user.organisation_id))


REPORTS = "<any(progression, retention, support, practice, claims):report>"
# Reports that name people: no board's copy, which exists to hide who is who.
NAMES_PEOPLE = {"claims"}


@bp.route(f"/{REPORTS}")
@report_readers
def show(report: str):
    today = today_in_england()
    form, valid = _filter_form(today)
    if not valid:
        return render(f"reports/{report}.html", form=form, result=None, downloads={},
                      status=400)
    filters = form.filters()
    copies = (False,) if report in NAMES_PEOPLE else (False, True)
    links = {(extension, board): url_for("workforce.download", report=report,
                                         extension=extension, **filters.query_args(),
                                         **({"board": "1"} if board else {}))
             for extension in ("csv", "xlsx") for board in copies}
    if report not in NAMES_PEOPLE:
        links["summary"] = url_for("workforce.board_summary", **filters.query_args())
    return render(f"reports/{report}.html", form=form, result=_build(report, filters, today),
                  downloads=links,
                  protected_hours=round(PROTECTED_MINUTES_A_WEEK / 60, 1),
                  show_names=names_who_falls_short(current_user),
                  suppress_under=current_app.config["REPORT_SUPPRESS_UNDER"])


@bp.route("/board-summary.pdf")
@report_readers
def board_summary():
    """The one-page PDF for the workforce board, for the filters in the address."""
    today = today_in_england()
    form, valid = _filter_form(today)
    if not valid:
        return render("reports/index.html", status=400,
                      partnerships=partnerships_of(current_user.organisation_id))
    filters = form.filters()
    tables = [_build(report, filters, today).table() for report in BOARD_REPORTS]
    chosen = [(field.label.text, dict(field.choices).get(field.data, field.data))
              for field in (form.programme, form.cohort, form.entry_route, form.team,
                            form.period) if field.data]
    body = board_summary_pdf(current_user.organisation_name, chosen, tables, today)
    name = f"workforce-board-summary-{today.isoformat()}.pdf"
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route(f"/{REPORTS}.<any(csv, xlsx):extension>")
@report_readers
def download(report: str, extension: str):
    today = today_in_england()
    form, valid = _filter_form(today)
    if not valid:
        return render(f"reports/{report}.html", form=form, result=None, downloads={},
                      status=400)
    board = request.args.get("board") == "1"
    if board and report in NAMES_PEOPLE:
        abort(404)
    table = _build(report, form.filters(), today).table()
    if board:
        table = downloads.for_board(table, current_app.config["REPORT_SUPPRESS_UNDER"])
    body, mimetype = ((downloads.as_csv(table), downloads.CSV_TYPE) if extension == "csv"
                      else (downloads.as_xlsx(table), downloads.XLSX_TYPE))
    year = f"-{form.period.data or financial_year_of(today).code}" if report == "claims" else ""
    name = f"{report}{year}{'-board' if board else ''}-{today.isoformat()}.{extension}"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
