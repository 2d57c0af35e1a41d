"""Who sat on the panel, and whether enough did to decide.

The quorum: the panel can decide on a portfolio when attendance has been recorded, its
chair is present, and at least `panel.min_members` members (the chair counted) are present
without a conflict of interest with that portfolio. Each panel sets `min_members` when it
is made (3 unless the programme lead chooses otherwise).
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.core import audit
from portal.core.dates import today_in_england
from portal.core.db import db, utcnow
from portal.panels.conflicts import REASONS, conflict_for, item_conflicts
from portal.panels.errors import PanelError
from portal.panels.models import AgendaItem, Panel, PanelMember
from portal.partnerships.models import SharedPurpose
from portal.partnerships.queries import shares


def seated_member_ids(panel: Panel, today: date) -> set[int]:
    """The members who may sit today: the council's own, and guests from a partnership
    council only while the panel's council shares its panel membership with theirs (a
    guest whose grant has ended is neither recorded present nor counted)."""
    guest_councils = {m.user.organisation_id for m in panel.members} - {panel.organisation_id}
    allowed = {panel.organisation_id} | {
        council for council in guest_councils
        if shares(panel.organisation_id, council, SharedPurpose.PANEL_MEMBERSHIP, today)}
    return {m.user_id for m in panel.members if m.user.organisation_id in allowed}


def record_attendance(chair: User, panel: Panel, present_ids: set[int], today: date) -> None:
    """The chair records who is present, on or after the panel's date. It can be recorded
    again (someone arrives late) until the panel's first decision."""
    if panel.chair_id != chair.id:
        raise PanelError("Only the panel chair can record who is present")
    if not panel.is_scheduled:
        raise PanelError("This panel was cancelled or has closed")
    if today < panel.sits_on:
        raise PanelError(f"Attendance can be recorded on or after the panel's date "
                         f"({panel.sits_on.day} {panel.sits_on:%B %Y})", "present_ids")
    if any(item.state == "decided" for item in panel.agenda):
        raise PanelError("The panel has recorded a decision: who was present can no longer "
                         "change", "present_ids")
    if not present_ids <= seated_member_ids(panel, today):
        raise PanelError("Choose members of this panel", "present_ids")
    for member in panel.members:
        member.present = member.user_id in present_ids
    panel.attendance_recorded_at = utcnow()
    db.session.flush()
    audit.record(chair, "panel_attendance_recorded", panel,
                 organisation_id=panel.organisation_id, present=len(present_ids),
                 members=len(panel.members))


@dataclass(frozen=True)
class Quorum:
    needed: int  # members present without a conflict, the chair counted
    sitting: int  # members present without a conflict
    recorded: bool  # attendance has been recorded
    chair_present: bool
    chair_conflict: str | None  # why the chair may not decide this item, if they may not

    @property
    def met(self) -> bool:
        return (self.recorded and self.chair_present and self.chair_conflict is None
                and self.sitting >= self.needed)


def item_quorum(item: AgendaItem) -> Quorum:
    """The quorum for deciding `item`: members with a conflict of interest do not count."""
    panel = item.panel
    conflicts = {c.person.id: c.reason for c in item_conflicts(
        [item], [member.user for member in panel.members])}
    present = {m.user_id for m in panel.members if m.present} & seated_member_ids(
        panel, today_in_england())
    return Quorum(needed=panel.min_members, sitting=len(present - set(conflicts)),
                  recorded=panel.attendance_recorded_at is not None,
                  chair_present=panel.chair_id in present,
                  chair_conflict=conflicts.get(panel.chair_id))


def check_ready_to_decide(chair: User, item: AgendaItem, today: date) -> None:
    """Refuse a decision before the panel sits, without attendance, by a chair with a
    conflict of interest, or without a quorum, saying which."""
    panel = item.panel
    if not panel.is_scheduled:
        raise PanelError("This panel was cancelled or has closed: it cannot decide")
    if today < panel.sits_on:
        raise PanelError(f"A decision can be recorded on or after the panel's date "
                         f"({panel.sits_on.day} {panel.sits_on:%B %Y})")
    reason = conflict_for(item, chair)
    if reason is not None:
        raise PanelError(f"You have a conflict of interest: {chair.name} "
                         f"{REASONS[reason]}. Another chair must decide this portfolio")
    quorum = item_quorum(item)
    if not quorum.recorded:
        raise PanelError("Record who is present at the panel before recording a decision")
    if not quorum.chair_present:
        raise PanelError("The chair must be recorded as present to record a decision")
    if not quorum.met:
        raise PanelError(f"The panel is not quorate for this portfolio: it needs "
                         f"{quorum.needed} members present without a conflict of interest, "
                         f"including the chair, and has {quorum.sitting}")


def deactivation_warnings(user: User) -> list[str]:
    """What deactivating `user` would do to the upcoming panels they sit on: a chair's
    panel needs a new chair, and a panel left with fewer active members than its quorum
    cannot decide. Shown to the administrator before and after deactivating."""
    panels = db.session.scalars(
        select(Panel).join(PanelMember, PanelMember.panel_id == Panel.id)
        .where(PanelMember.user_id == user.id, Panel.status == "scheduled",
               Panel.cancelled_at.is_(None), Panel.sits_on >= today_in_england())
        .options(selectinload(Panel.members).selectinload(PanelMember.user))
        .order_by(Panel.sits_on, Panel.id)).all()
    warnings = []
    for panel in panels:
        when = f"'{panel.title}' on {panel.sits_on.day} {panel.sits_on:%B %Y}"
        if panel.chair_id == user.id:
            warnings.append(f"{user.name} chairs {when}: choose another chair for it.")
            continue
        active = sum(1 for m in panel.members if m.user.active and m.user_id != user.id)
        if active < panel.min_members:
            warnings.append(f"{when} would have {active} active "
                            f"{'member' if active == 1 else 'members'}, fewer than its quorum "
                            f"of {panel.min_members}: add a member to it.")
    return warnings
