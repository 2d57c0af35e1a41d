"""Panel members (the chair included) read their panels' agendas and each anonymised
portfolio, and record private notes and a provisional view; the chair sees everyone's
provisional views and reveals who a candidate is once the panel has decided.

Members only ever see the agenda item's reference until the chair reveals who the
candidate is. Every name that could identify the candidate (theirs, their team's, their
assessor's) is left out of the members' pages and fragments, and is also blanked out of
free text the members read. A member with a conflict of interest does not sit on that
candidate's item: it is listed, but not opened, for them.
"""

from flask import Blueprint, flash, make_response, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.assessment.reports import operations as reports
from portal.core.access import signed_in
from portal.core.confirm import confirmation_page
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to, render, wants_fragment
from portal.panels import agenda, attendance, decisions, queries, snapshot_files
from portal.panels.access import get_item_or_404, get_panel_for_member, get_sitting_item_or_404
from portal.panels.anonymity import anonymiser
from portal.panels.confirmations import reveal_confirmation
from portal.panels.conflicts import conflicted_item_ids
from portal.panels.errors import PanelError
from portal.panels.forms import OUTCOME_LABELS, NoteForm
from portal.panels.models import AgendaItem, MemberNote, Panel, PanelMember
from portal.panels.views import ITEM_STATES, open_items, upcoming_first
from portal.partnerships.models import SharedPurpose
from portal.partnerships.queries import councils_sharing_with
from portal.portfolios import snapshots
from portal.portfolios.reviews.models import DomainProgress, ReviewReport
from portal.visibility import Kind, record_reading, require

bp = Blueprint("agendas", __name__, url_prefix="/panels")


@bp.route("/mine")
@signed_in
def mine():
    hosts = {current_user.organisation_id} | councils_sharing_with(
        current_user.organisation_id, SharedPurpose.PANEL_MEMBERSHIP, today_in_england())
    panels = db.session.scalars(
        select(Panel).join(PanelMember, PanelMember.panel_id == Panel.id)
        .where(PanelMember.user_id == current_user.id, Panel.organisation_id.in_(hosts))
        .options(selectinload(Panel.programmes))).all()
    panels = upcoming_first(panels)
    return render("panels/mine.html", panels=panels,
                  item_counts=open_items([p.id for p in panels]))


@bp.route("/<int:panel_id>")
@signed_in
def show(panel_id: int):
    """The agenda as members see it: references only until the chair reveals identity."""
    panel = get_panel_for_member(panel_id)
    items = queries.agenda_rows(panel.id, current_user.id)
    return render("panels/show.html", panel=panel, items=items,
                  outcome_labels=OUTCOME_LABELS, item_states=ITEM_STATES,
                  conflicted=conflicted_item_ids(panel, current_user),
                  is_chair=panel.chair_id == current_user.id, today=today_in_england())


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


def _notes_context(panel, item, form, saved=False):
    return {"panel": panel, "item": item, "note_form": form, "notes_saved": saved,
            "outcome_labels": OUTCOME_LABELS}


def _render_item(panel: Panel, item: AgendaItem, form: NoteForm, status: int = 200):
    report = item.report
    portfolio = item.portfolio
    is_chair = panel.chair_id == current_user.id
    return render(
        "panels/item.html", status=status, form=form if form.errors else None,
        snapshot=item.snapshot, content=item.snapshot.content,
        intact=snapshots.verify(item.snapshot), redact=anonymiser(item),
        element_titles=snapshots.element_titles(item.snapshot.content),
        **snapshot_files.file_links(item),
        report=report, recommendations=reports.recommendation_choices(portfolio),
        ratings=reports.RATINGS, review_points=portfolio.review_points,
        earlier_reports=_earlier_reports(item), portfolio=portfolio,
        decision=decisions.latest_decision(item) if item.state == "decided" else None,
        is_chair=is_chair, revealed=item.identity_revealed_at is not None,
        reveal_form=ConfirmForm(), item_states=ITEM_STATES,
        views=agenda.provisional_views(item) if is_chair else None,
        quorum=attendance.item_quorum(item) if is_chair else None,
        **_notes_context(panel, item, form))


@bp.route("/<int:panel_id>/items/<int:item_id>")
@signed_in
def item(panel_id: int, item_id: int):
    """One portfolio on the agenda: snapshot, final report, review history, my notes (and,
    for the chair, everyone's provisional views). The snapshot holds reflections: each
    member's opening of it is audited."""
    panel = get_panel_for_member(panel_id)
    agenda_item = get_sitting_item_or_404(panel, item_id)
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
    agenda_item = get_sitting_item_or_404(panel, item_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            agenda.save_member_note(current_user, agenda_item, form.notes.data or "",
                                    form.provisional_view.data or None)
            form.created(url_for("agendas.item", panel_id=panel.id, item_id=agenda_item.id)
                         + "#member-notes")
        except PanelError as error:
            db.session.rollback()
            field = getattr(form, error.field or "notes")
            field.errors = [*field.errors, str(error)]
        else:
            db.session.commit()
            if wants_fragment():
                return _notes_fragment(panel, agenda_item, _note_form(_my_note(agenda_item)),
                                       saved=True)
            flash("Your notes have been saved", "success")
            return redirect_to(url_for("agendas.item", panel_id=panel.id,
                                       item_id=agenda_item.id) + "#member-notes")
    if wants_fragment():
        return _notes_fragment(panel, agenda_item, form, status=400)
    return _render_item(panel, agenda_item, form, status=400)


@bp.route("/<int:panel_id>/items/<int:item_id>/reveal", methods=["GET", "POST"])
@signed_in
def reveal(panel_id: int, item_id: int):
    """The chair reveals who the candidate is, once the panel has decided (GET asks first)."""
    panel = get_panel_for_member(panel_id)
    agenda_item = get_item_or_404(panel, item_id)
    if request.method == "GET":
        if panel.chair_id != current_user.id or agenda_item.identity_revealed_at is not None:
            return redirect_to(url_for("agendas.item", panel_id=panel.id,
                                       item_id=agenda_item.id))
        return confirmation_page(reveal_confirmation(agenda_item))
    if ConfirmForm().validate_on_submit():
        try:
            agenda.reveal_identity(current_user, agenda_item)
        except PanelError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"The candidate's identity for {agenda_item.reference} is now shown to the "
                  "panel.", "success")
    return redirect_to(url_for("agendas.item", panel_id=panel.id, item_id=agenda_item.id))
