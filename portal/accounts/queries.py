"""Reading accounts."""

from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from portal.accounts.models import User, UserRole
from portal.core.db import db
from portal.notifications.models import Notification
from portal.organisations.models import Organisation, Team


class SignedInUser(NamedTuple):
    user: User
    unread_notifications: int | None
    roles: str | None  # comma-separated role values
    organisation_name: str
    team_name: str | None


def signed_in_user(user_id: int) -> SignedInUser | None:
    """The account behind a session, in one query.

    Every page shows the user's council and unread notifications, home pages their team,
    and every access check reads their roles: all come in this one row, as plain values
    (objects for the council, team and each role cost more to build than the query).
    """
    unread = (
        select(func.count(Notification.id))
        .where(Notification.recipient_id == User.id, Notification.read_at.is_(None))
        .correlate(User)
        .scalar_subquery()
    )
    roles = (
        select(func.aggregate_strings(UserRole.role, ","))
        .where(UserRole.user_id == User.id)
        .correlate(User)
        .scalar_subquery()
    )
    row = db.session.execute(
        select(User, unread, roles, Organisation.name, Team.name)
        .join(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(Team, Team.id == User.team_id)
        .where(User.id == user_id)
        .options(lazyload(User.role_grants))
    ).first()
    return None if row is None else SignedInUser(*row)
