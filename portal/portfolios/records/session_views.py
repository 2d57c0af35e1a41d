"""Supervision and protected development time: dated sessions the candidate lists, adds,
changes and deletes, with the same four pages each. One set of views serves both, told
apart by a `SessionKind`; the endpoints keep their own names (records.supervision,
records.protected_time_new...)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import flash, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.core.access import signed_in
from portal.core.db import db
from portal.core.htmx import redirect_to, render
from portal.core.template_helpers import uk_date
from portal.portfolios.access import read_portfolio_or_404
from portal.portfolios.models import ProtectedTimeRecord, SupervisionRecord
from portal.portfolios.records import operations as records
from portal.portfolios.records import queries as record_queries
from portal.portfolios.records.forms import (
    DeleteRecordForm,
    NewProtectedTimeForm,
    NewSupervisionForm,
    ProtectedTimeForm,
    SupervisionForm,
)
from portal.portfolios.records.view_helpers import (
    bp,
    candidates_only,
    on_get,
    record_or_404,
    refused,
    status_of,
    to_change,
)
from portal.visibility import Kind


@dataclass(frozen=True)
class SessionKind:
    """What differs between supervision and protected time."""

    endpoint: str            # "supervision": records.supervision, records.supervision_new...
    path: str                # "supervision" in /portfolios/<id>/records/<path>
    kind: Kind
    model: type
    held_on: str             # the record's date column
    new_form: type
    edit_form: type
    details: Callable        # form -> the operation's details
    add: Callable
    update: Callable
    delete: Callable
    saved: str               # the message after adding
    deleted: str
    delete_question: str
    describe: Callable       # record -> words for the delete page
    list_context: Callable = field(default=lambda sessions: {})
    show_saved: Callable = field(default=lambda form, record: None)

    def list_url(self, portfolio) -> str:
        return url_for(f"records.{self.endpoint}", portfolio_id=portfolio.id)

    def template(self, page: str) -> str:
        return f"portfolios/records/{self.endpoint}_{page}.html"


def _session_list(spec: SessionKind, portfolio_id: int):
    portfolio, seen_by = read_portfolio_or_404(portfolio_id, spec.kind)
    date_column = getattr(spec.model, spec.held_on)
    sessions = db.session.scalars(record_queries.made_before(
        select(spec.model).where(spec.model.portfolio_id == portfolio.id)
        .order_by(date_column.desc(), spec.model.id.desc()),
        spec.model, seen_by.made_before(spec.kind))).all()
    return render(spec.template("list"), portfolio=portfolio, sessions=sessions,
                  can_edit=seen_by.can_edit(spec.kind), **spec.list_context(sessions))


def _session_new(spec: SessionKind, portfolio_id: int):
    portfolio = to_change(portfolio_id, spec.kind)
    form = spec.new_form()
    if form.validate_on_submit():
        try:
            spec.add(current_user, portfolio, spec.details(form))
            form.created(spec.list_url(portfolio))
            db.session.commit()
        except records.RecordError as error:
            refused(form, error)
        else:
            flash(spec.saved, "success")
            return redirect_to(spec.list_url(portfolio))
    return render(spec.template("form"), portfolio=portfolio, form=form, record=None,
                  status=status_of(form))


def _session_edit(spec: SessionKind, portfolio_id: int, record_id: int):
    portfolio = to_change(portfolio_id, spec.kind)
    record = record_or_404(spec.model, portfolio, record_id)
    form = spec.edit_form(obj=on_get(record))
    if not form.is_submitted():
        spec.show_saved(form, record)
    if form.validate_on_submit():
        try:
            spec.update(current_user, portfolio, record, spec.details(form))
            db.session.commit()
        except records.RecordError as error:
            refused(form, error)
        else:
            flash("Your changes have been saved.", "success")
            return redirect_to(spec.list_url(portfolio))
    return render(spec.template("form"), portfolio=portfolio, form=form, record=record,
                  status=status_of(form))


def _session_delete(spec: SessionKind, portfolio_id: int, record_id: int):
    portfolio = to_change(portfolio_id, spec.kind)
    record = record_or_404(spec.model, portfolio, record_id)
    form = DeleteRecordForm()
    back = spec.list_url(portfolio)
    if form.validate_on_submit():
        spec.delete(current_user, portfolio, record)
        db.session.commit()
        flash(spec.deleted, "success")
        return redirect_to(back)
    return render("portfolios/records/delete.html", portfolio=portfolio, form=form,
                  heading=spec.delete_question, description=spec.describe(record),
                  back_url=back)


def _register(spec: SessionKind) -> None:
    """The four pages of `spec` on the records blueprint, under their own endpoints."""
    base = f"/<int:portfolio_id>/records/{spec.path}"

    def listing(portfolio_id: int):
        return _session_list(spec, portfolio_id)

    def new(portfolio_id: int):
        return _session_new(spec, portfolio_id)

    def edit(portfolio_id: int, record_id: int):
        return _session_edit(spec, portfolio_id, record_id)

    def delete(portfolio_id: int, record_id: int):
        return _session_delete(spec, portfolio_id, record_id)

    name = spec.endpoint
    bp.add_url_rule(base, name, signed_in(listing))
    bp.add_url_rule(f"{base}/new", f"{name}_new", candidates_only(new),
                    methods=["GET", "POST"])
    bp.add_url_rule(f"{base}/<int:record_id>/edit", f"{name}_edit", candidates_only(edit),
                    methods=["GET", "POST"])
    bp.add_url_rule(f"{base}/<int:record_id>/delete", f"{name}_delete",
                    candidates_only(delete), methods=["GET", "POST"])


SUPERVISION = SessionKind(
    endpoint="supervision", path="supervision", kind=Kind.SUPERVISION,
    model=SupervisionRecord, held_on="held_on",
    new_form=NewSupervisionForm, edit_form=SupervisionForm,
    details=lambda form: records.SupervisionDetails(
        held_on=form.held_on.data, supervisor_name=form.supervisor_name.data,
        topics=form.topics.data, agreed_actions=form.agreed_actions.data),
    add=records.add_supervision, update=records.update_supervision,
    delete=records.delete_supervision,
    saved="Your supervision record has been saved.",
    deleted="The supervision record has been deleted.",
    delete_question="Are you sure you want to delete this supervision record?",
    describe=lambda record: (f"Supervision on {uk_date(record.held_on)} with "
                             f"{record.supervisor_name}"))

PROTECTED_TIME = SessionKind(
    endpoint="protected_time", path="protected-time", kind=Kind.PROTECTED_TIME,
    model=ProtectedTimeRecord, held_on="taken_on",
    new_form=NewProtectedTimeForm, edit_form=ProtectedTimeForm,
    details=lambda form: records.ProtectedTimeDetails(
        taken_on=form.taken_on.data, minutes=form.total_minutes(),
        activity=form.activity.data,
        workload_reduction_confirmed=bool(form.workload_reduction_confirmed.data)),
    add=records.add_protected_time, update=records.update_protected_time,
    delete=records.delete_protected_time,
    saved="Your protected time has been saved.",
    deleted="The protected time has been deleted.",
    delete_question="Are you sure you want to delete this protected time?",
    describe=lambda record: (f"{record_queries.hours_and_minutes(record.minutes)} on "
                             f"{uk_date(record.taken_on)}"),
    list_context=lambda sessions: {
        "total_minutes": sum(session.minutes for session in sessions),
        "hours_and_minutes": record_queries.hours_and_minutes},
    show_saved=lambda form, record: form.show_minutes(record.minutes))

for _spec in (SUPERVISION, PROTECTED_TIME):
    _register(_spec)
