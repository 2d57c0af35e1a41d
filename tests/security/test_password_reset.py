"""Password reset links: they must stop working when the account changes under them, and
must never be built from an address the requester chose."""

import re

from portal import create_app
from portal.core.db import db
from portal.core.mail import outbox
from tests import factories
from tests.conftest import sign_in

NEW_PASSWORD = "a brand new passphrase"


def _reset_path(emails) -> str:
    match = re.search(r"https?://\S+(/password-reset/\S+)", emails[-1].body)
    assert match, emails[-1].body
    return match.group(1)


def test_a_reset_link_stops_working_once_the_password_is_changed(app, client, org):
    """Someone who saw a reset email (shared mailbox, forwarded mail, a phone left unlocked)
    still holds a working link after the owner changes their password to lock them out."""
    user = factories.user(org)
    db.session.commit()
    attacker = app.test_client()
    attacker.post("/password-reset", data={"email": user.email})
    link = _reset_path(outbox())

    sign_in(client, user)
    changed = client.post("/account/password", data={
        "current_password": factories.PASSWORD,
        "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert changed.status_code == 303

    assert attacker.get(link).status_code == 404


def test_a_reset_link_sent_to_an_old_address_stops_working_when_the_email_changes(
        app, client, org):
    """An administrator corrects a person's email address (the old one was wrong, or belongs
    to someone else now); a link already sent to the old address must not take the account."""
    user = factories.user(org, email="old.address@example.org")
    admin = factories.user(org, roles=["administrator"])
    db.session.commit()
    app.test_client().post("/password-reset", data={"email": "old.address@example.org"})
    link = _reset_path(outbox())

    sign_in(client, admin)
    response = client.post(f"/admin/users/{user.id}", data={
        "name": user.name, "email": "new.address@example.org", "team_id": "",
        "roles": ["candidate"]})
    assert response.status_code == 303

    stranger = app.test_client()
    assert stranger.get(link).status_code == 404


def test_production_reset_links_never_come_from_the_host_header(app, org, monkeypatch,
                                                                  tmp_path):
    """PORTAL_BASE_URL is optional in production. Without it the emailed link is built from
    the request's Host header, so an attacker who asks for a reset for the victim with
    `Host: evil.example` gets the genuine email to point at their own server; one click
    hands them the secret."""
    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    victim = factories.user(org)
    db.session.commit()
    try:
        production = create_app({
            "PORTAL_ENV": "production",
            "SECRET_KEY": "p" * 48,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "UPLOAD_DIR": str(tmp_path),
            "MAIL_BACKEND": "memory",
            "WTF_CSRF_ENABLED": False,  # not what this test is about
            # The limiter is shared by every app in this process: leave it as it was.
            "RATELIMIT_STORAGE_URI": "memory://",
        })
    except Exception:
        return  # refusing to start without a base URL is a fix too
    attacker = production.test_client()
    response = attacker.post("/password-reset", data={"email": victim.email},
                             base_url="https://evil.example")
    if response.status_code >= 400:
        return  # an untrusted Host refused is a fix too
    with production.app_context():
        sent = outbox()
        assert sent, "a reset email should have been sent"
        assert "evil.example" not in sent[-1].body
