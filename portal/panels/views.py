"""Programme leads and administrators organise panels: schedule, edit and cancel them,
and put portfolios on (and take them off) their agendas. Conflicts of interest between
members and the candidates on the agenda are shown as warnings whenever the panel or its
agenda changes; they are refused only at the decision (see `attendance`)."""

from flask import Blueprint, abort, flash, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.accounts.deactivation import add_deactivation_check
from portal.accounts.models import User, UserRole
from portal.accounts.roles import Role
from portal.core.access import requires_role
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.core.htmx import redirect_to, render
from portal.core.urls import id_argument
from portal.panels import agenda, attendance, conflicts, operations
from portal.panels.access import get_panel_in_my_organisation
from portal.panels.errors import PanelError
from portal.panels.forms import (
    AgendaForm,
    CancelPanelForm,
    NewPanelForm,
    PanelForm,
    RemoveItemForm,
)
from portal.panels.models import AgendaItem, Panel, PanelMember
from portal.partnerships.models import SharedPurpose
from portal.partnerships.queries import councils_shared_with
from portal.portfolios.models import Portfolio
from portal.programmes.models import Programme

bp = Blueprint("panels", __name__, url_prefix="/panels")
panel_organisers = requires_role(Role.PROGRAMME_LEAD, Role.ADMINISTRATOR)

ITEM_STATES = {"waiting": "Waiting for the panel", "decided": "Decided", "removed": "Removed"}


@bp.record_once
def _warn_before_deactivating_members(state):
    # Accounts sits below panels and never imports it: panels adds its check instead.
    add_deactivation_check(state.app, attendance.deactivation_warnings)


def upcoming_first(panels: list[Panel]) -> list[Panel]:
    today = today_in_england()
    upcoming = sorted((p for p in panels if p.sits_on >= today), key=lambda p: (p.sits_on, p.id))
    past = sorted((p for p in panels if p.sits_on < today), key=lambda p: (p.sits_on, p.id),
                  reverse=True)
    return upcoming + past


def open_items(panel_ids) -> dict[int, int]:
    """{panel id: portfolios on its agenda (not taken off)}."""
    if not panel_ids:
        return {}
    rows = db.session.execute(
        select(AgendaItem.panel_id, func.count(AgendaItem.id))
        .where(AgendaItem.panel_id.in_(panel_ids), AgendaItem.state != "removed")
        .group_by(AgendaItem.panel_id)).all()
    return dict(rows)


@bp.route("/")
@panel_organisers
def index():
    """The council's panels, upcoming first."""
    panels = db.session.scalars(
        select(Panel).where(Panel.organisation_id == current_user.organisation_id)
        .options(selectinload(Panel.programmes), selectinload(Panel.chair))).all()
    panels = upcoming_first(panels)
    return render("panels/index.html", panels=panels,
                  item_counts=open_items([p.id for p in panels]), today=today_in_england())


def _people_with(*roles: Role, guests: bool = False) -> list[User]:
    """The council's active people holding one of `roles`; with `guests`, also those of
    the councils the council shares its panel membership with."""
    councils = {current_user.organisation_id}
    if guests:
        councils |= councils_shared_with(current_user.organisation_id,
                                         SharedPurpose.PANEL_MEMBERSHIP, today_in_england())
    return db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.organisation_id.in_(councils), User.active,
               UserRole.role.in_([r.value for r in roles]))
        .options(selectinload(User.organisation))
        .order_by(User.name, User.id).distinct()).all()


def _member_label(user: User) -> str:
    """A guest from a partnership council is named with their council."""
    if user.organisation_id == current_user.organisation_id:
        return user.name
    return f"{user.name} ({user.organisation.name})"


def _panel_form(form_class: type[PanelForm] = PanelForm, **kwargs) -> PanelForm:
    form = form_class(**kwargs)
    programmes = db.session.scalars(
        select(Programme).where(Programme.organisation_id == current_user.organisation_id,
                                Programme.active).order_by(Programme.name)).all()
    form.programme_ids.choices = [(str(p.id), p.name) for p in programmes]
    form.chair_id.choices = [("", "Select the chair")] + [
        (str(u.id), u.name) for u in _people_with(Role.PANEL_CHAIR)]
    form.member_ids.choices = [(str(u.id), _member_label(u)) for u in _people_with(
        Role.PANEL_MEMBER, Role.PANEL_CHAIR, guests=True)]
    return form


def _show_refusal(form: PanelForm, error: PanelError) -> None:
    field = getattr(form, error.field or "title")
    field.errors = [*field.errors, str(error)]


def _warn_about_conflicts(panel: Panel) -> None:
    for conflict in conflicts.panel_conflicts(panel):
        flash(f"Conflict of interest: {conflict.explained}. They cannot sit on or decide "
              "that portfolio.", "warning")


@bp.route("/new", methods=["GET", "POST"])
@panel_organisers
def new():
    form = _panel_form(NewPanelForm)
    if form.validate_on_submit():
        try:
            panel = operations.create_panel(current_user, form.details())
            form.created(url_for("panels.manage", panel_id=panel.id))
        except PanelError as error:
            db.session.rollback()
            _show_refusal(form, error)
        else:
            db.session.commit()
            flash(f"The panel '{panel.title}' has been created. Its members have been told.",
                  "success")
            return redirect_to(url_for("panels.manage", panel_id=panel.id))
    return render("panels/new.html", form=form, panel=None,
                  status=400 if form.errors else 200)


@bp.route("/<int:panel_id>/edit", methods=["GET", "POST"])
@panel_organisers
def edit(panel_id: int):
    """Change a scheduled panel's title, date, chair, members, programmes or quorum."""
    panel = get_panel_in_my_organisation(panel_id)
    form = _panel_form(data={
        "title": panel.title, "sits_on": panel.sits_on, "chair_id": str(panel.chair_id),
        "member_ids": [str(m.user_id) for m in panel.members],
        "programme_ids": [str(p.id) for p in panel.programmes],
        "min_members": panel.min_members})
    form.submit.label.text = "Save changes"
    if form.validate_on_submit():
        try:
            changed = operations.update_panel(current_user, panel, form.details())
        except PanelError as error:
            db.session.rollback()
            panel = get_panel_in_my_organisation(panel_id)
            _show_refusal(form, error)
        else:
            db.session.commit()
            flash("The panel's changes have been saved." if changed
                  else "Nothing was changed.", "success")
            _warn_about_conflicts(panel)
            return redirect_to(url_for("panels.manage", panel_id=panel.id))
    return render("panels/new.html", form=form, panel=panel,
                  status=400 if form.errors else 200)


@bp.route("/<int:panel_id>/cancel", methods=["GET", "POST"])
@panel_organisers
def cancel(panel_id: int):
    """Confirm, with a reason, that a panel will not sit."""
    panel = get_panel_in_my_organisation(panel_id)
    form = CancelPanelForm()
    if form.validate_on_submit():
        try:
            operations.cancel_panel(current_user, panel, form.reason.data)
        except PanelError as error:
            db.session.rollback()
            panel = get_panel_in_my_organisation(panel_id)
            form.reason.errors = [*form.reason.errors, str(error)]
        else:
            db.session.commit()
            flash(f"The panel '{panel.title}' has been cancelled. Its members have been told.",
                  "success")
            return redirect_to(url_for("panels.manage", panel_id=panel.id))
    return render("panels/cancel.html", form=form, panel=panel,
                  waiting=[i for i in panel.agenda if i.state == "waiting"],
                  status=400 if form.errors else 200)


@bp.route("/<int:panel_id>/manage")
@panel_organisers
def manage(panel_id: int):
    """The agenda with candidates' names (leads know who they are), conflicts of interest,
    the quorum, and what can be added."""
    panel = get_panel_in_my_organisation(panel_id)
    items = db.session.scalars(
        select(AgendaItem).where(AgendaItem.panel_id == panel.id)
        .options(selectinload(AgendaItem.portfolio).selectinload(Portfolio.candidate)
                 .selectinload(User.team))
        .order_by(AgendaItem.position, AgendaItem.id)).all()
    eligible = agenda.eligible_portfolios(panel) if panel.is_scheduled else []
    candidate_ids = [p.candidate_id for p in eligible]
    if candidate_ids:
        # Loaded once so each portfolio.candidate below comes from the session.
        db.session.scalars(select(User).where(User.id.in_(candidate_ids))
                           .options(selectinload(User.team))).all()
    members = db.session.scalars(
        select(User).join(PanelMember, PanelMember.user_id == User.id)
        .where(PanelMember.panel_id == panel.id).order_by(User.name)).all()
    waiting = [item for item in items if item.state == "waiting"]
    found = conflicts.item_conflicts(waiting, members)
    eligible_conflicts = conflicts.conflicted_people(set(candidate_ids))
    return render("panels/manage.html", panel=panel, items=items, eligible=eligible,
                  members=members, agenda_form=AgendaForm(), item_states=ITEM_STATES,
                  conflicts=found, quorums={i.id: attendance.item_quorum(i) for i in waiting},
                  eligible_conflicts={
                      p.id: [m for m in members if m.id in eligible_conflicts[p.candidate_id]]
                      for p in eligible})


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
        item = agenda.place_on_agenda(current_user, panel, portfolio)
        form.created(url_for("panels.manage", panel_id=panel.id))
    except PanelError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"{portfolio.candidate.name}'s portfolio is on the agenda as {item.reference}.",
              "success")
        for conflict in conflicts.item_conflicts([item], [m.user for m in panel.members]):
            flash(f"Conflict of interest: {conflict.explained}. They cannot sit on or decide "
                  "that portfolio.", "warning")
    return redirect_to(url_for("panels.manage", panel_id=panel.id))


@bp.route("/<int:panel_id>/agenda/<int:item_id>/remove", methods=["GET", "POST"])
@panel_organisers
def remove_from_agenda(panel_id: int, item_id: int):
    """Confirm, with a reason, that a portfolio comes off the agenda before a decision."""
    panel = get_panel_in_my_organisation(panel_id)
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.panel_id != panel.id or item.state != "waiting":
        abort(404)
    form = RemoveItemForm()
    if form.validate_on_submit():
        try:
            agenda.take_off_agenda(current_user, item, form.reason.data)
        except PanelError as error:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(error)]
            item = db.session.get(AgendaItem, item_id)
        else:
            db.session.commit()
            flash(f"{item.portfolio.candidate.name}'s portfolio ({item.reference}) is off the "
                  "agenda and waits for a later panel.", "success")
            return redirect_to(url_for("panels.manage", panel_id=panel.id))
    return render("panels/remove_item.html", form=form, panel=item.panel, item=item,
                  status=400 if form.errors else 200)
