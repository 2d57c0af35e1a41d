"""The outcome letter: asked for, watched while a job builds it, then downloaded.

Only the candidate and their council's leads may have a decision's letter, and only for
the latest decision in its chain (a corrected decision has no letter): anyone else gets
404, as for the decision itself.
"""

import logging

from flask import Blueprint, abort, render_template, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.core.access import signed_in
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to
from portal.core.storage import get_storage
from portal.panels import letters
from portal.panels.access import get_decision_or_404
from portal.panels.letter_models import LetterState
from portal.panels.models import PanelDecision
from portal.visibility import Kind, can_read

logger = logging.getLogger(__name__)
bp = Blueprint("letters", __name__, url_prefix="/decisions")


def may_have_letter(decision: PanelDecision) -> bool:
    """Whether the current user may ask for and download this decision's letter."""
    # Who may read a letter is the visibility table's rule (the candidate and their
    # council's leads); only the latest decision of a chain has one.
    if not can_read(current_user, Kind.OUTCOME_LETTER, decision.agenda_item.portfolio.candidate_id):
        return False
    superseded = db.session.scalar(select(PanelDecision.id).where(
        PanelDecision.corrects_id == decision.id))
    return superseded is None


def _letter_decision_or_404(decision_id: int) -> PanelDecision:
    decision = get_decision_or_404(decision_id)
    if not may_have_letter(decision):
        abort(404)
    return decision


@bp.post("/<int:decision_id>/letter")
@signed_in
def request_letter(decision_id: int):
    """Ask for the letter to be built; the decision page then shows how it is going."""
    decision = _letter_decision_or_404(decision_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        letters.request_letter(current_user, decision)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # asked for twice at once: the first request stands
    return redirect_to(url_for("decisions.show", decision_id=decision_id) + "#letter")


@bp.get("/<int:decision_id>/letter")
@signed_in
def status(decision_id: int):
    """The letter's status fragment, polled by htmx while the job builds it."""
    decision = _letter_decision_or_404(decision_id)
    return render_template("panels/decisions/_letter.html", decision=decision,
                           letter=letters.letter_for(decision), approvals=letters.APPROVALS,
                           is_candidate=decision.agenda_item.portfolio.candidate_id
                           == current_user.id)


@bp.get("/<int:decision_id>/letter.pdf")
@signed_in
def download(decision_id: int):
    """The built letter, from file storage (404 until it is ready)."""
    decision = _letter_decision_or_404(decision_id)
    letter = letters.letter_for(decision)
    if letter is None or letter.state != LetterState.READY:
        abort(404)
    try:
        stored = get_storage().open(letter.stored_name)
    except FileNotFoundError:
        logger.error("Outcome letter %s has no stored file", letter.id)
        abort(404)
    response = send_file(stored, mimetype="application/pdf", as_attachment=True,
                         download_name=f"panel-decision-{decision.id}.pdf", etag=False,
                         conditional=False, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
