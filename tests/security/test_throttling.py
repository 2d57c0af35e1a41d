"""Sign-in throttling cannot be dodged by spelling the email differently or by claiming
another address; and it must not lock out people who sign in successfully."""

from portal.core.db import db
from tests import factories


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
