"""Signing in and out, changing and resetting passwords."""

import hashlib
import hmac

from flask import Blueprint, current_app, flash, g, request, session, url_for
from flask_login import current_user, logout_user

from portal.accounts import emails, operations, two_factor
from portal.accounts.forms import (
    ChangePasswordForm,
    RequestResetForm,
    ResetPasswordForm,
    SignInForm,
)
from portal.accounts.session import await_code, provider_signed_in_with, start_session
from portal.accounts.single_sign_on import operations as single_sign_on
from portal.accounts.throttle import throttled_like_sign_in
from portal.core import jobs
from portal.core.access import public, signed_in
from portal.core.db import db
from portal.core.extensions import limiter
from portal.core.htmx import redirect_to, render
from portal.core.urls import is_safe_next

bp = Blueprint("accounts", __name__)

SIGN_IN_FAILED = "Enter a correct email address and password"
# A message, not a password (hence the noqa).
PASSWORD_SIGN_IN_OFF = ("Your council has turned off password sign-in: use the button to "  # noqa: S105
                        "sign in with your council account")


def _attempted_account() -> str:
    """Throttle key for one account, whatever IP the attempts come from.

    A keyed hash of the address, not the address: the limiter writes its keys to the log
    when a limit is reached, and to its store (Redis), neither of which should hold emails.
    """
    email = operations.normalise_email(request.form.get("email", ""))[:254]
    digest = hmac.new(current_app.secret_key.encode(), email.encode(), hashlib.sha256)
    return "account:" + digest.hexdigest()[:32]


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@throttled_like_sign_in(_attempted_account)
def sign_in():
    next_path = request.args.get("next")
    if not is_safe_next(next_path):
        next_path = None
    if current_user.is_authenticated:
        return redirect_to(next_path or url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = operations.authenticate(form.email.data, form.password.data)
        if user is not None and not single_sign_on.password_sign_in_allowed(user):
            db.session.commit()
            form.email.errors.append(PASSWORD_SIGN_IN_OFF)
            return _sign_in_page(form, next_path, status=400)
        if user is not None and two_factor.is_on(user):
            db.session.commit()  # keeps a password hash that authenticate() renewed
            await_code(user, next_path)
            return redirect_to(url_for("two_factor.sign_in_code"))
        if user is not None:
            operations.record_sign_in(user)
            db.session.commit()
            start_session(user)
            return redirect_to(next_path or url_for("home.index"))
        operations.record_failed_sign_in(form.email.data)
        db.session.commit()
        form.email.errors.append(SIGN_IN_FAILED)
        return _sign_in_page(form, next_path, status=400)
    return _sign_in_page(form, next_path, status=400 if form.errors else 200)


def _sign_in_page(form: SignInForm, next_path: str | None, status: int):
    return render("accounts/sign_in.html", form=form, next_path=next_path,
                  councils=single_sign_on.sign_in_choices(), status=status)


@bp.route("/sign-out", methods=["POST"])
@signed_in
def sign_out():
    provider = provider_signed_in_with()
    operations.sign_out(current_user)
    db.session.commit()
    logout_user()
    if provider:
        # The portal cannot end the council's own session, so it does not pretend to.
        flash(f"You have signed out of the portal. You are still signed in to your "
              f"{provider} account: sign out there too, or close your browser, if others "
              "use this computer.", "success")
    else:
        flash("You have signed out.", "success")
    return redirect_to(url_for("accounts.sign_in"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
# Guesses of the current password (someone at an unlocked screen) are throttled as sign-in
# guesses are: per account, counting only wrong current passwords.
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=lambda: f"password-change:{current_user.id}",
               deduct_when=lambda _response: g.get("wrong_current_password", False))
def change_password():
    form = ChangePasswordForm()
    form.for_account(current_user)
    if form.validate_on_submit():
        try:
            operations.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except operations.AccountError as error:
            g.wrong_current_password = error.field == "current_password"
            getattr(form, error.field).errors.append(str(error))
        else:
            user = current_user._get_current_object()
            db.session.commit()
            start_session(user)  # other devices are signed out; this one carries on
            flash("Your password has been changed. Other devices have been signed out.",
                  "success")
            return redirect_to(url_for("home.index"))
    return render("accounts/change_password.html", form=form, status=400 if form.errors else 200)


@bp.route("/password-reset", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"])
# However many addresses ask, one person gets a handful of reset emails at most.
@limiter.limit("3 per hour", methods=["POST"], key_func=_attempted_account)
def request_reset():
    form = RequestResetForm()
    if form.validate_on_submit():
        # The same work whether or not the address has an account: a lookup and one job.
        account = operations.find_by_email(form.email.data)
        jobs.defer(emails.request_password_reset,
                   account_id=account.id if account is not None else None)
        db.session.commit()
        # The same answer whether or not the address has an account.
        return render("accounts/reset_sent.html")
    return render("accounts/request_reset.html", form=form, status=400 if form.errors else 200)


# The emailed link's secret leaves the address bar on first use and waits in the (signed)
# session cookie, as invitations do: not in the browser history, a Referer header or a log.
# The link carries it in the query string, which the access log leaves out (gunicorn.conf.py).
RESET_SESSION_KEY = "password_reset_token"


@bp.route("/password-reset/set-password", methods=["GET", "POST"])
@public
def reset_password():
    token = request.args.get("token")
    if token:
        session[RESET_SESSION_KEY] = token[:100]
        return redirect_to(url_for("accounts.reset_password"))
    token = session.get(RESET_SESSION_KEY, "")
    reset = operations.valid_reset_token(token) if token else None
    if reset is None:
        session.pop(RESET_SESSION_KEY, None)
        return render("accounts/reset_invalid.html", status=404)
    form = ResetPasswordForm()
    form.for_account(reset.user)
    if form.validate_on_submit():
        operations.reset_password(token, form.new_password.data)
        db.session.commit()
        session.pop(RESET_SESSION_KEY, None)
        flash("Your password has been set. You can now sign in.", "success")
        return redirect_to(url_for("accounts.sign_in"))
    return render("accounts/reset_password.html", form=form, status=400 if form.errors else 200)

