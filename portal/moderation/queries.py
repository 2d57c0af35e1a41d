"""Read models for moderation: what a round may sample, the moderators a lead may choose,
the outcome in force for each agenda item, and the consistency of assessors' recommendations."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.accounts.models import User, UserRole
from portal.accounts.roles import Role
from portal.core.db import db
from portal.moderation.models import ModerationRound, PanelConfirmation, round_council
from portal.moderation.sampling import Candidate
from portal.organisations.models import Organisation
from portal.panels.models import AgendaItem, Panel, PanelDecision
from portal.partnerships.models import SharedPurpose
from portal.partnerships.queries import councils_sharing_with
from portal.portfolios.reviews.models import ReviewReport


def council_moderators(organisation_id: int) -> list[User]:
    """Active people of the council holding the external moderator role."""
    return db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(User.organisation_id == organisation_id, User.active.is_(True),
               UserRole.role == Role.EXTERNAL_MODERATOR.value)
        .order_by(User.name, User.id)).all()


def councils_sharing_moderation(organisation_id: int, day: date) -> list[Organisation]:
    """The councils that share their external moderation with this council on `day`."""
    ids = councils_sharing_with(organisation_id, SharedPurpose.EXTERNAL_MODERATION, day)
    return db.session.scalars(select(Organisation).where(Organisation.id.in_(ids))
                              .order_by(Organisation.name)).all()


def outcomes_in_force(item_ids) -> dict[int, str]:
    """{agenda item id: the outcome of its latest decision (a correction replaces the one
    it corrects)}."""
    if not item_ids:
        return {}
    latest = {}
    for item_id, outcome in db.session.execute(
            select(PanelDecision.agenda_item_id, PanelDecision.outcome)
            .where(PanelDecision.agenda_item_id.in_(item_ids))
            .order_by(PanelDecision.decided_at, PanelDecision.id)):
        latest[item_id] = outcome
    return latest


def decided_in_period(moderation_round: ModerationRound, today: date) -> list[Candidate]:
    """Every decided agenda item of the round's councils whose panel sat in the period: the
    round's own council, and each other council only while it still shares its external
    moderation with the round's (so neither a late draw nor the summary report reads a
    council that has stopped sharing)."""
    councils = {moderation_round.organisation_id} | councils_sharing_with(
        moderation_round.organisation_id, SharedPurpose.EXTERNAL_MODERATION, today)
    rows = db.session.execute(
        select(AgendaItem.id, Panel.organisation_id)
        .join(Panel, Panel.id == AgendaItem.panel_id)
        .join(round_council, round_council.c.organisation_id == Panel.organisation_id)
        .where(round_council.c.round_id == moderation_round.id,
               Panel.organisation_id.in_(councils),
               AgendaItem.state == "decided",
               Panel.sits_on.between(moderation_round.period_start,
                                     moderation_round.period_end))).all()
    outcomes = outcomes_in_force([row.id for row in rows])
    return [Candidate(row.id, row.organisation_id, outcomes[row.id])
            for row in rows if row.id in outcomes]


@dataclass
class AssessorConsistency:
    """How often the panel confirmed one assessor's recommendations."""

    assessor: str
    items: int = 0
    confirmed: int = 0

    @property
    def not_confirmed(self) -> int:
        return self.items - self.confirmed


def consistency(organisation_id: int) -> list[AssessorConsistency]:
    """Per assessor (the author of each item's report), the items the panel moderated and
    how many recommendations it confirmed, for the council's lead."""
    rows = db.session.execute(
        select(User.id, User.name, PanelConfirmation.confirms)
        .join(AgendaItem, AgendaItem.id == PanelConfirmation.agenda_item_id)
        .join(Panel, Panel.id == AgendaItem.panel_id)
        .join(ReviewReport, ReviewReport.id == AgendaItem.report_id)
        .join(User, User.id == ReviewReport.assessor_id)
        .where(Panel.organisation_id == organisation_id)).all()
    by_assessor: dict[int, AssessorConsistency] = {}
    for user_id, name, confirms in rows:
        row = by_assessor.setdefault(user_id, AssessorConsistency(name))
        row.items += 1
        row.confirmed += int(confirms)
    return sorted(by_assessor.values(), key=lambda row: row.assessor)
