"""Panel meetings: programme leads schedule them and set the agenda; members read each
anonymised portfolio and record private notes; leads read a portfolio's audit timeline.

Members only ever see the agenda item's reference until the chair reveals who the
candidate is, after the panel has decided. Every name that could identify the candidate
(theirs, their team's, their assessor's) is left out of the members' pages and fragments,
and is also blanked out of free text the members read.
"""

import re

from flask import Blueprint, abort, flash, make_response, render_template, url_for
from flask_login import current_user
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from portal.accounts.models import User, UserRole
from portal.accounts.roles import Role
from portal.assessment.reports import operations as reports
from portal.core.access import requires_role, signed_in
from portal.core.audit import AuditEvent
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to, render, wants_fragment
from portal.core.urls import id_argument
from portal.panels import operations, queries, snapshot_files
from portal.panels.access import get_item_or_404, get_panel_for_member, get_panel_in_my_organisation
from portal.panels.forms import OUTCOME_LABELS, AgendaForm, NoteForm, PanelForm
from portal.panels.models import (
    AgendaItem,
    DecisionReviewRequest,
    MemberNote,
    Panel,
    PanelDecision,
    PanelMember,
)
from portal.portfolios import snapshots
from portal.portfolios.models import Portfolio
from portal.portfolios.reviews.models import DomainProgress, ReviewReport, SupportPlan
from portal.programmes.models import Programme
from portal.visibility import Kind, record_reading, require

bp = Blueprint("panels", __name__, url_prefix="/panels")
panel_organisers = requires_role(Role.PROGRAMME_LEAD, Role.ADMINISTRATOR)

ITEM_STATES = {"waiting": "Waiting for the panel", "decided": "Decided", "removed": "Removed"}


def _upcoming_first(panels: list[Panel]) -> list[Panel]:
    today = today_in_england()
    upcoming = sorted((p for p in panels if p.sits_on >= today), key=lambda p: (p.sits_on, p.id))
    past = sorted((p for p in panels if p.sits_on < today), key=lambda p: (p.sits_on, p.id),
                  reverse=True)
    return upcoming + past


def _open_items(panel_ids) -> dict[int, int]:
    if not panel_ids:
        return {}
    rows = db.session.execute(
        select(AgendaItem.panel_id, func.count(AgendaItem.id))
        .where(AgendaItem.panel_id.in_(panel_ids), AgendaItem.state != "removed")
        .group_by(AgendaItem.panel_id)).all()
    return dict(rows)


# Programme leads and administrators ----------------------------------------------------
@bp.route("/")
@panel_organisers
def index():
    """The council's panels, upcoming first."""
    panels = db.session.scalars(
        select(Panel).where(Panel.organisation_id == current_user.organisation_id)
        .options(selectinload(Panel.programmes), selectinload(Panel.chair))).all()
    panels = _upcoming_first(panels)
    return render("panels/index.html", panels=panels,
                  item_counts=_open_items([p.id for p in panels]), today=today_in_england())


def _people_with(*roles: Role) -> list[User]:
    return db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.organisation_id == current_user.organisation_id, User.active,
               UserRole.role.in_([r.value for r in roles]))
        .order_by(User.name, User.id).distinct()).all()


def _panel_form() -> PanelForm:
    form = PanelForm()
    programmes = db.session.scalars(
        select(Programme).where(Programme.organisation_id == current_user.organisation_id,
                                Programme.active).order_by(Programme.name)).all()
    form.programme_ids.choices = [(str(p.id), p.name) for p in programmes]
    form.chair_id.choices = [("", "Select the chair")] + [
        (str(u.id), u.name) for u in _people_with(Role.PANEL_CHAIR)]
    form.member_ids.choices = [(str(u.id), u.name)
                               for u in _people_with(Role.PANEL_MEMBER, Role.PANEL_CHAIR)]
    return form


@bp.route("/new", methods=["GET", "POST"])
@panel_organisers
def new():
    form = _panel_form()
    if form.validate_on_submit():
        try:
            panel = operations.create_panel(current_user, form.details())
        except operations.PanelError as error:
            db.session.rollback()
            field = getattr(form, error.field or "title")
            field.errors = [*field.errors, str(error)]
        else:
            db.session.commit()
            flash(f"The panel '{panel.title}' has been created. Its members have been told.",
                  "success")
            return redirect_to(url_for("panels.manage", panel_id=panel.id))
    return render("panels/new.html", form=form, status=400 if form.errors else 200)


@bp.route("/<int:panel_id>/manage")
@panel_organisers
def manage(panel_id: int):
    """The agenda with candidates' names (leads know who they are) and what can be added."""
    panel = get_panel_in_my_organisation(panel_id)
    items = db.session.scalars(
        select(AgendaItem).where(AgendaItem.panel_id == panel.id, AgendaItem.state != "removed")
        .options(selectinload(AgendaItem.portfolio).selectinload(Portfolio.candidate)
                 .selectinload(User.team))
        .order_by(AgendaItem.position, AgendaItem.id)).all()
    eligible = operations.eligible_portfolios(panel) if panel.status == "scheduled" else []
    candidate_ids = [p.candidate_id for p in eligible]
    if candidate_ids:
        # Loaded once so each portfolio.candidate below comes from the session.
        db.session.scalars(select(User).where(User.id.in_(candidate_ids))
                           .options(selectinload(User.team))).all()
    members = db.session.scalars(
        select(User).join(PanelMember, PanelMember.user_id == User.id)
        .where(PanelMember.panel_id == panel.id).order_by(User.name)).all()
    return render("panels/manage.html", panel=panel, items=items, eligible=eligible,
                  members=members, agenda_form=AgendaForm(), item_states=ITEM_STATES)


@bp.route("/<int:panel_id>/agenda", methods=["POST"])
@panel_organisers
def add_to_agenda(panel_id: int):
    panel = get_panel_in_my_organisation(panel_id)
    form = AgendaForm()
    portfolio_id = id_argument(form.portfolio_id.data) if form.validate_on_submit() else None
    if portfolio_id is None:
        abort(400)
    portfolio = db.session.get(Portfolio, portfolio_id)
    if portfolio is None or portfolio.organisation_id != current_user.organisation_id:
        abort(404)
    try:
        item = operations.place_on_agenda(current_user, panel, portfolio)
    except operations.PanelError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"{portfolio.candidate.name}'s portfolio is on the agenda as {item.reference}.",
              "success")
    return redirect_to(url_for("panels.manage", panel_id=panel.id))


# Panel members and the chair -----------------------------------------------------------
@bp.route("/mine")
@signed_in
def mine():
    panels = db.session.scalars(
        select(Panel).join(PanelMember, PanelMember.panel_id == Panel.id)
        .where(PanelMember.user_id == current_user.id,
               Panel.organisation_id == current_user.organisation_id)
        .options(selectinload(Panel.programmes))).all()
    panels = _upcoming_first(panels)
    return render("panels/mine.html", panels=panels,
                  item_counts=_open_items([p.id for p in panels]))


@bp.route("/<int:panel_id>")
@signed_in
def show(panel_id: int):
    """The agenda as members see it: references only until the chair reveals identity."""
    panel = get_panel_for_member(panel_id)
    items = queries.agenda_rows(panel.id, current_user.id)
    return render("panels/show.html", panel=panel, items=items,
                  outcome_labels=OUTCOME_LABELS, item_states=ITEM_STATES,
                  is_chair=panel.chair_id == current_user.id)


def _word_pattern(words) -> re.Pattern | None:
    words = sorted({w for w in words if w and len(w) >= 2}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


def anonymiser(item: AgendaItem):
    """A function that blanks the candidate's, their team's and their assessor's names out
    of free text (reflections, reports), or leaves text alone once identity is revealed."""
    if item.identity_revealed_at is not None:
        return None
    candidate = item.portfolio.candidate
    assessor = item.report.assessor
    replacements = []
    if candidate.team is not None:
        replacements.append((_word_pattern([candidate.team.name]), "[team]"))
    if assessor is not None:
        replacements.append((_word_pattern([assessor.name]), "the assessor"))
        replacements.append((_word_pattern(assessor.name.split()), "[assessor]"))
    replacements.append((_word_pattern([candidate.name]), item.reference))
    replacements.append((_word_pattern(candidate.name.split()), item.reference))

    def anonymise(text):
        if not text:
            return text
        for pattern, replacement in replacements:
            if pattern is not None:
                text = pattern.sub(replacement, text)
        return text

    return anonymise


def _earlier_reports(item: AgendaItem) -> list[ReviewReport]:
    return db.session.scalars(
        select(ReviewReport).where(ReviewReport.portfolio_id == item.portfolio_id,
                                   ReviewReport.state == "signed_off",
                                   ReviewReport.id != item.report_id)
        .options(selectinload(ReviewReport.ratings).selectinload(DomainProgress.element))
        .order_by(ReviewReport.signed_off_at, ReviewReport.id)).all()


def _my_note(item: AgendaItem) -> MemberNote | None:
    return db.session.scalar(select(MemberNote).where(
        MemberNote.agenda_item_id == item.id, MemberNote.member_id == current_user.id))


def _note_form(note: MemberNote | None) -> NoteForm:
    form = NoteForm(formdata=None)
    if note is not None:
        form.notes.data = note.notes
        form.provisional_view.data = note.provisional_view
    return form


def _decision_url(panel: Panel, item: AgendaItem) -> str | None:
    """The chair's link to the decision form, once another module provides it."""
    if panel.chair_id != current_user.id or item.state != "waiting":
        return None
    try:
        return url_for("decisions.record", panel_id=panel.id, item_id=item.id)
    except BuildError:
        return None


def _notes_context(panel, item, form, saved=False):
    return {"panel": panel, "item": item, "note_form": form, "notes_saved": saved,
            "outcome_labels": OUTCOME_LABELS}


def _render_item(panel: Panel, item: AgendaItem, form: NoteForm, status: int = 200):
    report = item.report
    portfolio = item.portfolio
    revealed = item.identity_revealed_at is not None
    return render(
        "panels/item.html", status=status, form=form if form.errors else None,
        snapshot=item.snapshot, content=item.snapshot.content,
        intact=snapshots.verify(item.snapshot), redact=anonymiser(item),
        element_titles=snapshots.element_titles(item.snapshot.content),
        **snapshot_files.file_links(item),
        report=report, recommendations=reports.recommendation_choices(portfolio),
        ratings=reports.RATINGS, review_points=portfolio.review_points,
        earlier_reports=_earlier_reports(item), portfolio=portfolio,
        decision=operations.latest_decision(item) if item.state == "decided" else None,
        is_chair=panel.chair_id == current_user.id, revealed=revealed,
        reveal_form=ConfirmForm(), decision_url=_decision_url(panel, item),
        item_states=ITEM_STATES, **_notes_context(panel, item, form))


@bp.route("/<int:panel_id>/items/<int:item_id>")
@signed_in
def item(panel_id: int, item_id: int):
    """One portfolio on the agenda: snapshot, final report, review history, my notes.
    The snapshot holds reflections: each member's opening of it is audited."""
    panel = get_panel_for_member(panel_id)
    agenda_item = get_item_or_404(panel, item_id)
    seen_by = require(Kind.SNAPSHOT, agenda_item.portfolio.candidate_id, on_panel=True)
    if record_reading(seen_by, Kind.SNAPSHOT, agenda_item.snapshot):
        db.session.commit()  # the audit row of this reading
    return _render_item(panel, agenda_item, _note_form(_my_note(agenda_item)))


def _notes_fragment(panel, item, form, saved=False, status=200):
    html = render_template("panels/_notes.html", notes_swap=True,
                           **_notes_context(panel, item, form, saved))
    response = make_response(html, status)
    response.vary.add("HX-Request")
    return response


@bp.route("/<int:panel_id>/items/<int:item_id>/notes", methods=["POST"])
@signed_in
def save_notes(panel_id: int, item_id: int):
    """Save the member's private notes and provisional view (htmx or a plain form)."""
    panel = get_panel_for_member(panel_id)
    agenda_item = get_item_or_404(panel, item_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            operations.save_member_note(current_user, agenda_item, form.notes.data or "",
                                        form.provisional_view.data or None)
        except operations.PanelError as error:
            db.session.rollback()
            field = getattr(form, error.field or "notes")
            field.errors = [*field.errors, str(error)]
        else:
            db.session.commit()
            if wants_fragment():
                return _notes_fragment(panel, agenda_item, _note_form(_my_note(agenda_item)),
                                       saved=True)
            flash("Your notes have been saved", "success")
            return redirect_to(url_for("panels.item", panel_id=panel.id,
                                       item_id=agenda_item.id) + "#member-notes")
    if wants_fragment():
        return _notes_fragment(panel, agenda_item, form, status=400)
    return _render_item(panel, agenda_item, form, status=400)


@bp.route("/<int:panel_id>/items/<int:item_id>/reveal", methods=["POST"])
@signed_in
def reveal(panel_id: int, item_id: int):
    """The chair reveals who the candidate is, once the panel has decided."""
    panel = get_panel_for_member(panel_id)
    agenda_item = get_item_or_404(panel, item_id)
    if ConfirmForm().validate_on_submit():
        try:
            operations.reveal_identity(current_user, agenda_item)
        except operations.PanelError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"The candidate's identity for {agenda_item.reference} is now shown to the "
                  "panel.", "success")
    return redirect_to(url_for("panels.item", panel_id=panel.id, item_id=agenda_item.id))


# The timeline ----------------------------------------------------------------------------
ACTION_LABELS = {
    "portfolio_created": "Portfolio started",
    "portfolio_schedule_changed": "Review dates changed",
    "portfolio_entry_added": "Evidence added to the portfolio",
    "portfolio_entry_moved": "Evidence moved to another section",
    "portfolio_entry_removed": "Evidence taken out of the portfolio",
    "portfolio_submit_for_review": "Submitted for a review point",
    "portfolio_submit_for_panel": "Submitted for the panel",
    "portfolio_withdrawn": "Submission withdrawn",
    "portfolio_assessment_started": "Assessment started",
    "portfolio_returned": "Returned to the candidate",
    "portfolio_review_completed": "Review point assessment completed",
    "portfolio_placed_on_panel": "Portfolio went to panel",
    "portfolio_deferred": "Deferred by the panel",
    "portfolio_decided": "Panel decision applied to the portfolio",
    "review_point_completed": "Review point completed",
    "review_report_started": "Assessor's report started",
    "review_report_saved": "Assessor's report saved",
    "review_report_signed_off": "Assessor's report signed off",
    "submission_returned": "Submission returned with requests",
    "support_confirmed": "Line manager confirmed the support given",
    "report_response_added": "Candidate responded to a report",
    "support_plan_opened": "Support plan opened",
    "agenda_item_added": "Placed on a panel agenda",
    "provisional_view_recorded": "Panel member recorded notes and a provisional view",
    "identity_revealed": "Chair revealed the candidate's identity to the panel",
    "panel_decision_recorded": "Panel decision recorded",
    "panel_decision_corrected": "Panel decision corrected",
    "decision_review_requested": "Candidate asked for a review of the decision",
    "decision_review_decided": "Outcome of the review recorded",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action) or action.replace("_", " ").capitalize()


def timeline_events(portfolio: Portfolio):
    """(event, actor name) for the portfolio and everything that hangs off it, newest
    first, in a fixed number of queries whatever the history's length."""
    def ids(column, *where):
        return db.session.scalars(select(column).where(*where)).all()

    decision_ids = ids(PanelDecision.id, PanelDecision.portfolio_id == portfolio.id)
    related = {
        "portfolio": [portfolio.id],
        "agenda_item": ids(AgendaItem.id, AgendaItem.portfolio_id == portfolio.id),
        "panel_decision": decision_ids,
        "review_report": ids(ReviewReport.id, ReviewReport.portfolio_id == portfolio.id),
        "support_plan": ids(SupportPlan.id, SupportPlan.portfolio_id == portfolio.id),
        "decision_review_request": ids(DecisionReviewRequest.id,
                                       DecisionReviewRequest.decision_id.in_(decision_ids))
        if decision_ids else [],
    }
    matches = or_(*(and_(AuditEvent.object_type == kind, AuditEvent.object_id.in_(object_ids))
                    for kind, object_ids in related.items() if object_ids))
    return db.session.execute(
        select(AuditEvent, User.name).outerjoin(User, User.id == AuditEvent.actor_id)
        .where(matches).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())).all()


@bp.route("/timeline/<int:portfolio_id>")
@signed_in
def timeline(portfolio_id: int):
    """Every recorded step for a portfolio: programme leads and administrators only (404 for
    everyone else, so the page does not confirm that the portfolio exists)."""
    if not current_user.has_any_role(Role.PROGRAMME_LEAD, Role.ADMINISTRATOR):
        abort(404)
    portfolio = db.session.get(Portfolio, portfolio_id)
    if portfolio is None or portfolio.organisation_id != current_user.organisation_id:
        abort(404)
    return render("panels/timeline.html", portfolio=portfolio,
                  events=timeline_events(portfolio), action_label=action_label)
