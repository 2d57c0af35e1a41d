"""A panel's agenda: which portfolios go on it (and come off it again, with a reason),
members' private notes and provisional views, and the chair revealing who a candidate is.

Each function takes the actor, checks what it must, writes an audit row, flushes and
leaves the commit to the view.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.assignments.access import current_staff
from portal.assignments.models import AssignmentRole
from portal.core import audit
from portal.core.db import db, utcnow
from portal.notifications.operations import notify
from portal.panels.conflicts import conflict_for, item_conflicts
from portal.panels.errors import PanelError
from portal.panels.models import AgendaItem, MemberNote, Panel
from portal.portfolios import operations as portfolio_operations
from portal.portfolios.models import Portfolio, PortfolioState
from portal.portfolios.reviews.models import ReviewReport
from portal.programmes.models import Outcome


def final_report(portfolio: Portfolio) -> ReviewReport | None:
    """The signed-off final report for the portfolio's current submission, if any."""
    return db.session.scalar(select(ReviewReport).where(
        ReviewReport.portfolio_id == portfolio.id,
        ReviewReport.snapshot_id == portfolio.current_snapshot_id,
        ReviewReport.is_final.is_(True), ReviewReport.state == "signed_off",
        ReviewReport.outcome == "completed", ReviewReport.recommendation.is_not(None)))


def eligible_portfolios(panel: Panel) -> list[Portfolio]:
    """Portfolios of the panel's programmes that have a final recommendation and are not
    already on an agenda."""
    programme_ids = [p.id for p in panel.programmes]
    return db.session.scalars(
        select(Portfolio).join(ReviewReport, ReviewReport.snapshot_id ==
                               Portfolio.current_snapshot_id)
        .where(Portfolio.organisation_id == panel.organisation_id,
               Portfolio.programme_id.in_(programme_ids),
               Portfolio.state == PortfolioState.UNDER_ASSESSMENT.value,
               ReviewReport.is_final.is_(True), ReviewReport.state == "signed_off",
               ReviewReport.outcome == "completed")
        .order_by(Portfolio.id)
    ).all()


def _new_reference() -> str:
    while True:
        reference = "P-" + secrets.token_hex(3).upper()
        if not db.session.scalar(select(func.count(AgendaItem.id)).where(
                AgendaItem.reference == reference)):
            return reference


def place_on_agenda(actor: User, panel: Panel, portfolio: Portfolio) -> AgendaItem:
    """Put a portfolio on the agenda. A member with a conflict of interest does not stop
    it (the view warns; that member cannot sit on the item, and the quorum is counted
    without them)."""
    if panel.organisation_id != actor.organisation_id or portfolio.organisation_id != \
            actor.organisation_id:
        raise PanelError("That portfolio cannot go on this panel")
    if not panel.is_scheduled:
        raise PanelError("This panel was cancelled or has closed")
    if portfolio.programme_id not in {p.id for p in panel.programmes}:
        raise PanelError("This panel does not consider that programme")
    # Two organisers adding the same portfolio at once: the second waits here, then finds
    # the first one's open item below and is refused.
    portfolio_operations.lock(portfolio)
    report = final_report(portfolio)
    if report is None:
        raise PanelError("Only a submitted portfolio with a signed-off final recommendation "
                         "can go on an agenda")
    open_item = db.session.scalar(select(AgendaItem).where(
        AgendaItem.portfolio_id == portfolio.id, AgendaItem.state == "waiting"))
    if open_item is not None:
        raise PanelError("This portfolio is already on an open agenda")
    # Through the relationship, so the panel's agenda in this session includes it.
    item = AgendaItem(portfolio_id=portfolio.id, snapshot_id=portfolio.current_snapshot_id,
                      report_id=report.id, reference=_new_reference(),
                      position=len(panel.agenda))
    panel.agenda.append(item)
    db.session.flush()
    portfolio_operations.place_on_panel(actor, portfolio, item.id)
    audit.record(actor, "agenda_item_added", item, organisation_id=panel.organisation_id,
                 panel_id=panel.id, portfolio_id=portfolio.id)
    notify(portfolio.candidate_id, f"Your portfolio will go to the panel on "
           f"{panel.sits_on.day} {panel.sits_on:%B %Y}.", f"/portfolios/{portfolio.id}")
    assessor = current_staff(portfolio.candidate_id, AssignmentRole.ASSESSOR)
    if assessor is not None:
        notify(assessor.id, f"A portfolio has been placed on the agenda of '{panel.title}'.",
               f"/portfolios/{portfolio.id}")
    return item


def take_off_agenda(actor: User, item: AgendaItem, reason: str) -> None:
    """Take a portfolio off the agenda before the panel decides: the item keeps the reason,
    and the portfolio goes back to waiting for a panel, as it was before it was placed."""
    panel = item.panel
    if panel.organisation_id != actor.organisation_id:
        raise PanelError("You cannot change this panel's agenda")
    if item.state != "waiting":
        raise PanelError("Only a portfolio the panel has not decided can be taken off "
                         "the agenda")
    if not reason.strip():
        raise PanelError("Explain why the portfolio is taken off the agenda", "reason")
    item.state = "removed"
    item.removed_at = utcnow()
    item.removal_reason = reason.strip()[:2000]
    db.session.flush()  # bumps the version: a chair's open decision form now conflicts
    portfolio = item.portfolio
    portfolio_operations.take_off_panel(actor, portfolio, item.id)
    audit.record(actor, "agenda_item_removed", item, organisation_id=panel.organisation_id,
                 panel_id=panel.id, portfolio_id=portfolio.id)
    notify(portfolio.candidate_id, f"Your portfolio is no longer on the agenda of the panel "
           f"on {panel.sits_on.day} {panel.sits_on:%B %Y}. It will go to a later panel.",
           f"/portfolios/{portfolio.id}")
    assessor = current_staff(portfolio.candidate_id, AssignmentRole.ASSESSOR)
    if assessor is not None:
        notify(assessor.id, f"A portfolio was taken off the agenda of '{panel.title}'.",
               f"/portfolios/{portfolio.id}")


def save_member_note(member: User, item: AgendaItem, notes: str,
                     provisional_view: str | None) -> MemberNote:
    if not item.panel.has_member(member.id):
        raise PanelError("Only members of this panel can record notes")
    if conflict_for(item, member) is not None:
        raise PanelError("You have a conflict of interest with this portfolio and do not "
                         "sit on it")
    if provisional_view and provisional_view not in {o.value for o in Outcome}:
        raise PanelError("Choose a provisional view", "provisional_view")
    note = db.session.scalar(select(MemberNote).where(
        MemberNote.agenda_item_id == item.id, MemberNote.member_id == member.id))
    if note is None:
        note = MemberNote(agenda_item_id=item.id, member_id=member.id)
        db.session.add(note)
    note.notes = notes.strip()[:10000]
    note.provisional_view = provisional_view or None
    db.session.flush()
    audit.record(member, "provisional_view_recorded", item,
                 organisation_id=item.panel.organisation_id, view=note.provisional_view)
    return note


@dataclass(frozen=True)
class ProvisionalView:
    member_name: str
    view: str | None
    updated_at: datetime | None
    is_chair: bool


def provisional_views(item: AgendaItem) -> list[ProvisionalView]:
    """Each member's provisional view on the item (None before they form one), for the
    chair; members with a conflict of interest do not sit on it and are left out. Their
    private notes stay private."""
    panel = item.panel
    people = [member.user for member in panel.members]
    conflicted = {c.person.id for c in item_conflicts([item], people)}
    notes = {note.member_id: note for note in db.session.scalars(
        select(MemberNote).where(MemberNote.agenda_item_id == item.id))}
    return [ProvisionalView(person.name, notes[person.id].provisional_view
                            if person.id in notes else None,
                            notes[person.id].updated_at if person.id in notes else None,
                            person.id == panel.chair_id)
            for person in sorted(people, key=lambda p: (p.name, p.id))
            if person.id not in conflicted]


def reveal_identity(chair: User, item: AgendaItem) -> None:
    if item.panel.chair_id != chair.id:
        raise PanelError("Only the chair can reveal who the candidate is")
    if item.state != "decided":
        raise PanelError("The candidate's identity can be revealed once the panel has decided")
    if item.identity_revealed_at is None:
        item.identity_revealed_at = utcnow()
        item.revealed_by_id = chair.id
        db.session.flush()
        audit.record(chair, "identity_revealed", item, organisation_id=item.panel.organisation_id)
