"""Two-factor operations: codes from the app at fixed times, replays, recovery codes,
turning it off and an administrator's reset. pyotp plays the phone."""

import pyotp
import pytest
from sqlalchemy import select

from portal.accounts import two_factor
from portal.accounts.models import RecoveryCode
from portal.accounts.operations import AccountError
from portal.accounts.roles import Role
from portal.core.audit import AuditEvent
from portal.core.db import db
from tests import factories

NOON = 1_798_200_000.0  # a fixed moment, on a 30-second step boundary


def _actions() -> list[str]:
    return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def set_up(user, at: float = NOON) -> list[str]:
    """Begin and confirm two-factor sign-in as the person would; returns recovery codes."""
    record = two_factor.begin_set_up(user, factories.PASSWORD)
    return two_factor.confirm_set_up(user, pyotp.TOTP(record.secret).at(at), at=at)


def app_code(user, at: float) -> str:
    return pyotp.TOTP(two_factor.authenticator(user).secret).at(at)


def test_setting_up_needs_the_password_then_a_correct_code_and_gives_recovery_codes(org):
    user = factories.user(org)
    with pytest.raises(AccountError, match="password"):
        two_factor.begin_set_up(user, "someone else's guess")
    assert two_factor.authenticator(user) is None
    record = two_factor.begin_set_up(user, factories.PASSWORD)
    assert not two_factor.is_on(user)
    with pytest.raises(AccountError) as refused:
        two_factor.confirm_set_up(user, pyotp.TOTP(record.secret).at(NOON + 600), at=NOON)
    assert refused.value.field == "code"
    codes = two_factor.confirm_set_up(user, pyotp.TOTP(record.secret).at(NOON), at=NOON)
    assert two_factor.is_on(user)
    assert len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept
    assert _actions() == ["two_factor_set_up_started", "two_factor_set_up"]


def test_a_code_from_the_step_before_or_after_counts_but_not_two_steps_away(org):
    user = factories.user(org)
    set_up(user, at=NOON - 300)
    assert not two_factor.use_app_code(user, app_code(user, NOON - 60), at=NOON)
    assert two_factor.use_app_code(user, app_code(user, NOON - 30), at=NOON)
    assert two_factor.use_app_code(user, app_code(user, NOON + 30), at=NOON)


def test_a_code_once_used_is_refused_and_so_is_an_older_one(org):
    user = factories.user(org)
    set_up(user, at=NOON - 300)
    now, before = app_code(user, NOON), app_code(user, NOON - 30)
    assert two_factor.use_app_code(user, now, at=NOON)
    assert not two_factor.use_app_code(user, now, at=NOON)
    assert not two_factor.use_app_code(user, before, at=NOON)
    assert two_factor.use_app_code(user, app_code(user, NOON + 30), at=NOON + 30)


def test_the_code_that_confirmed_set_up_cannot_sign_in(org):
    user = factories.user(org)
    set_up(user)
    assert not two_factor.use_app_code(user, app_code(user, NOON), at=NOON)


def test_a_recovery_code_works_once_however_it_is_typed(org):
    user = factories.user(org)
    codes = set_up(user)
    assert two_factor.use_code(user, f"  {codes[0].upper()} ")
    assert not two_factor.use_code(user, codes[0])
    assert two_factor.use_code(user, codes[1].replace("-", ""))
    assert two_factor.recovery_codes_left(user) == 8
    assert _actions()[-2:] == ["recovery_code_used", "recovery_code_used"]


def test_new_recovery_codes_replace_the_old_ones(org):
    user = factories.user(org)
    old = set_up(user, at=NOON - 300)
    with pytest.raises(AccountError):
        two_factor.regenerate_recovery_codes(user, "12345", at=NOON)
    new = two_factor.regenerate_recovery_codes(user, app_code(user, NOON), at=NOON)
    assert not two_factor.use_recovery_code(user, old[0])
    assert two_factor.use_recovery_code(user, new[0])
    assert "recovery_codes_replaced" in _actions()


def test_turning_off_needs_a_code_and_is_refused_when_the_role_requires_it(org):
    user = factories.user(org)
    set_up(user, at=NOON - 300)
    with pytest.raises(AccountError):
        two_factor.turn_off(user, "nonsense", at=NOON)
    two_factor.turn_off(user, app_code(user, NOON), at=NOON)
    assert two_factor.authenticator(user) is None
    assert not db.session.scalars(select(RecoveryCode)).all()
    assert _actions()[-1] == "two_factor_turned_off"

    strict = factories.organisation(two_factor_required=True)
    lead = factories.user(strict, roles=[Role.PROGRAMME_LEAD])
    set_up(lead, at=NOON - 300)
    with pytest.raises(AccountError, match="requires two-factor"):
        two_factor.turn_off(lead, app_code(lead, NOON), at=NOON)
    assert two_factor.is_on(lead)


@pytest.mark.parametrize(("roles", "required_by_council", "required"), [
    ([Role.ADMINISTRATOR], True, True),
    ([Role.PROGRAMME_LEAD, Role.ASSESSOR], True, True),
    ([Role.ASSESSOR], True, False),
    ([Role.ADMINISTRATOR], False, False),
])
def test_who_must_use_two_factor(roles, required_by_council, required):
    council = factories.organisation(two_factor_required=required_by_council)
    assert two_factor.is_required(factories.user(council, roles=roles)) is required


def test_an_administrator_resets_someone_elses_two_factor(org):
    admin = factories.user(org, roles=[Role.ADMINISTRATOR])
    user = factories.user(org)
    set_up(user)
    token = user.session_token
    with pytest.raises(AccountError):
        two_factor.reset(admin, admin)
    two_factor.reset(admin, user)
    assert two_factor.authenticator(user) is None
    assert user.session_token != token  # signed out everywhere
    reset = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "two_factor_reset"))
    assert (reset.actor_id, reset.object_id) == (admin.id, user.id)
    with pytest.raises(AccountError, match="has not set up"):
        two_factor.reset(admin, user)
