"""Wiring Flask-Login to the user table, with per-user session tokens."""

import functools
import secrets

from flask import g, request, url_for
from flask import session as flask_session
from flask_login import login_user
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.core.db import db
from portal.core.extensions import login_manager
from portal.core.htmx import render
from portal.notifications.models import Notification


@functools.cache
def _user_statement():
    """The signed-in user's query, built once: it runs on every request, and a statement
    object reused keeps its SQL cache key instead of computing it each time.

    The header shows the user's council and unread notifications on every page, and home
    pages their team: all come in this one query, with the roles every access check reads.
    """
    unread = (
        select(func.count(Notification.id))
        .where(Notification.recipient_id == User.id, Notification.read_at.is_(None))
        .correlate(User)
        .scalar_subquery()
    )
    return (
        select(User, unread).where(User.id == bindparam("user_id"))
        .options(joinedload(User.organisation), joinedload(User.team),
                 joinedload(User.role_grants))
    )


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Accept the cookie only while the user's session token is unchanged."""
    user_id, _, token = session_id.partition(".")
    if not user_id.isdigit() or not token:
        return None
    row = db.session.execute(_user_statement(), {"user_id": int(user_id)}).unique().first()
    if row is None:
        return None
    user, unread_count = row
    if not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    g.unread_notification_count = unread_count or 0
    return user


@login_manager.unauthorized_handler
def unauthorised():
    """Send people to sign in; htmx requests get an explanation instead of a redirect."""
    if getattr(request, "htmx", None):
        return session_ended_fragment(401)
    from flask import redirect

    next_path = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("accounts.sign_in", next=next_path), code=303)


def session_ended_fragment(status: int):
    """Tell an htmx user their session ended, in the live region, leaving the form as it is.

    Retargeting to the notification area means the text someone was writing is not
    replaced by the message.
    """
    response = render("accounts/_session_ended.html", status=status,
                      sign_in_url=url_for("accounts.sign_in"))
    response.headers["HX-Retarget"] = "#notifications"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


def start_session(user: User) -> None:
    """Rotate the session at sign-in so nothing from before it carries over."""
    flask_session.clear()
    login_user(user)
    flask_session.permanent = True
