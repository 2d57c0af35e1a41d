"""Read models for panel pages."""

from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from portal.accounts.models import User
from portal.core.db import db
from portal.organisations.models import Team
from portal.panels.models import AgendaItem, MemberNote, Panel, PanelDecision, PanelMember
from portal.portfolios.models import Portfolio
from portal.portfolios.reviews.models import ReviewReport
from portal.programmes.models import Programme


def agenda_rows(panel_id: int, member_id: int) -> list:
    """The panel's agenda in order, one row per item with what the table shows as plain
    values: reference, state, programme, the latest decision and `member_id`'s own
    provisional view. Loading items, portfolios, people, notes and decisions as objects
    (three queries) was most of the page's time.

    The candidate's, their team's and their assessor's names leave the database only for
    an item whose identity the chair has revealed; otherwise they are None.
    """
    candidate, assessor = aliased(User), aliased(User)
    revealed = AgendaItem.identity_revealed_at.is_not(None)

    def once_revealed(column):
        return case((revealed, column), else_=None)

    latest_decision = (
        select(PanelDecision.decision_label)
        .where(PanelDecision.agenda_item_id == AgendaItem.id)
        .order_by(PanelDecision.id.desc()).limit(1)
        .correlate(AgendaItem).scalar_subquery())
    my_view = (
        select(MemberNote.provisional_view)
        .where(MemberNote.agenda_item_id == AgendaItem.id, MemberNote.member_id == member_id)
        .correlate(AgendaItem).scalar_subquery())
    return db.session.execute(
        select(AgendaItem.id, AgendaItem.reference, AgendaItem.state,
               Programme.name.label("programme_name"),
               once_revealed(candidate.name).label("candidate_name"),
               once_revealed(Team.name).label("team_name"),
               once_revealed(assessor.name).label("assessor_name"),
               latest_decision.label("decision_label"),
               my_view.label("provisional_view"))
        .join(Portfolio, Portfolio.id == AgendaItem.portfolio_id)
        .join(Programme, Programme.id == Portfolio.programme_id)
        .join(candidate, candidate.id == Portfolio.candidate_id)
        .outerjoin(Team, Team.id == candidate.team_id)
        .outerjoin(ReviewReport, ReviewReport.id == AgendaItem.report_id)
        .outerjoin(assessor, assessor.id == ReviewReport.assessor_id)
        .where(AgendaItem.panel_id == panel_id, AgendaItem.state != "removed")
        .order_by(AgendaItem.position, AgendaItem.id)
    ).all()


def member_panels(user_id: int, organisation_id: int, today: date,
                  past: int = 5) -> tuple[list, list]:
    """(upcoming, recent) panels the person sits on, for their home page: upcoming soonest
    first, then the `past` latest that have sat. Each row has the panel's id, title, date,
    whether the person chairs it, whether it was cancelled, and its portfolios waiting for
    a decision and decided."""
    def count(state):
        return (select(func.count(AgendaItem.id))
                .where(AgendaItem.panel_id == Panel.id, AgendaItem.state == state)
                .correlate(Panel).scalar_subquery())

    columns = select(Panel.id, Panel.title, Panel.sits_on,
                     (Panel.chair_id == user_id).label("is_chair"),
                     Panel.cancelled_at.is_not(None).label("cancelled"),
                     count("waiting").label("waiting"), count("decided").label("decided")
                     ).join(PanelMember, PanelMember.panel_id == Panel.id).where(
        PanelMember.user_id == user_id, Panel.organisation_id == organisation_id)
    upcoming = db.session.execute(columns.where(Panel.sits_on >= today)
                                  .order_by(Panel.sits_on, Panel.id)).all()
    recent = db.session.execute(columns.where(Panel.sits_on < today)
                                .order_by(Panel.sits_on.desc(), Panel.id.desc())
                                .limit(past)).all()
    return upcoming, recent
