"""Panels themselves: scheduling, editing and cancelling them, and telling the council's
programme leads. Agenda, attendance, decisions, corrections and review requests have
their own modules.

Each function takes the actor, checks what it must, writes an audit row, flushes and
leaves the commit to the view.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.accounts.models import User, UserRole
from portal.accounts.roles import Role
from portal.core import audit
from portal.core.dates import today_in_england
from portal.core.db import db, utcnow
from portal.notifications.operations import notify
from portal.panels import agenda
from portal.panels.errors import PanelError
from portal.panels.models import Panel, PanelMember
from portal.partnerships.models import SharedPurpose
from portal.partnerships.queries import councils_shared_with
from portal.programmes.models import Programme


@dataclass
class PanelDetails:
    title: str
    sits_on: date
    chair_id: int
    member_ids: list[int]
    programme_ids: list[int]
    min_members: int = 3


def _check_details(actor: User, details: PanelDetails) -> tuple[User, set[int], list]:
    """The chair, everyone who sits (the chair included) and the programmes, or a refusal."""
    org = actor.organisation_id
    chair = db.session.get(User, details.chair_id)
    if chair is None or chair.organisation_id != org or not chair.has_role(Role.PANEL_CHAIR):
        raise PanelError("Choose a panel chair from your organisation", "chair_id")
    members = [db.session.get(User, member_id) for member_id in set(details.member_ids)]
    # Members may also come from the councils this one shares its panel membership with
    # (a teaching partnership); the chair is always the council's own.
    councils = {org} | councils_shared_with(org, SharedPurpose.PANEL_MEMBERSHIP,
                                            today_in_england())
    if any(m is None or m.organisation_id not in councils or not m.has_any_role(
            Role.PANEL_MEMBER, Role.PANEL_CHAIR) for m in members):
        raise PanelError("Choose panel members from your organisation (or a council that "
                         "sits on its panels)", "member_ids")
    everyone = {m.id for m in members} | {chair.id}
    if len(everyone) < details.min_members:
        raise PanelError(f"A panel needs at least {details.min_members} members including "
                         "the chair", "member_ids")
    programmes = [db.session.get(Programme, p) for p in set(details.programme_ids)]
    if not programmes or any(p is None or p.organisation_id != org for p in programmes):
        raise PanelError("Choose at least one programme", "programme_ids")
    if not details.title.strip():
        raise PanelError("Enter a title for the panel", "title")
    return chair, everyone, programmes


def create_panel(actor: User, details: PanelDetails) -> Panel:
    chair, everyone, programmes = _check_details(actor, details)
    panel = Panel(organisation_id=actor.organisation_id, title=details.title.strip()[:200],
                  sits_on=details.sits_on, chair_id=chair.id,
                  min_members=details.min_members, created_by_id=actor.id)
    panel.programmes = programmes
    panel.members = [PanelMember(user_id=user_id) for user_id in sorted(everyone)]
    db.session.add(panel)
    db.session.flush()
    audit.record(actor, "panel_created", panel, members=len(everyone))
    for user_id in everyone:
        notify(user_id, f"You are on the panel '{panel.title}'.", f"/panels/{panel.id}")
    return panel


def _refuse_unless_open(panel: Panel) -> None:
    if not panel.is_scheduled:
        raise PanelError("This panel was cancelled or has closed: it cannot be changed")
    if any(item.state == "decided" for item in panel.agenda):
        raise PanelError("The panel has recorded a decision: its details can no longer "
                         "be changed")


def update_panel(actor: User, panel: Panel, details: PanelDetails) -> list[str]:
    """Change a scheduled panel that has not decided anything yet. A change of date, chair
    or members clears the attendance recorded, which must then be recorded again. Returns
    the names of the fields that changed."""
    _refuse_unless_open(panel)
    chair, everyone, programmes = _check_details(actor, details)
    waiting_programmes = {item.portfolio.programme_id for item in panel.agenda
                          if item.state == "waiting"}
    if not waiting_programmes <= {p.id for p in programmes}:
        raise PanelError("Take that programme's portfolios off the agenda before removing "
                         "the programme", "programme_ids")
    before = {m.user_id for m in panel.members}
    changed = [name for name, old, new in [
        ("title", panel.title, details.title.strip()[:200]),
        ("sits_on", panel.sits_on, details.sits_on),
        ("chair_id", panel.chair_id, chair.id),
        ("member_ids", before, everyone),
        ("programme_ids", {p.id for p in panel.programmes}, {p.id for p in programmes}),
        ("min_members", panel.min_members, details.min_members)] if old != new]
    panel.title, panel.sits_on = details.title.strip()[:200], details.sits_on
    panel.chair_id, panel.min_members = chair.id, details.min_members
    panel.programmes = programmes
    panel.members = [m for m in panel.members if m.user_id in everyone] + [
        PanelMember(user_id=user_id) for user_id in sorted(everyone - before)]
    if {"sits_on", "chair_id", "member_ids"} & set(changed):
        clear_attendance(panel)
    db.session.flush()
    if changed:
        audit.record(actor, "panel_updated", panel, fields=changed)
    for user_id in sorted(everyone - before):
        notify(user_id, f"You are on the panel '{panel.title}'.", f"/panels/{panel.id}")
    return changed


def clear_attendance(panel: Panel) -> None:
    panel.attendance_recorded_at = None
    for member in panel.members:
        member.present = None


def cancel_panel(actor: User, panel: Panel, reason: str) -> None:
    """Cancel a panel that has not decided anything: its portfolios go back to waiting
    for a panel, and its members and candidates are told."""
    if panel.organisation_id != actor.organisation_id:
        raise PanelError("You cannot cancel this panel")
    _refuse_unless_open(panel)
    if not reason.strip():
        raise PanelError("Explain why the panel is cancelled", "reason")
    for item in [item for item in panel.agenda if item.state == "waiting"]:
        agenda.take_off_agenda(actor, item, "The panel was cancelled.")
    panel.status = "closed"
    panel.cancelled_at = utcnow()
    panel.cancellation_reason = reason.strip()[:2000]
    db.session.flush()
    audit.record(actor, "panel_cancelled", panel)
    for member in panel.members:
        notify(member.user_id, f"The panel '{panel.title}' on {panel.sits_on.day} "
               f"{panel.sits_on:%B %Y} has been cancelled.", f"/panels/{panel.id}")


def notify_programme_leads(organisation_id: int, message: str, link: str) -> None:
    """Tell the council's active programme leads (the views call this after a decision or
    a review request; the workflow functions leave leads out)."""
    leads = db.session.scalars(select(User.id).join(UserRole, UserRole.user_id == User.id).where(
        User.organisation_id == organisation_id, User.active.is_(True),
        UserRole.role == Role.PROGRAMME_LEAD.value)).all()
    for lead_id in leads:
        notify(lead_id, message, link)
