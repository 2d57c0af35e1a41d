"""Who may open a panel, an agenda item, a decision or a review request: each loader owns
its 404, so that another council's (or another person's) panel work is not given away."""


from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.accounts.roles import Role
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.panels.conflicts import conflict_for
from portal.panels.models import (
    AgendaItem,
    DecisionReviewRequest,
    Panel,
    PanelDecision,
)
from portal.partnerships.models import SharedPurpose
from portal.partnerships.queries import shares
from portal.visibility import Kind, require


def get_panel_in_my_organisation(panel_id: int) -> Panel:
    panel = db.session.get(Panel, panel_id)
    if panel is None or panel.organisation_id != current_user.organisation_id:
        abort(404)
    return panel


def get_panel_for_member(panel_id: int) -> Panel:
    """The panel, for its members (the chair included); anyone else gets 404."""
    # Members are read for the check and programmes for the heading: one query for all.
    panel = db.session.get(Panel, panel_id, options=[joinedload(Panel.members),
                                                     joinedload(Panel.programmes)])
    if panel is None or not panel.has_member(current_user.id):
        abort(404)
    if not sits_for_council(current_user, panel.organisation_id):
        abort(404)
    return panel


def sits_for_council(user, organisation_id: int) -> bool:
    """A member sits on their own council's panels, and on another council's only while
    that council shares its panel membership with theirs (a teaching partnership)."""
    return shares(organisation_id, user.organisation_id, SharedPurpose.PANEL_MEMBERSHIP,
                  today_in_england())


def get_item_or_404(panel: Panel, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.panel_id != panel.id or item.state == "removed":
        abort(404)
    return item


def get_sitting_item_or_404(panel: Panel, item_id: int) -> AgendaItem:
    """The item, for a member who may sit on it: a conflict of interest gives 404."""
    item = get_item_or_404(panel, item_id)
    if conflict_for(item, current_user) is not None:
        abort(404)
    return item


def is_council_lead(user, organisation_id: int, *, admins: bool = True) -> bool:
    """A programme lead (or, unless `admins` is False, an administrator) of this council."""
    roles = (Role.PROGRAMME_LEAD, Role.ADMINISTRATOR) if admins else (Role.PROGRAMME_LEAD,)
    return user.organisation_id == organisation_id and user.has_any_role(*roles)


def get_item_for_chair_or_404(panel_id: int, item_id: int) -> AgendaItem:
    """The agenda item, for the panel's chair only (members and everyone else get 404);
    an item taken off the agenda is gone for the chair too."""
    item = db.session.get(AgendaItem, item_id)
    if (item is None or item.panel_id != panel_id or item.state == "removed"
            or item.panel.organisation_id != current_user.organisation_id
            or item.panel.chair_id != current_user.id):
        abort(404)
    return item


def get_decision_or_404(decision_id: int, kind: Kind = Kind.DECISION) -> PanelDecision:
    """The decision (or, with Kind.OUTCOME_LETTER, its letter) for whoever the visibility
    table lets read it: the panel, the candidate, their assessor, the council's leads."""
    decision = db.session.get(PanelDecision, decision_id)
    if decision is None:
        abort(404)
    panel = decision.agenda_item.panel
    if panel.organisation_id != current_user.organisation_id:
        abort(404)
    require(kind, decision.agenda_item.portfolio.candidate_id,
            on_panel=panel.has_member(current_user.id))
    return decision


def get_review_request_or_404(request_id: int) -> DecisionReviewRequest:
    review = db.session.get(DecisionReviewRequest, request_id)
    if review is None or not is_council_lead(
            current_user, review.decision.agenda_item.panel.organisation_id, admins=False):
        abort(404)
    return review
