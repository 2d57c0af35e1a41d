"""Sign-in throttling cannot be dodged by spelling the email differently or by claiming
another address; and it must not lock out people who sign in successfully."""

import pytest

from portal import create_app
from portal.config import ConfigError
from portal.core.db import db
from tests import factories
from tests.conftest import PortalClient


def test_spelling_the_email_differently_still_counts_against_the_account(app, client, org):
    factories.user(org, email="victim@example.org")
    db.session.commit()
    variants = ["victim@example.org", "VICTIM@example.org", " victim@example.org",
                "Victim@Example.Org ", "\tvictim@EXAMPLE.org"]
    for email in variants:
        assert client.post("/sign-in", data={"email": email,
                                             "password": "guess"}).status_code == 400
    # Attempts now come from many addresses: only the per-account limit can stop them.
    other_address = app.test_client()
    blocked = other_address.post("/sign-in", data={"email": "ViCtIm@example.org",
                                                   "password": factories.PASSWORD},
                                 environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert blocked.status_code == 429


def test_x_forwarded_for_is_ignored_without_trusted_proxies(app, client, org):
    assert app.config["TRUST_PROXY_HOPS"] == 0
    app.config["LOGIN_LIMIT_PER_IP"] = "4 per 15 minutes"
    try:
        for n in range(4):
            client.post("/sign-in", data={"email": f"guess{n}@example.org", "password": "x"},
                        headers={"X-Forwarded-For": f"198.51.100.{n}"})
        response = client.post("/sign-in", data={"email": "guess9@example.org",
                                                 "password": "x"},
                               headers={"X-Forwarded-For": "198.51.100.200"})
        assert response.status_code == 429
    finally:
        app.config["LOGIN_LIMIT_PER_IP"] = "30 per 15 minutes"


def test_successful_htmx_sign_ins_do_not_use_up_the_allowance(client, org):
    """A successful htmx sign-in answers 204 + HX-Redirect, but only 303 is treated as
    success, so five good sign-ins lock the account (and the address) out."""
    user = factories.user(org)
    db.session.commit()
    for _ in range(6):
        response = client.post("/sign-in",
                               data={"email": user.email, "password": factories.PASSWORD},
                               headers={"HX-Request": "true"})
        assert response.status_code == 204
        client.post("/sign-out", headers={"HX-Request": "true",
                                          "X-CSRFToken": client.csrf_token()})


def _proxied_app(app, tmp_path, **settings):
    proxied = create_app({**{name: app.config[name] for name in (
        "TESTING", "PORTAL_ENV", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "MAIL_BACKEND",
        "JOBS_INLINE", "RATELIMIT_STORAGE_URI")}, "UPLOAD_DIR": str(tmp_path),
        "TRUST_PROXY_HOPS": 1, "LOGIN_LIMIT_PER_IP": "3 per 15 minutes", **settings})
    proxied.test_client_class = PortalClient
    return proxied


def _guesses(client, peer: str, forwarded_prefix: str) -> list[int]:
    return [client.post("/sign-in", data={"email": f"guess{n}@example.org", "password": "x"},
                        headers={"X-Forwarded-For": f"{forwarded_prefix}{n}"},
                        environ_base={"REMOTE_ADDR": peer}).status_code for n in range(4)]


def test_x_forwarded_for_from_the_proxy_names_the_client(app, tmp_path):
    client = _proxied_app(app, tmp_path).test_client()
    # Each guess comes through the proxy (127.0.0.1) from a different client address.
    assert 429 not in _guesses(client, "127.0.0.1", "198.51.100.")


def test_x_forwarded_for_from_around_the_proxy_is_ignored(app, tmp_path):
    """Someone reaching gunicorn directly cannot choose the address that is counted."""
    client = _proxied_app(app, tmp_path).test_client()
    assert _guesses(client, "203.0.113.9", "198.51.100.")[-1] == 429


def test_the_proxies_can_be_named_by_network(app, tmp_path):
    client = _proxied_app(app, tmp_path, TRUSTED_PROXIES="10.0.0.0/8").test_client()
    assert 429 not in _guesses(client, "10.1.2.3", "198.51.100.")
    assert _guesses(client, "127.0.0.1", "192.0.2.")[-1] == 429


def test_a_wrong_proxy_address_stops_the_start(app, tmp_path):
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        _proxied_app(app, tmp_path, TRUSTED_PROXIES="10.0.0.300")
