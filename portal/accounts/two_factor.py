"""Two-factor sign-in: a code from an authenticator app (TOTP, RFC 6238) after the password,
or one of ten single-use recovery codes.

Each change takes the acting user explicitly, writes an audit row, flushes and leaves the
commit to the request boundary. Codes are checked with a conditional UPDATE, so a code is
accepted once even when two requests carry it at the same moment.
"""

import hashlib
import re
import secrets
import time

import pyotp
from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from portal.accounts.models import RecoveryCode, TwoFactor, User
from portal.accounts.operations import AccountError, check_may_take_over, end_all_sessions
from portal.accounts.passwords import verify_password
from portal.accounts.roles import Role
from portal.core import audit
from portal.core.db import db, utcnow
from portal.organisations.models import Organisation

STEP_SECONDS = 30
# A phone's clock may be a little out: the code of the step before or after also counts.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
REQUIRED_ROLES = (Role.ADMINISTRATOR, Role.PROGRAMME_LEAD)
_SIX_DIGITS = re.compile(r"^\d{6}$")


# Reading ---------------------------------------------------------------------------------
def authenticator(user: User) -> TwoFactor | None:
    return db.session.get(TwoFactor, user.id)


def is_on(user: User) -> bool:
    """True once the person has confirmed an authenticator app: sign-in asks for a code."""
    found = authenticator(user)
    return found is not None and found.confirmed_at is not None


def is_required(user: User) -> bool:
    """The person's roles and council oblige them to use two-factor sign-in. A service
    administrator's does not depend on their council (see TWO_FACTOR_FOR_SERVICE_...)."""
    if user.has_role(Role.SERVICE_ADMINISTRATOR) and \
            current_app.config["TWO_FACTOR_FOR_SERVICE_ADMINISTRATORS"]:
        return True
    if not user.has_any_role(*REQUIRED_ROLES):
        return False
    return bool(db.session.scalar(select(Organisation.two_factor_for_leads_and_admins)
                                  .where(Organisation.id == user.organisation_id)))


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def setup_link(user: User, record: TwoFactor) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(record.secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["PRODUCT_NAME"])


# Checking codes ----------------------------------------------------------------------------
def _current_step(at: float | None) -> int:
    return int((time.time() if at is None else at) // STEP_SECONDS)


def _matching_step(secret: str, code: str, at: float | None) -> int | None:
    code = code.strip().replace(" ", "")
    if not _SIX_DIGITS.match(code):
        return None
    totp, now = pyotp.TOTP(secret), _current_step(at)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _use_step(user: User, step: int, confirmed: bool = True) -> bool:
    """Record `step` as used unless it (or a later one) already was: False for a replay."""
    statement = (update(TwoFactor).where(
        TwoFactor.user_id == user.id,
        or_(TwoFactor.last_used_step.is_(None), TwoFactor.last_used_step < step))
        .values(last_used_step=step).execution_options(synchronize_session="fetch"))
    if confirmed:
        statement = statement.where(TwoFactor.confirmed_at.is_not(None))
    return db.session.execute(statement).rowcount == 1


def use_app_code(user: User, code: str, at: float | None = None) -> bool:
    """True when `code` is the app's code for now and has not been used before."""
    record = authenticator(user)
    if record is None or record.confirmed_at is None:
        return False
    step = _matching_step(record.secret, code, at)
    return step is not None and _use_step(user, step)


def _code_hash(code: str) -> str:
    normalised = re.sub(r"[\s-]", "", code).lower()
    return hashlib.sha256(normalised.encode()).hexdigest()


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one recovery code; each works once."""
    spent = db.session.execute(update(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _code_hash(code),
        RecoveryCode.used_at.is_(None)).values(used_at=utcnow())).rowcount == 1
    if spent:
        audit.record(user, "recovery_code_used", user, left=recovery_codes_left(user))
    return spent


def record_refused_code(user: User) -> None:
    audit.record(None, "two_factor_code_refused", user)


def use_code(user: User, code: str, at: float | None = None) -> bool:
    """The second step of signing in: an app code, or else a recovery code."""
    if _SIX_DIGITS.match(code.strip().replace(" ", "")):
        return use_app_code(user, code, at)
    return use_recovery_code(user, code)


# Changes -------------------------------------------------------------------------------
def begin_set_up(actor: User, password: str) -> TwoFactor:
    """A new secret for the person to add to their app; it counts once confirmed. Asks
    for the password, so that someone at a session left open cannot put their own phone
    on the account."""
    if is_on(actor):
        raise AccountError("Two-factor sign-in is already set up")
    if not verify_password(actor.password_hash, password):
        raise AccountError("Your password is not correct", field="password")
    record = authenticator(actor) or TwoFactor(user_id=actor.id)
    record.secret, record.created_at, record.last_used_step = pyotp.random_base32(), utcnow(), None
    db.session.add(record)
    audit.record(actor, "two_factor_set_up_started", actor)
    return record


def confirm_set_up(actor: User, code: str, at: float | None = None) -> list[str]:
    """The person typed a correct code from their app: turn two-factor sign-in on and
    return their recovery codes (shown once, never stored in the clear)."""
    record = authenticator(actor)
    if record is None or record.confirmed_at is not None:
        raise AccountError("Start setting up two-factor sign-in again")
    step = _matching_step(record.secret, code, at)
    if step is None or not _use_step(actor, step, confirmed=False):
        raise AccountError("Enter the 6-digit code your authenticator app shows now",
                           field="code")
    record.confirmed_at = utcnow()
    audit.record(actor, "two_factor_set_up", actor)
    return _new_recovery_codes(actor)


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}"
             for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_code_hash(code))
                       for code in codes)
    db.session.flush()
    return codes


def regenerate_recovery_codes(actor: User, code: str, at: float | None = None) -> list[str]:
    """New codes replace every old one; asks for an app code so a left-open session is
    not enough."""
    if not use_app_code(actor, code, at):
        raise AccountError("Enter the 6-digit code your authenticator app shows now",
                           field="code")
    audit.record(actor, "recovery_codes_replaced", actor)
    return _new_recovery_codes(actor)


def turn_off(actor: User, code: str, at: float | None = None) -> None:
    if is_required(actor):
        raise AccountError("Your council requires two-factor sign-in for your role")
    if not use_app_code(actor, code, at):
        raise AccountError("Enter the 6-digit code your authenticator app shows now",
                           field="code")
    _remove(actor)
    audit.record(actor, "two_factor_turned_off", actor)


def reset(actor: User, user: User) -> None:
    """An administrator removes someone's app and codes (a lost phone). They are signed
    out everywhere and, if their role requires it, set up a new app at next sign-in."""
    if user.id == actor.id:
        raise AccountError("You cannot reset your own two-factor sign-in")
    check_may_take_over(actor, user, field=None)
    if authenticator(user) is None:
        raise AccountError(f"{user.name} has not set up two-factor sign-in")
    _remove(user)
    end_all_sessions(user)
    audit.record(actor, "two_factor_reset", user)


def _remove(user: User) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id)
                       .execution_options(synchronize_session="fetch"))
    db.session.flush()


# The council's rule ----------------------------------------------------------------------
def set_required_for_leads_and_admins(actor: User, required: bool) -> bool:
    """Turn the council's requirement on or off; True when it changed. It applies to each
    person from their next sign-in."""
    council = db.session.get(Organisation, actor.organisation_id)
    if council.two_factor_for_leads_and_admins == required:
        return False
    council.two_factor_for_leads_and_admins = required
    db.session.flush()
    audit.record(actor, "two_factor_rule_changed", council, organisation_id=council.id,
                 required=required)
    return True
