"""Wiring Flask-Login to the user table, with per-user session tokens."""

import secrets
import time

from flask import current_app, g, request, url_for
from flask import session as flask_session
from flask_login import login_user

from portal.accounts import queries, two_factor
from portal.accounts.models import User
from portal.core.db import db
from portal.core.errors import session_ended_fragment
from portal.core.extensions import login_manager

SIGNED_IN_AT = "signed_in_at"  # session key: when this session began (seconds)
# Session key: this person's role needs two-factor sign-in and they have not set it up, so
# they may only set it up or sign out (portal.accounts.two_factor_views).
TWO_FACTOR_SET_UP_NEEDED = "two_factor_set_up_needed"
# Session key: the password was right; the account waits for a code from the app.
AWAITING_CODE = "awaiting_two_factor_code"
AWAITING_CODE_SECONDS = 5 * 60
# Session key: the name of the council's provider this session signed in through.
SIGNED_IN_WITH_PROVIDER = "signed_in_with_provider"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Accept the cookie only while the user's session token is unchanged."""
    user_id, _, token = session_id.partition(".")
    if not user_id.isdigit() or not token or not _within_session_hours():
        return None
    row = queries.signed_in_user(int(user_id))
    if row is None:
        return None
    user, unread_count, roles, organisation_name, team_name = row
    if not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    user.remember_loaded(roles, organisation_name, team_name)
    g.unread_notification_count = unread_count or 0
    return user


def _within_session_hours() -> bool:
    """A session ends SESSION_HOURS after sign-in, however busy it has been. (The cookie's
    own signature dates from the session's last change, which a flash message renews.)"""
    started = flask_session.get(SIGNED_IN_AT)
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    return isinstance(started, int) and 0 <= time.time() - started <= lifetime


@login_manager.unauthorized_handler
def unauthorised():
    """Send people to sign in; htmx requests get an explanation instead of a redirect."""
    if getattr(request, "htmx", None):
        return session_ended_fragment(401)
    from flask import redirect

    next_path = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("accounts.sign_in", next=next_path), code=303)


def start_session(user: User, provider_name: str | None = None) -> None:
    """Rotate the session at sign-in so nothing from before it carries over.

    `provider_name` is the council's identity provider when the person signed in through
    it: the provider then owns the second factor (Entra ID's conditional access), so the
    portal's own authenticator-app requirement is for password sign-ins only.
    """
    flask_session.clear()
    login_user(user)
    flask_session[SIGNED_IN_AT] = int(time.time())
    flask_session.permanent = True
    if provider_name:
        flask_session[SIGNED_IN_WITH_PROVIDER] = provider_name
        return
    # Decided once, at sign-in, so other pages need no query to know. A role or council
    # setting that changes later applies from the next sign-in (a role change signs out).
    if two_factor.is_required(user) and not two_factor.is_on(user):
        flask_session[TWO_FACTOR_SET_UP_NEEDED] = True


def provider_signed_in_with() -> str | None:
    """The council provider this session signed in through, if it did."""
    return flask_session.get(SIGNED_IN_WITH_PROVIDER)


def await_code(user: User, next_path: str | None) -> None:
    """The password was right but the account has two-factor sign-in: remember who is
    half signed in, for a few minutes, while the code page asks for the code."""
    flask_session.clear()
    flask_session[AWAITING_CODE] = {
        "user_id": user.id, "token": user.session_token, "next": next_path,
        "until": int(time.time()) + AWAITING_CODE_SECONDS}


def awaiting_code() -> tuple[User, str | None] | None:
    """The account waiting for its code and where to go next, or None when nobody is
    waiting, the wait has run out, or the account has changed since (password, sign-out
    everywhere, deactivation)."""
    waiting = flask_session.get(AWAITING_CODE)
    if not isinstance(waiting, dict) or waiting.get("until", 0) < time.time():
        return None
    user = db.session.get(User, waiting["user_id"])
    if user is None or not user.active or not secrets.compare_digest(
            user.session_token, waiting["token"]):
        return None
    return user, waiting["next"]


def awaiting_user_id() -> int | None:
    """Who the code page is for, without a query (the throttle's key)."""
    waiting = flask_session.get(AWAITING_CODE)
    return waiting.get("user_id") if isinstance(waiting, dict) else None
