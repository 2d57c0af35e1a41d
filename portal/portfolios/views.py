"""The candidate's portfolio: overview, choosing evidence, submission, snapshots."""

from datetime import timedelta

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.roles import Role
from portal.core.access import requires_role, signed_in
from portal.core.confirm import confirmation_page
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to, render
from portal.core.pagination import paginate
from portal.evidence.access import get_entry_or_404
from portal.evidence.models import EvidenceEntry
from portal.frameworks.queries import add_pinned_frameworks
from portal.portfolios import operations, queries, snapshots
from portal.portfolios.acceptance import acceptance_of
from portal.portfolios.access import get_portfolio_or_404, portfolios_of, read_portfolio_or_404
from portal.portfolios.confirmations import withdraw_confirmation
from portal.portfolios.forms import IncludeEntryForm, SubmitForm
from portal.portfolios.models import PortfolioEntry, PortfolioSnapshot, PortfolioState
from portal.portfolios.reviews.access import can_view_report
from portal.portfolios.sufficiency import measures as sufficiency
from portal.programmes.configuration import configuration
from portal.visibility import Kind, Relation, Viewer, record_reading

bp = Blueprint("portfolios", __name__, url_prefix="/portfolios")
# Candidates link new evidence to the versions their open portfolios are pinned to.
add_pinned_frameworks(queries.pinned_framework_ids)
candidates_only = requires_role(Role.CANDIDATE)
DUE_SOON_DAYS = 14


def review_point_status(point, today) -> tuple[str, str]:
    """(label, GOV.UK tag colour) for a review point on `today`."""
    if point.completed_on:
        return "Done", "govuk-tag--green"
    if point.due_on < today:
        return "Overdue", "govuk-tag--red"
    if point.due_on <= today + timedelta(days=DUE_SOON_DAYS):
        return "Due soon", "govuk-tag--orange"
    return ("Optional" if point.optional else "Upcoming"), "govuk-tag--grey"


@bp.route("/")
@candidates_only
def index():
    """Straight to the portfolio when there is one; a list when there are several."""
    mine = portfolios_of(current_user)
    if len(mine) == 1:
        return redirect_to(url_for("portfolios.show", portfolio_id=mine[0].id), status=302)
    return render("portfolios/index.html", portfolios=mine)


def _submit_choices(portfolio) -> list[tuple[str, str]]:
    choices = [(f"review:{p.code}", f"{p.title} (due {p.due_on.day} {p.due_on:%B %Y})")
               for p in portfolio.review_points if p.completed_on is None]
    return [*choices, ("panel", "The final panel (your whole portfolio)")]


def _completeness(portfolio, included) -> int:
    """The page's completeness from the entries it lists and the records; someone who
    may not see the evidence gets the same figure from a count of the entries' types."""
    if included is None:
        return sufficiency.completeness(portfolio)
    rows = [sufficiency.evidence_row(item.evidence_type, item.occurred_on)
            for item in included]
    rows += [sufficiency.record_row(record.kind, record.stage, record.day)
             for record in queries.records(portfolio)]
    return sufficiency.completeness(portfolio, rows=rows)


def _render_show(portfolio, seen_by: Viewer, form: SubmitForm, missing=None, status=200):
    """The overview: each part shown to whoever the visibility table lets read it."""
    today = today_in_england()
    owner = seen_by.is_candidate
    evidence_visible = seen_by.can_read(Kind.EVIDENCE)
    sections = {c.code: c.title for c in configuration(portfolio.programme).evidence_sections}
    included = queries.included_entries(portfolio, seen_by.made_before(Kind.EVIDENCE)) \
        if evidence_visible else None
    grouped = {}
    for item in included or ():
        grouped.setdefault(item.section, []).append(item)
    # Whoever may not read the submissions sees only the one the portfolio stands on.
    snapshots_visible = seen_by.can_read(Kind.SNAPSHOT)
    submissions = queries.submissions(portfolio, every_one=snapshots_visible,
                                      made_before=seen_by.made_before(Kind.SNAPSHOT))
    report_rows = queries.reports(portfolio)
    return render(
        "portfolios/show.html", portfolio=portfolio, form=form, missing=missing or [],
        review_points=[(p, *review_point_status(p, today)) for p in portfolio.review_points],
        sections=sections, grouped=grouped,
        snapshots=submissions if snapshots_visible else [],
        current_snapshot=next((s for s in submissions
                               if s.id == portfolio.current_snapshot_id), None),
        evidence_visible=evidence_visible, reads=_readable(seen_by),
        completeness=_completeness(portfolio, included),
        is_owner=owner,
        reports=[r for r in report_rows
                 if can_view_report(current_user, r, portfolio, seen_by)],
        support_plans=queries.open_support_plans(report_rows)
        if seen_by.can_read(Kind.SUPPORT_PLAN) else [],
        can_start_assessment=seen_by.can_edit(Kind.REVIEW_REPORT) and
        PortfolioState(portfolio.state) in operations.TRANSITIONS["start_assessment"],
        can_submit=owner and PortfolioState(portfolio.state) in
        operations.TRANSITIONS["submit_for_panel"],
        can_withdraw=owner and PortfolioState(portfolio.state) in
        operations.TRANSITIONS["withdraw"],
        status=status,
    )


def _readable(seen_by: Viewer) -> set[str]:
    """The kinds of record the page may link to for this person."""
    return {kind.value for kind in Kind if seen_by.can_read(kind)}


@bp.route("/<int:portfolio_id>")
@signed_in
def show(portfolio_id: int):
    portfolio, seen_by = read_portfolio_or_404(portfolio_id)
    form = SubmitForm()
    form.target.choices = _submit_choices(portfolio)
    return _render_show(portfolio, seen_by, form)


@bp.route("/<int:portfolio_id>/submit", methods=["POST"])
@candidates_only
def submit(portfolio_id: int):
    portfolio, seen_by = read_portfolio_or_404(portfolio_id, for_edit=True)
    form = SubmitForm()
    form.target.choices = _submit_choices(portfolio)
    missing: list[str] = []
    if form.validate_on_submit():
        target = form.target.data
        try:
            if target == "panel":
                missing = sufficiency.missing_for_panel(portfolio)
                snapshot = operations.submit_for_panel(current_user, portfolio, missing)
            else:
                code = target.removeprefix("review:")
                missing = sufficiency.missing_for_review_point(portfolio, code)
                snapshot = operations.submit_for_review_point(current_user, portfolio, code,
                                                              missing)
            form.created(url_for("portfolios.snapshot", portfolio_id=portfolio.id,
                                 snapshot_id=snapshot.id))
        except operations.PortfolioError as error:
            db.session.rollback()
            form.target.errors = [*form.target.errors, _first_sentence(error)]
        else:
            db.session.commit()
            flash(f"Your portfolio has been submitted. Its reference is {snapshot.sha256}.",
                  "success")
            return redirect_to(url_for("portfolios.snapshot", portfolio_id=portfolio.id,
                                       snapshot_id=snapshot.id))
    return _render_show(portfolio, seen_by, form, missing=missing, status=400)


def _first_sentence(error: Exception) -> str:
    return str(error).split(":")[0]


@bp.route("/<int:portfolio_id>/withdraw", methods=["GET", "POST"])
@candidates_only
def withdraw(portfolio_id: int):
    """GET asks 'are you sure?'; the POST from that page withdraws."""
    portfolio = get_portfolio_or_404(portfolio_id, for_edit=True)
    if request.method == "GET":
        if PortfolioState(portfolio.state) not in operations.TRANSITIONS["withdraw"]:
            return redirect_to(url_for("portfolios.show", portfolio_id=portfolio.id))
        return confirmation_page(withdraw_confirmation(portfolio))
    if ConfirmForm().validate_on_submit():
        try:
            operations.withdraw_submission(current_user, portfolio)
        except operations.PortfolioError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("Your submission has been withdrawn. You can carry on working and submit "
                  "again.", "success")
    return redirect_to(url_for("portfolios.show", portfolio_id=portfolio.id))


@bp.route("/<int:portfolio_id>/snapshots/<int:snapshot_id>")
@signed_in
def snapshot(portfolio_id: int, snapshot_id: int):
    """A submission as frozen, with its records in full: it holds the reflections, so
    line managers never open it and a programme lead's reading is audited."""
    portfolio, seen_by = read_portfolio_or_404(portfolio_id, Kind.SNAPSHOT)
    frozen = db.session.get(PortfolioSnapshot, snapshot_id)
    if (frozen is None or frozen.portfolio_id != portfolio.id
            or not seen_by.can_read(Kind.SNAPSHOT, frozen.submitted_at)):
        abort(404)
    if record_reading(seen_by, Kind.SNAPSHOT, frozen, frozen.submitted_at):
        db.session.commit()  # the audit row of this reading
    return render("portfolios/snapshot.html", portfolio=portfolio, snapshot=frozen,
                  content=frozen.content, intact=snapshots.verify(frozen),
                  acceptance=acceptance_of(e["entry_id"] for e in frozen.content["entries"]),
                  element_titles=snapshots.element_titles(frozen.content),
                  # Leads make the anonymised copy (portal.packs.copies).
                  anonymises=Relation.PROGRAMME_LEAD in seen_by.relations)


# Choosing evidence ---------------------------------------------------------------------
def _section_choices(portfolio):
    return [("", "General evidence")] + [
        (c.code, c.title) for c in configuration(portfolio.programme).evidence_sections]


@bp.route("/<int:portfolio_id>/evidence")
@candidates_only
def choose_evidence(portfolio_id: int):
    portfolio = get_portfolio_or_404(portfolio_id, for_edit=True)
    already = select(PortfolioEntry.entry_id).where(PortfolioEntry.portfolio_id == portfolio.id)
    statement = (
        select(EvidenceEntry)
        .where(EvidenceEntry.candidate_id == current_user.id, EvidenceEntry.id.not_in(already))
        .order_by(EvidenceEntry.occurred_on.desc(), EvidenceEntry.id.desc())
    )
    return render("portfolios/choose_evidence.html", portfolio=portfolio,
                  page=paginate(statement), sections=_section_choices(portfolio),
                  suggested=_suggested_sections(portfolio))


def _suggested_sections(portfolio) -> dict[str, str]:
    """The section whose evidence type matches an entry's type, offered first."""
    return {c.evidence_type: c.code
            for c in configuration(portfolio.programme).evidence_sections}


@bp.route("/<int:portfolio_id>/evidence/<int:entry_id>", methods=["POST"])
@candidates_only
def include(portfolio_id: int, entry_id: int):
    portfolio = get_portfolio_or_404(portfolio_id, for_edit=True)
    entry = get_entry_or_404(entry_id, for_edit=True)
    back = (request.referrer if _same_site(request.referrer)
            else url_for("portfolios.choose_evidence", portfolio_id=portfolio.id))
    form = IncludeEntryForm()
    form.section.choices = _section_choices(portfolio)
    if form.validate_on_submit():
        try:
            operations.include_entry(current_user, portfolio, entry, form.section.data or None)
            form.created(back)
        except operations.PortfolioError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"‘{entry.title}’ is now in your portfolio.", "success")
    else:
        flash("Choose a section of your portfolio", "error")
    return redirect_to(back)


def _same_site(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)


@bp.route("/<int:portfolio_id>/evidence/<int:item_id>/remove", methods=["POST"])
@candidates_only
def exclude(portfolio_id: int, item_id: int):
    portfolio = get_portfolio_or_404(portfolio_id, for_edit=True)
    item = db.session.get(PortfolioEntry, item_id)
    if item is None or item.portfolio_id != portfolio.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        title = item.entry.title
        operations.exclude_entry(current_user, portfolio, item)
        db.session.commit()
        flash(f"‘{title}’ has been taken out of your portfolio. It is still in your "
              "evidence log.", "success")
    return redirect_to(url_for("portfolios.show", portfolio_id=portfolio.id))
