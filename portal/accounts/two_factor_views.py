"""Two-factor sign-in: the code page after the password, and the person's own set-up page.

People whose role requires two-factor sign-in and who have not set it up are sent to set
it up before anything else (`insist_on_set_up`).
"""

import segno
from flask import Blueprint, current_app, flash, g, request, url_for
from flask import session as flask_session
from flask_login import current_user

from portal.accounts import operations, two_factor
from portal.accounts.forms import AppCodeForm, SignInCodeForm, StartTwoFactorForm
from portal.accounts.session import (
    TWO_FACTOR_SET_UP_NEEDED,
    awaiting_code,
    awaiting_user_id,
    start_session,
)
from portal.accounts.throttle import throttled_like_sign_in
from portal.core.access import public, signed_in
from portal.core.db import db
from portal.core.extensions import limiter
from portal.core.htmx import redirect_to, render

bp = Blueprint("two_factor", __name__)

CODE_REFUSED = "Enter a correct code from your authenticator app, or a recovery code"
# While set-up is required, only these pages (and public ones) can be reached.
SET_UP_PAGES = {"two_factor.account", "two_factor.start", "two_factor.set_up",
                "accounts.sign_out"}


def _awaiting_account() -> str:
    """Throttle key: the account waiting for its code, whatever IP the guesses come from."""
    return f"two-factor:{awaiting_user_id()}"


def _wrong_secret(_response) -> bool:
    return g.get("wrong_secret", False)


# Guesses made at a session left open (the password before set-up, an app code before new
# recovery codes or turning it off) share one per-account allowance across these pages,
# counting only wrong passwords and codes.
guesses_throttled = limiter.shared_limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], scope="two-factor-account",
    methods=["POST"], key_func=lambda: f"two-factor-account:{current_user.id}",
    deduct_when=_wrong_secret)


def _refused_secret(form, error: operations.AccountError) -> None:
    g.wrong_secret = error.field in {"password", "code"}
    getattr(form, error.field or "code").errors.append(str(error))


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
@throttled_like_sign_in(_awaiting_account)
def sign_in_code():
    waiting = awaiting_code()
    if waiting is None:
        flash("Your sign-in timed out. Sign in again.", "info")
        return redirect_to(url_for("accounts.sign_in"))
    user, next_path = waiting
    form = SignInCodeForm()
    if form.validate_on_submit():
        if two_factor.use_code(user, form.code.data):
            operations.record_sign_in(user)
            db.session.commit()
            start_session(user)
            return redirect_to(next_path or url_for("home.index"))
        two_factor.record_refused_code(user)
        db.session.commit()
        form.code.errors.append(CODE_REFUSED)
    return render("accounts/two_factor/sign_in_code.html", form=form,
                  status=400 if form.errors else 200)


@bp.before_app_request
def insist_on_set_up():
    """Someone whose role requires two-factor sign-in sets it up before anything else."""
    if not flask_session.get(TWO_FACTOR_SET_UP_NEEDED) or request.endpoint in SET_UP_PAGES:
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or getattr(view, "access_rule", None) == "public":
        return None
    if not current_user.is_authenticated:
        return None
    return redirect_to(url_for("two_factor.account"))


# The person's own set-up -------------------------------------------------------------------
def _account_forms() -> dict:
    # Prefixes keep the two code fields' ids apart on one page.
    return {"start_form": StartTwoFactorForm(),
            "codes_form": AppCodeForm(prefix="new-codes"),
            "turn_off_form": AppCodeForm(prefix="turn-off")}


def _account_page(status: int = 200, **forms):
    return render(
        "accounts/two_factor/account.html", status=status,
        authenticator=two_factor.authenticator(current_user),
        required=two_factor.is_required(current_user),
        codes_left=two_factor.recovery_codes_left(current_user), **{**_account_forms(), **forms})


@bp.route("/account/two-factor")
@signed_in
def account():
    return _account_page()


@bp.route("/account/two-factor/start", methods=["POST"])
@signed_in
@guesses_throttled
def start():
    form = _account_forms()["start_form"]
    if form.validate_on_submit():
        try:
            two_factor.begin_set_up(current_user, form.password.data)
        except operations.AccountError as error:
            db.session.rollback()
            g.wrong_secret = error.field == "password"
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            return redirect_to(url_for("two_factor.set_up"))
    return _account_page(status=400, start_form=form)


@bp.route("/account/two-factor/set-up", methods=["GET", "POST"])
@signed_in
def set_up():
    user = current_user
    record = two_factor.authenticator(user)
    if record is None or record.confirmed_at is not None:
        return redirect_to(url_for("two_factor.account"))
    form = AppCodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_set_up(user, form.code.data)
        except operations.AccountError as error:
            form.code.errors.append(str(error))
        else:
            db.session.commit()
            flask_session.pop(TWO_FACTOR_SET_UP_NEEDED, None)
            return render("accounts/two_factor/recovery_codes.html", codes=codes,
                          first_time=True)
    link = two_factor.setup_link(user, record)
    return render("accounts/two_factor/set_up.html", form=form, secret=record.secret,
                  link=link, qr_code=segno.make(link, error="m").svg_data_uri(scale=4),
                  status=400 if form.errors else 200)


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@signed_in
@guesses_throttled
def new_recovery_codes():
    form = _account_forms()["codes_form"]
    if form.validate_on_submit():
        try:
            codes = two_factor.regenerate_recovery_codes(current_user, form.code.data)
        except operations.AccountError as error:
            _refused_secret(form, error)
        else:
            db.session.commit()
            return render("accounts/two_factor/recovery_codes.html", codes=codes,
                          first_time=False)
    return _account_page(status=400, codes_form=form)


@bp.route("/account/two-factor/turn-off", methods=["POST"])
@signed_in
@guesses_throttled
def turn_off():
    form = _account_forms()["turn_off_form"]
    if form.validate_on_submit():
        try:
            two_factor.turn_off(current_user, form.code.data)
        except operations.AccountError as error:
            _refused_secret(form, error)
        else:
            db.session.commit()
            flash("Two-factor sign-in is off. You sign in with your password only.",
                  "success")
            return redirect_to(url_for("two_factor.account"))
    return _account_page(status=400, turn_off_form=form)
