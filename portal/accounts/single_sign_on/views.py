"""Signing in with the council's account: start, the provider's answer, and proving an
existing portal account once to link it."""

import time

import requests
from authlib.common.errors import AuthlibBaseError
from flask import Blueprint, abort, current_app, request, session, url_for
from flask_login import current_user
from joserfc.errors import JoseError

from portal.accounts import operations as accounts
from portal.accounts.models import User
from portal.accounts.session import start_session
from portal.accounts.single_sign_on import operations
from portal.accounts.single_sign_on.client import (
    SignOnRefused,
    checked_metadata,
    council_client,
)
from portal.accounts.single_sign_on.forms import ProveAccountForm
from portal.accounts.single_sign_on.models import CouncilSignOn
from portal.accounts.throttle import throttled_like_sign_in
from portal.core.access import public
from portal.core.db import db
from portal.core.extensions import limiter
from portal.core.htmx import redirect_to, render
from portal.core.urls import is_safe_next

bp = Blueprint("sign_on", __name__, url_prefix="/sign-in/council")

# Session keys: a sign-in sent to the provider, and an answer waiting for the password.
STARTED = "council_sign_in_started"
WAITING_FOR_PASSWORD = "council_sign_in_link"  # noqa: S105 (a session key)
STARTED_SECONDS = 10 * 60
LINK_SECONDS = 10 * 60
# Everything the provider exchange can raise: its protocol errors, a token that fails
# validation (signature, issuer, audience, nonce, expiry) and the network.
PROVIDER_ERRORS = (AuthlibBaseError, JoseError, SignOnRefused, requests.RequestException,
                   ValueError, KeyError, RuntimeError)


def _unavailable(registration: CouncilSignOn, reason: str):
    operations.record_refused(registration, reason)
    db.session.commit()
    return render("accounts/sign_on/refused.html", registration=registration,
                  unavailable=True, status=502)


def _refused(registration: CouncilSignOn | None, reason: str):
    if registration is not None:
        operations.record_refused(registration, reason)
        db.session.commit()
    return render("accounts/sign_on/refused.html", registration=registration,
                  unavailable=False, status=403)


@bp.route("/<int:registration_id>")
@public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"])
def start(registration_id: int):
    registration = operations.enabled_registration(registration_id)
    if registration is None:
        abort(404)
    client = council_client(registration)
    try:
        checked_metadata(client, registration)
    except PROVIDER_ERRORS:
        return _unavailable(registration, "provider_unavailable_or_wrong_issuer")
    next_path = request.args.get("next")
    session[STARTED] = {"registration_id": registration.id, "until": int(time.time()) +
                        STARTED_SECONDS, "next": next_path if is_safe_next(next_path) else None}
    return client.authorize_redirect(url_for("sign_on.callback", _external=True))


def _started() -> dict | None:
    started = session.pop(STARTED, None)
    if not isinstance(started, dict) or started.get("until", 0) < time.time():
        return None
    return started


@bp.route("/callback")
@public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"])
def callback():
    started = _started()
    registration = started and operations.enabled_registration(started["registration_id"])
    if not registration:
        return _refused(None, "expired")
    client = council_client(registration)
    try:
        checked_metadata(client, registration)
        token = client.authorize_access_token()
        claims = token.get("userinfo")
        if not claims:
            raise SignOnRefused("no ID token")
        person = operations.person_from_claims(claims)
    except PROVIDER_ERRORS:
        return _refused(registration, "provider_answer_refused")
    outcome = operations.decide(registration, person)
    if outcome.ask_password:
        db.session.commit()
        session[WAITING_FOR_PASSWORD] = {
            "registration_id": registration.id, "subject": person.subject,
            "user_id": outcome.user.id, "until": int(time.time()) + LINK_SECONDS,
            "next": started["next"]}
        return redirect_to(url_for("sign_on.link"))
    if outcome.user is None:
        return _refused(registration, "not_linked")
    return _sign_in(outcome.user, registration, started["next"])


def _sign_in(user, registration: CouncilSignOn, next_path: str | None):
    operations.record_sign_on(user)
    db.session.commit()
    start_session(user, provider_name=registration.provider_name)
    return redirect_to(next_path or url_for("home.index"))


def _waiting() -> tuple[dict, CouncilSignOn] | None:
    waiting = session.get(WAITING_FOR_PASSWORD)
    if not isinstance(waiting, dict) or waiting.get("until", 0) < time.time():
        return None
    registration = operations.enabled_registration(waiting["registration_id"])
    return (waiting, registration) if registration is not None else None


def _waiting_account() -> str:
    waiting = session.get(WAITING_FOR_PASSWORD)
    return f"link:{waiting.get('user_id')}" if isinstance(waiting, dict) else "link:none"


@bp.route("/link", methods=["GET", "POST"])
@public
@throttled_like_sign_in(_waiting_account)
def link():
    """Someone the provider vouches for has the address of a portal account: they prove
    that account's password once, and from then on the provider signs them in."""
    if current_user.is_authenticated:
        return redirect_to(url_for("home.index"))
    found = _waiting()
    if found is None:
        session.pop(WAITING_FOR_PASSWORD, None)
        return _refused(None, "expired")
    waiting, registration = found
    user = db.session.get(User, waiting["user_id"])
    form = ProveAccountForm()
    if form.validate_on_submit():
        proven = accounts.authenticate(user.email, form.password.data)
        if proven is not None and proven.id == user.id:
            try:
                operations.link(user, user, registration, waiting["subject"],
                                operations.LINKED_BY_PASSWORD)
            except accounts.AccountError:
                db.session.rollback()
                session.pop(WAITING_FOR_PASSWORD, None)
                return _refused(registration, "already_linked")
            session.pop(WAITING_FOR_PASSWORD, None)
            return _sign_in(user, registration, waiting["next"])
        accounts.record_failed_sign_in(user.email)
        db.session.commit()
        form.password.errors.append("The password is not correct")
    status = 400 if form.errors else 200
    return render("accounts/sign_on/link.html", form=form, registration=registration,
                  email=user.email, status=status)
