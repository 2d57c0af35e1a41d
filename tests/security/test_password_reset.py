"""Password reset links: they must stop working when the account changes under them, and
must never be built from an address the requester chose."""

import re

import pytest

from portal import create_app
from portal.accounts.models import User
from portal.accounts.passwords import verify_password
from portal.config import ConfigError
from portal.core.db import db
from portal.core.mail import outbox
from tests import factories
from tests.conftest import PortalClient, page, sign_in

NEW_PASSWORD = "a brand new passphrase"
ATTACKERS_PASSWORD = "the attacker's own passphrase"
EXPIRED = "This link has expired or has already been used"
BASE_URL = "https://portal.council.example"


def _reset_path(emails) -> str:
    match = re.search(r"https?://\S+(/password-reset/\S+)", emails[-1].body)
    assert match, emails[-1].body
    return match.group(1)


def _refused(client, link: str) -> None:
    """The link shows the expired page and choosing a password through it does nothing."""
    shown = client.get(link, follow_redirects=True)
    assert shown.status_code == 404
    assert page(shown).h1.get_text(strip=True) == EXPIRED
    client.get(link)
    used = client.post("/password-reset/set-password", data={"new_password": ATTACKERS_PASSWORD,
                                   "confirm_password": ATTACKERS_PASSWORD})
    assert used.status_code == 404
    assert page(used).h1.get_text(strip=True) == EXPIRED


def _password_is(user_id: int, password: str) -> bool:
    db.session.expire_all()
    return verify_password(db.session.get(User, user_id).password_hash, password)


def test_a_reset_link_stops_working_once_the_password_is_changed(app, client, org):
    """Someone who saw a reset email (shared mailbox, forwarded mail, a phone left unlocked)
    still holds a working link after the owner changes their password to lock them out."""
    user = factories.user(org)
    db.session.commit()
    attacker = app.test_client()
    attacker.post("/password-reset", data={"email": user.email})
    link = _reset_path(outbox())
    assert attacker.get(link, follow_redirects=True).status_code == 200  # the link worked until now

    sign_in(client, user)
    changed = client.post("/account/password", data={
        "current_password": factories.PASSWORD,
        "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert changed.status_code == 303

    _refused(attacker, link)
    assert _password_is(user.id, NEW_PASSWORD)


def test_a_reset_link_sent_to_an_old_address_stops_working_when_the_email_changes(
        app, client, org):
    """An administrator corrects a person's email address (the old one was wrong, or belongs
    to someone else now); a link already sent to the old address must not take the account."""
    user = factories.user(org, email="old.address@example.org")
    admin = factories.user(org, roles=["administrator"])
    db.session.commit()
    stranger = app.test_client()
    stranger.post("/password-reset", data={"email": "old.address@example.org"})
    link = _reset_path(outbox())
    assert stranger.get(link, follow_redirects=True).status_code == 200  # the link worked until now

    sign_in(client, admin)
    response = client.post(f"/admin/users/{user.id}", data={
        "name": user.name, "email": "new.address@example.org", "team_id": "",
        "roles": ["candidate"]})
    assert response.status_code == 303

    _refused(stranger, link)
    assert _password_is(user.id, factories.PASSWORD)


def _production_settings(app, tmp_path, **settings) -> dict:
    return {
        "PORTAL_ENV": "production",
        "SECRET_KEY": "p" * 48,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "UPLOAD_DIR": str(tmp_path),
        "MAIL_BACKEND": "memory",
        "JOBS_INLINE": True,  # the reset email's job runs here, as in the rest of the suite
        # The limiter is shared by every app in this process: leave it as it was.
        "RATELIMIT_STORAGE_URI": "memory://",
        **settings,
    }


def test_production_refuses_to_start_without_a_base_url_for_emailed_links(
        app, monkeypatch, tmp_path):
    """PORTAL_BASE_URL is what emailed links are built from in production. Without it the
    link would come from the request's Host header, so an attacker asking for a reset for
    the victim with `Host: evil.example` would get the genuine email to point at their own
    server; one click would hand them the secret. Production will not start without it."""
    monkeypatch.delenv("PORTAL_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="PORTAL_BASE_URL"):
        create_app(_production_settings(app, tmp_path))


def test_production_reset_links_never_come_from_the_host_header(app, org, tmp_path):
    victim = factories.user(org)
    db.session.commit()
    production = create_app(_production_settings(
        app, tmp_path, PORTAL_BASE_URL=BASE_URL,
        WTF_CSRF_ENABLED=False))  # the attacker's own session; CSRF is not what this is about
    production.test_client_class = PortalClient
    attacker = production.test_client()
    response = attacker.post("/password-reset", data={"email": victim.email},
                             base_url="https://evil.example")
    assert response.status_code == 200
    assert page(response).h1.get_text(strip=True) == "Check your email"
    with production.app_context():
        sent = outbox()
        assert [email.to for email in sent] == [victim.email]
        assert f"{BASE_URL}/password-reset/" in sent[0].body
        assert "evil.example" not in sent[0].body
