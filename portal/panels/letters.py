"""Outcome letters: asked for by a person allowed to read the decision, built as a PDF by a
background job (WeasyPrint takes a second or more), kept in file storage and downloaded
from there.

The job runs on a worker on PostgreSQL, or in this process after the commit with
JOBS_INLINE (see portal/core/jobs.py); either way it is the same function.
"""

import io
import logging

from flask import render_template
from sqlalchemy import select

from portal.core import audit, jobs
from portal.core.db import db, utcnow
from portal.core.storage import get_storage
from portal.organisations.models import Organisation
from portal.panels.letter_models import LetterState, OutcomeLetter
from portal.panels.models import CareerLevelRecord, PanelDecision
from portal.programmes.models import Outcome

logger = logging.getLogger(__name__)

APPROVALS = {Outcome.APPROVED.value, Outcome.APPROVED_WITH_ACTIONS.value}
# A letter is a few pages of text; anything near this means something is badly wrong.
MAX_LETTER_BYTES = 20 * 1024 * 1024
UNDER_WAY = (LetterState.QUEUED, LetterState.BUILDING)


def letter_for(decision: PanelDecision) -> OutcomeLetter | None:
    return db.session.scalar(select(OutcomeLetter).where(
        OutcomeLetter.decision_id == decision.id))


def request_letter(actor, decision: PanelDecision) -> OutcomeLetter:
    """Ask for the decision's letter to be built, unless it is built or being built.

    The caller has checked that `actor` may read the decision and that it is the latest in
    its chain. Flushes; the job runs once the caller commits.
    """
    letter = letter_for(decision)
    if letter is not None and letter.state != LetterState.FAILED:
        return letter  # ready, or under way: one build is enough
    if letter is None:
        letter = OutcomeLetter(decision_id=decision.id)
        db.session.add(letter)
    letter.state, letter.last_error = LetterState.QUEUED, None
    letter.requested_at = utcnow()
    db.session.flush()
    audit.record(actor, "letter.requested", letter, decision_id=decision.id)
    jobs.defer(build_letter, letter_id=letter.id)
    return letter


def level_for(decision: PanelDecision) -> CareerLevelRecord | None:
    return db.session.scalar(select(CareerLevelRecord).where(
        CareerLevelRecord.decision_id == decision.id))


def _refuse_fetch(url: str, *args, **kwargs):
    # The letter is self-contained: WeasyPrint must never reach a file or the network.
    raise ValueError(f"the outcome letter does not load external resources ({url[:60]})")


def letter_pdf(decision: PanelDecision) -> bytes:
    """The letter's PDF, from panels/letter.html."""
    import weasyprint  # imported here so the portal starts without WeasyPrint's libraries

    item = decision.agenda_item
    html = render_template(
        "panels/letter.html", decision=decision, portfolio=item.portfolio,
        council=db.session.get(Organisation, item.panel.organisation_id),
        level=level_for(decision), approvals=APPROVALS)
    return weasyprint.HTML(string=html, base_url=None, url_fetcher=_refuse_fetch).write_pdf()


@jobs.job("panels.build_letter")
def build_letter(letter_id: int) -> None:
    """Build and store the letter. A failure is recorded on the letter (the page says so
    and offers to try again) and raised, so the worker retries it with a growing wait."""
    letter = db.session.get(OutcomeLetter, letter_id)
    if letter is None or letter.state == LetterState.READY:
        return  # gone with its decision, or already built by an earlier attempt
    letter.state = LetterState.BUILDING
    db.session.commit()  # so the page can say it is being built
    try:
        pdf = letter_pdf(letter.decision)
        stored = get_storage().save_stream(io.BytesIO(pdf), MAX_LETTER_BYTES)
    except Exception as error:
        db.session.rollback()
        letter = db.session.get(OutcomeLetter, letter_id)
        letter.state, letter.last_error = LetterState.FAILED, type(error).__name__[:120]
        db.session.commit()
        raise
    letter.state, letter.stored_name, letter.built_at = (
        LetterState.READY, stored.stored_name, utcnow())
