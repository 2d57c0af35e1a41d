"""Changing and resetting passwords."""

import re
from datetime import timedelta

import pytest

from portal.accounts.models import PasswordResetToken, User
from portal.accounts.passwords import password_problem, verify_password
from portal.core.db import db, utcnow
from portal.core.mail import outbox
from tests import factories
from tests.conftest import error_summary, page, sign_in

NEW_PASSWORD = "a brand new passphrase"


def test_changing_password_signs_out_other_devices_but_not_this_one(app, client, org):
    user = factories.user(org)
    sign_in(client, user)
    other_device = app.test_client()
    sign_in(other_device, user)
    response = client.post("/account/password", data={
        "current_password": factories.PASSWORD,
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    })
    assert response.status_code == 303
    assert client.get("/home").status_code == 200
    assert other_device.get("/home").status_code == 303
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, NEW_PASSWORD)


def test_wrong_current_password_is_refused_and_nothing_changes(client, org):
    user = factories.user(org)
    sign_in(client, user)
    response = client.post("/account/password", data={
        "current_password": "not my password",
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    })
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Your current password is not correct"]
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, factories.PASSWORD)


def test_weak_and_mismatched_passwords_are_explained(client, org):
    sign_in(client, factories.user(org))
    response = client.post("/account/password", data={
        "current_password": factories.PASSWORD,
        "new_password": "short",
        "confirm_password": "different",
    })
    assert response.status_code == 400
    assert error_summary(page(response)) == [
        "Password must be 12 characters or more",
        "The passwords do not match",
    ]


def test_password_rules():
    assert password_problem("x" * 11)
    assert password_problem("jo.bloggs-secret", "jo.bloggs@example.org")
    assert password_problem("password1234")
    assert password_problem("a perfectly fine phrase") is None


@pytest.mark.parametrize("guessable", [
    "aaaaaaaaaaaa", "123456789012", "qwertyuiopas", "passwordpassword", "iloveyou1234",
    "abcdefghijkl", "portal-demo-2026", "bench-portal-2026"])
def test_common_patterned_and_published_passwords_are_refused(guessable):
    assert password_problem(guessable) is not None


def test_the_persons_own_name_counts_against_a_password():
    # zxcvbn is told the name and address: the same letters score lower as the person's
    # own name than as strangers' words, and the name repeated is refused outright.
    assert password_problem("okaforokafor", "a.o@example.org", "Amara Okafor") is not None
    assert password_problem("kettle orbit meadow", "a.o@example.org", "Amara Okafor") is None


def test_a_very_long_password_is_judged_quickly():
    # zxcvbn's work grows fast with length: only the start of a long password is judged.
    assert password_problem("kettle orbit meadow " * 12) is None


def test_the_new_password_form_explains_a_guessable_password(client, org):
    sign_in(client, factories.user(org))
    response = client.post("/account/password", data={
        "current_password": factories.PASSWORD, "new_password": "aaaaaaaaaaaa",
        "confirm_password": "aaaaaaaaaaaa"})
    assert response.status_code == 400
    assert error_summary(page(response)) == [
        "Password is too easy to guess. Try three or more random words, "
        "like ‘kettle orbit meadow’"]


def test_guesses_of_the_current_password_are_throttled(app, client, org):
    user = factories.user(org)
    sign_in(client, user)
    guess = {"new_password": "kettle orbit meadow", "confirm_password": "kettle orbit meadow"}
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    for n in range(limit):
        response = client.post("/account/password",
                               data={**guess, "current_password": f"wrong guess {n}"})
        assert response.status_code == 400
    right = client.post("/account/password",
                        data={**guess, "current_password": factories.PASSWORD})
    assert right.status_code == 429
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, factories.PASSWORD)


def test_other_mistakes_on_the_form_do_not_use_up_guesses(app, client, org):
    sign_in(client, factories.user(org))
    limit = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    for _ in range(limit + 1):
        response = client.post("/account/password", data={
            "current_password": factories.PASSWORD, "new_password": "short",
            "confirm_password": "short"})
        assert response.status_code == 400
    assert client.post("/account/password", data={
        "current_password": factories.PASSWORD, "new_password": "kettle orbit meadow",
        "confirm_password": "kettle orbit meadow"}).status_code == 303


SET_PASSWORD = "/password-reset/set-password"


def _reset_link() -> str:
    (email,) = outbox()
    match = re.search(r"https?://\S+(/password-reset/\S+)", email.body)
    assert match, email.body
    return match.group(1)


def test_password_reset_by_email_link_works_once(app, client, org):
    user = factories.user(org, email="reset.me@example.org")
    db.session.commit()
    response = client.post("/password-reset", data={"email": "Reset.Me@example.org"})
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    link = _reset_link()
    assert outbox()[0].to == "reset.me@example.org"
    opened = client.get(link)
    # The secret leaves the address at once: the page is at an address without it.
    assert opened.status_code == 303
    assert opened.headers["Location"] == SET_PASSWORD
    shown = client.get(SET_PASSWORD)
    assert shown.status_code == 200
    assert link.startswith(SET_PASSWORD + "?token=")  # the access log leaves queries out
    assert link.split("token=")[1] not in shown.get_data(as_text=True)
    response = client.post(SET_PASSWORD, data={"new_password": NEW_PASSWORD,
                                               "confirm_password": NEW_PASSWORD})
    assert response.status_code == 303
    assert client.post("/sign-in", data={"email": user.email,
                                         "password": NEW_PASSWORD}).status_code == 303
    client.post("/sign-out")
    for attempt in (client, app.test_client()):
        attempt.get(link)
        again = attempt.post(SET_PASSWORD, data={"new_password": "yet another passphrase",
                                                 "confirm_password": "yet another passphrase"})
        assert again.status_code == 404


def test_a_secret_in_the_path_is_not_a_reset_link(client, org):
    """The old form of the link (the secret in the path, where logs and Referer headers
    keep it) is gone: every link emailed in that form has long expired."""
    user = factories.user(org)
    db.session.commit()
    client.post("/password-reset", data={"email": user.email})
    secret = _reset_link().split("token=")[1]
    assert client.get(f"/password-reset/{secret}").status_code == 404
    assert client.get(SET_PASSWORD).status_code == 404  # nothing was kept for the form


def test_the_password_page_without_a_link_is_refused(client):
    response = client.get(SET_PASSWORD)
    assert response.status_code == 404
    assert "This link has expired" in response.get_data(as_text=True)


def test_a_used_link_is_forgotten_by_the_session(client, org):
    user = factories.user(org)
    db.session.commit()
    client.post("/password-reset", data={"email": user.email})
    client.get(_reset_link())
    with client.session_transaction() as session:
        assert session["password_reset_token"]
    client.post(SET_PASSWORD, data={"new_password": NEW_PASSWORD,
                                    "confirm_password": NEW_PASSWORD})
    with client.session_transaction() as session:
        assert "password_reset_token" not in session


def test_reset_ends_existing_sessions(app, client, org):
    user = factories.user(org)
    sign_in(client, user)
    anonymous = app.test_client()
    anonymous.post("/password-reset", data={"email": user.email})
    anonymous.get(_reset_link())
    anonymous.post(SET_PASSWORD, data={"new_password": NEW_PASSWORD,
                                       "confirm_password": NEW_PASSWORD})
    assert client.get("/home").status_code == 303


def test_expired_reset_link_is_refused(client, org):
    user = factories.user(org)
    db.session.commit()
    client.post("/password-reset", data={"email": user.email})
    link = _reset_link()
    token = db.session.scalar(db.select(PasswordResetToken))
    token.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(link, follow_redirects=True).status_code == 404


def test_unknown_email_gets_the_same_answer_and_no_email(client):
    response = client.post("/password-reset", data={"email": "nobody@example.org"})
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    assert outbox() == []


def test_only_a_hash_of_the_reset_token_is_stored(client, org):
    user = factories.user(org)
    db.session.commit()
    client.post("/password-reset", data={"email": user.email})
    secret = _reset_link().split("token=")[1]
    stored = db.session.scalar(db.select(PasswordResetToken.token_hash))
    assert secret not in stored


def test_reset_links_use_the_configured_base_url_not_the_host_header(app, client, org):
    user = factories.user(org)
    db.session.commit()
    app.config["PORTAL_BASE_URL"] = "https://portal.council.example"
    # The attacker's request comes with its own session; CSRF is beside the point here.
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        client.post("/password-reset", data={"email": user.email},
                    headers={"Host": "attacker.example"})
    finally:
        app.config["PORTAL_BASE_URL"] = ""
        app.config["WTF_CSRF_ENABLED"] = True
    assert "https://portal.council.example/password-reset/" in outbox()[0].body
    assert "attacker" not in outbox()[0].body
