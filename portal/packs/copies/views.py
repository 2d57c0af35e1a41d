"""The redaction assistant for a submitted snapshot, and the approved anonymised copy.

GET pages read; every change is a POST with CSRF and goes through operations.py.
"""

from flask import Blueprint, abort, flash, url_for
from flask_login import current_user

from portal.core.access import signed_in
from portal.core.db import db
from portal.core.forms import ConfirmForm, OnceConfirmForm
from portal.core.htmx import redirect_to, render
from portal.packs.copies import operations, queries
from portal.packs.copies.access import snapshot_for_reviewer_or_404
from portal.packs.copies.forms import AddOwnForm, ReviewForm

bp = Blueprint("copies", __name__)
COPY = "/portfolios/<int:portfolio_id>/snapshots/<int:snapshot_id>/anonymised-copy"


def _copy_or_404(portfolio_id: int, snapshot_id: int):
    snapshot = snapshot_for_reviewer_or_404(portfolio_id, snapshot_id)
    return snapshot, queries.copy_of(snapshot.id)


def _review_form(copy) -> ReviewForm:
    form = ReviewForm()
    if not form.is_submitted():
        for decision in copy.decisions:
            form.proposals.append_entry({
                "decision_id": str(decision.id),
                "choice": None if decision.decision == "pending" else (
                    "changed" if decision.decision == "added" else decision.decision),
                "own_label": decision.replacement or ""})
    return form


def _assistant(snapshot, copy, review=None, add=None, approve=None, status=200):
    ids = {"portfolio_id": snapshot.portfolio_id, "snapshot_id": snapshot.id}
    return render("packs/copies/assistant.html", snapshot=snapshot, copy=copy, ids=ids,
                  start_form=OnceConfirmForm(), review_form=review or (
                      _review_form(copy) if copy else None),
                  add_form=add or AddOwnForm(), approve_form=approve or ConfirmForm(),
                  fields=queries.proposals_by_field(copy) if copy else [],
                  pending=sum(d.decision == "pending" for d in copy.decisions) if copy else 0,
                  status=status)


@bp.get(COPY)
@signed_in
def assistant(portfolio_id: int, snapshot_id: int):
    """The assistant: every proposal in context, with a decision to take on each."""
    snapshot, copy = _copy_or_404(portfolio_id, snapshot_id)
    return _assistant(snapshot, copy)


@bp.post(COPY)
@signed_in
def start(portfolio_id: int, snapshot_id: int):
    snapshot, _copy = _copy_or_404(portfolio_id, snapshot_id)
    form = OnceConfirmForm()
    page = url_for("copies.assistant", portfolio_id=portfolio_id, snapshot_id=snapshot_id)
    if not form.validate_on_submit():
        abort(400)
    operations.start_copy(current_user, snapshot)
    form.created(page)
    db.session.commit()
    return redirect_to(page)


@bp.post(COPY + "/decisions")
@signed_in
def decide(portfolio_id: int, snapshot_id: int):
    snapshot, copy = _copy_or_404(portfolio_id, snapshot_id)
    if copy is None:
        abort(404)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            operations.decide(current_user, copy, form.choices())
        except operations.CopyError as refused:
            db.session.rollback()
            form.submit.errors = [str(refused)]
        else:
            db.session.commit()
            flash("Decisions saved.", "success")
            return redirect_to(url_for("copies.assistant", portfolio_id=portfolio_id,
                                       snapshot_id=snapshot_id))
    return _assistant(snapshot, copy, review=form, status=400)


@bp.post(COPY + "/own")
@signed_in
def add_own(portfolio_id: int, snapshot_id: int):
    snapshot, copy = _copy_or_404(portfolio_id, snapshot_id)
    if copy is None:
        abort(404)
    form = AddOwnForm()
    if form.validate_on_submit():
        try:
            places = operations.add_own(current_user, copy, form.phrase.data, form.label.data)
        except operations.CopyError as refused:
            db.session.rollback()
            form.phrase.errors = [str(refused)]
        else:
            db.session.commit()
            flash(f"Replacement added in {places} place{'s' if places != 1 else ''}.",
                  "success")
            return redirect_to(url_for("copies.assistant", portfolio_id=portfolio_id,
                                       snapshot_id=snapshot_id))
    return _assistant(snapshot, copy, add=form, status=400)


@bp.post(COPY + "/approve")
@signed_in
def approve(portfolio_id: int, snapshot_id: int):
    snapshot, copy = _copy_or_404(portfolio_id, snapshot_id)
    if copy is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            operations.approve(current_user, copy)
        except operations.CopyError as refused:
            db.session.rollback()
            form.submit.errors = [str(refused)]
        else:
            db.session.commit()
            flash("Anonymised copy approved.", "success")
            return redirect_to(url_for("copies.read", portfolio_id=portfolio_id,
                                       snapshot_id=snapshot_id))
    return _assistant(snapshot, copy, approve=form, status=400)


@bp.get(COPY + "/approved")
@signed_in
def read(portfolio_id: int, snapshot_id: int):
    """The approved copy (404 until approved). Each opening is audited: the audit row is
    the only thing this GET writes."""
    snapshot, copy = _copy_or_404(portfolio_id, snapshot_id)
    if copy is None or not copy.approved:
        abort(404)
    operations.record_viewing(current_user, copy)
    db.session.commit()
    return render("packs/copies/approved.html", snapshot=snapshot, copy=copy,
                  fields=queries.anonymised_fields(copy),
                  back=url_for("copies.assistant", portfolio_id=portfolio_id,
                               snapshot_id=snapshot_id))
