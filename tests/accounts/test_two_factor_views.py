"""Two-factor sign-in through the pages: setting it up, the code page after the password,
replays, recovery codes, throttling, the forced set-up and an administrator's reset."""

import re
import time

import pyotp
from sqlalchemy import select

from portal.accounts import two_factor
from portal.accounts.roles import Role
from portal.core.audit import AuditEvent
from portal.core.db import db
from tests import factories
from tests.conftest import error_summary, page, sign_in

CODE_REFUSED = "Enter a correct code from your authenticator app, or a recovery code"


def with_two_factor(user) -> list[str]:
    """Turn two-factor sign-in on for `user` a few steps ago (so the code shown now is
    unused); returns their recovery codes."""
    record = two_factor.begin_set_up(user, factories.PASSWORD)
    earlier = time.time() - 120
    codes = two_factor.confirm_set_up(user, pyotp.TOTP(record.secret).at(earlier), at=earlier)
    db.session.commit()
    return codes


def code_now(user) -> str:
    db.session.expire_all()
    return pyotp.TOTP(two_factor.authenticator(user).secret).now()


def password_step(client, user, **query):
    db.session.commit()
    return client.post("/sign-in", query_string=query,
                       data={"email": user.email, "password": factories.PASSWORD})


def _actions() -> list[str]:
    return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def test_setting_up_from_the_account_page(client, org):
    user = factories.user(org)
    sign_in(client, user)
    account = page(client.get("/account/two-factor"))
    assert "Two-factor sign-in is off." in account.text
    wrong = client.post("/account/two-factor/start", data={"password": "not my password"})
    assert wrong.status_code == 400
    assert error_summary(page(wrong)) == ["Your password is not correct"]
    assert two_factor.authenticator(user) is None
    started = client.post("/account/two-factor/start", data={"password": factories.PASSWORD})
    assert started.headers["Location"] == "/account/two-factor/set-up"

    set_up_page = page(client.get("/account/two-factor/set-up"))
    qr_code = set_up_page.select_one("img.portal-qr-code")
    assert qr_code["src"].startswith("data:image/svg+xml")
    assert qr_code["alt"]
    secret = two_factor.authenticator(user).secret
    assert set_up_page.select_one("#two-factor-secret").text.replace(" ", "") == secret
    assert set_up_page.find("a", href=re.compile(r"^otpauth://totp/"))

    wrong = client.post("/account/two-factor/set-up", data={"code": "12345"})
    assert wrong.status_code == 400
    assert error_summary(page(wrong)) == [
        "Enter the 6-digit code your authenticator app shows now"]
    assert page(wrong).select_one("#code")["value"] == "12345"  # what was typed is kept

    done = client.post("/account/two-factor/set-up",
                       data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert len(page(done).select("ul[aria-label='Recovery codes'] code")) == 10
    assert two_factor.is_on(user)
    assert "two_factor_set_up" in _actions()
    # Set up once: the set-up page now leads back to the account page.
    assert client.get("/account/two-factor/set-up").status_code == 303


def test_the_password_alone_does_not_sign_in_an_account_with_two_factor(client, org):
    user = factories.user(org, name="Helen Shaw")
    with_two_factor(user)
    response = password_step(client, user, next="/notifications/")
    assert response.headers["Location"] == "/sign-in/code"
    assert client.get("/home").status_code == 303  # not signed in yet
    assert "signed_in" not in _actions()

    code_page = client.get("/sign-in/code")
    assert code_page.status_code == 200
    assert page(code_page).select_one("#code")["autocomplete"] == "one-time-code"
    signed = client.post("/sign-in/code", data={"code": code_now(user)})
    assert signed.headers["Location"] == "/notifications/"
    assert "Hello, Helen Shaw" in client.get("/home").get_data(as_text=True)
    assert "signed_in" in _actions()


def test_a_wrong_code_is_refused_clearly_and_audited(client, org):
    user = factories.user(org)
    with_two_factor(user)
    password_step(client, user)
    not_now = pyotp.TOTP(two_factor.authenticator(user).secret).at(time.time() + 600)
    response = client.post("/sign-in/code", data={"code": not_now})
    assert response.status_code == 400
    assert error_summary(page(response)) == [CODE_REFUSED]
    assert client.get("/home").status_code == 303
    assert "two_factor_code_refused" in _actions()
    empty = client.post("/sign-in/code", data={"code": ""})
    assert error_summary(page(empty)) == ["Enter the code from your authenticator app"]


def test_a_code_cannot_be_used_twice(app, client, org):
    user = factories.user(org)
    with_two_factor(user)
    code = code_now(user)
    password_step(client, user)
    assert client.post("/sign-in/code", data={"code": code}).status_code == 303

    someone_watching = app.test_client()
    password_step(someone_watching, user)
    replay = someone_watching.post("/sign-in/code", data={"code": code})
    assert replay.status_code == 400
    assert someone_watching.get("/home").status_code == 303


def test_a_recovery_code_signs_in_once(client, org):
    user = factories.user(org)
    codes = with_two_factor(user)
    password_step(client, user)
    assert client.post("/sign-in/code", data={"code": codes[3]}).status_code == 303
    client.post("/sign-out")
    password_step(client, user)
    again = client.post("/sign-in/code", data={"code": codes[3]})
    assert again.status_code == 400
    assert "recovery_code_used" in _actions()


def test_code_guesses_are_throttled_per_account(app, client, org):
    user = factories.user(org)
    with_two_factor(user)
    password_step(client, user)
    for _ in range(5):
        assert client.post("/sign-in/code", data={"code": "999999"}).status_code == 400
    # From a fresh session too: the limit belongs to the account, not the browser.
    other = app.test_client()
    password_step(other, user)
    assert other.post("/sign-in/code", data={"code": code_now(user)}).status_code == 429


def test_the_code_page_times_out(client, org):
    user = factories.user(org)
    with_two_factor(user)
    password_step(client, user)
    with client.session_transaction() as session:
        waiting = session["awaiting_two_factor_code"]
        session["awaiting_two_factor_code"] = {**waiting, "until": int(time.time()) - 1}
    response = client.post("/sign-in/code", data={"code": code_now(user)})
    assert response.headers["Location"] == "/sign-in"
    assert client.get("/home").status_code == 303


def test_the_code_page_without_a_password_first_goes_to_sign_in(client):
    assert client.get("/sign-in/code").headers["Location"] == "/sign-in"


def _strict_council():
    council = factories.organisation(two_factor_required=True)
    db.session.commit()
    return council


def test_an_administrator_must_set_up_two_factor_before_anything_else(client):
    admin = factories.user(_strict_council(), roles=[Role.ADMINISTRATOR])
    sign_in(client, admin)
    assert client.get("/admin/users/").headers["Location"] == "/account/two-factor"
    assert client.get("/home").headers["Location"] == "/account/two-factor"
    htmx = client.htmx_get("/admin/users/")
    assert htmx.headers["HX-Redirect"] == "/account/two-factor"
    account = page(client.get("/account/two-factor"))
    assert "Your council requires two-factor sign-in for your role" in account.text

    client.post("/account/two-factor/start", data={"password": factories.PASSWORD})
    secret = two_factor.authenticator(admin).secret
    client.post("/account/two-factor/set-up", data={"code": pyotp.TOTP(secret).now()})
    assert client.get("/admin/users/").status_code == 200


def test_only_the_roles_and_councils_that_require_it_are_sent_to_set_up(client):
    strict = _strict_council()
    sign_in(client, factories.user(strict, roles=[Role.ASSESSOR]))
    assert client.get("/home").status_code == 200
    client.post("/sign-out")
    relaxed = factories.organisation(two_factor_required=False)
    sign_in(client, factories.user(relaxed, roles=[Role.PROGRAMME_LEAD]))
    assert client.get("/home").status_code == 200


def test_turning_off_needs_a_code_and_is_refused_when_required(app, client, org):
    user = factories.user(org)
    recovery = with_two_factor(user)
    password_step(client, user)
    client.post("/sign-in/code", data={"code": recovery[0]})  # the app's code stays unused
    wrong = client.post("/account/two-factor/turn-off", data={"turn-off-code": "1"})
    assert wrong.status_code == 400
    assert error_summary(page(wrong)) == [
        "Enter the 6-digit code your authenticator app shows now"]
    assert two_factor.is_on(user)
    done = client.post("/account/two-factor/turn-off", data={"turn-off-code": code_now(user)})
    assert done.headers["Location"] == "/account/two-factor"
    assert not two_factor.is_on(user)

    lead = factories.user(_strict_council(), roles=[Role.PROGRAMME_LEAD])
    codes = with_two_factor(lead)
    other = app.test_client()
    password_step(other, lead)
    other.post("/sign-in/code", data={"code": codes[0]})
    account = page(other.get("/account/two-factor"))
    assert "you cannot turn it off" in account.text
    assert account.select_one("form[action='/account/two-factor/turn-off']") is None
    refused = other.post("/account/two-factor/turn-off",
                         data={"turn-off-code": code_now(lead)})
    assert error_summary(page(refused)) == [
        "Your council requires two-factor sign-in for your role"]
    assert two_factor.is_on(lead)


def test_new_recovery_codes_from_the_account_page(client, org):
    user = factories.user(org)
    old = with_two_factor(user)
    password_step(client, user)
    client.post("/sign-in/code", data={"code": old[0]})
    response = client.post("/account/two-factor/recovery-codes",
                           data={"new-codes-code": code_now(user)})
    assert response.status_code == 200
    new = [code.text for code in page(response).select("ul[aria-label='Recovery codes'] code")]
    assert len(new) == 10 and not set(new) & set(old)
    assert "recovery_codes_replaced" in _actions()


def test_an_administrator_resets_a_lost_phone(app, client, org):
    admin = factories.user(org, roles=[Role.ADMINISTRATOR])
    person = factories.user(org, name="Sam Okafor")
    with_two_factor(person)
    sign_in(client, admin)
    edit = page(client.get(f"/admin/users/{person.id}"))
    link = edit.find("a", string=re.compile("Reset two-factor sign-in"))
    assert link["href"] == f"/admin/users/{person.id}/two-factor/reset"

    confirm = client.get(link["href"])
    assert confirm.status_code == 200
    assert "Are you sure you want to reset Sam Okafor's two-factor sign-in?" in \
        page(confirm).h1.text
    assert two_factor.is_on(person)  # a GET changes nothing
    assert client.post(link["href"]).headers["Location"] == f"/admin/users/{person.id}"
    db.session.expire_all()
    assert two_factor.authenticator(person) is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "two_factor_reset"))
    assert (event.actor_id, event.object_id) == (admin.id, person.id)
    # Sam now signs in with the password alone.
    assert password_step(app.test_client(), person).headers["Location"] == "/home"


def test_resetting_is_for_administrators_of_the_same_council(client, org):
    stranger = factories.user(factories.organisation())
    with_two_factor(stranger)
    sign_in(client, factories.user(org, roles=[Role.ADMINISTRATOR]))
    assert client.get(f"/admin/users/{stranger.id}/two-factor/reset").status_code == 404
    assert client.post(f"/admin/users/{stranger.id}/two-factor/reset").status_code == 404
    client.post("/sign-out")
    colleague = factories.user(org)
    with_two_factor(colleague)
    sign_in(client, factories.user(org, roles=[Role.PROGRAMME_LEAD]))
    assert client.post(f"/admin/users/{colleague.id}/two-factor/reset").status_code == 403
    assert two_factor.is_on(colleague)


def test_guessing_app_codes_at_a_left_open_session_is_throttled(app, client, org):
    user = factories.user(org)
    recovery = with_two_factor(user)
    password_step(client, user)
    client.post("/sign-in/code", data={"code": recovery[0]})
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    for n in range(limit):
        guess = client.post("/account/two-factor/recovery-codes",
                            data={"new-codes-code": f"{n:06d}"})
        assert guess.status_code == 400
    right = client.post("/account/two-factor/turn-off",
                        data={"turn-off-code": code_now(user)})
    assert right.status_code == 429
    assert two_factor.is_on(user)


def test_guessing_the_password_before_set_up_is_throttled(app, client, org):
    sign_in(client, factories.user(org))
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    for n in range(limit):
        guess = client.post("/account/two-factor/start", data={"password": f"guess {n}"})
        assert guess.status_code == 400
    right = client.post("/account/two-factor/start", data={"password": factories.PASSWORD})
    assert right.status_code == 429
