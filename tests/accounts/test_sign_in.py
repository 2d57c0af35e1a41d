"""Signing in and out: messages, session rotation, safe redirects, throttling."""

import pytest

from portal.core.audit import AuditEvent
from portal.core.db import db
from tests import factories
from tests.conftest import error_summary, page, sign_in


def test_sign_in_takes_you_home_and_is_audited(client, org):
    user = factories.user(org, roles=["assessor"], name="Helen Shaw")
    sign_in(client, user)
    response = client.get("/home")
    assert response.status_code == 200
    assert "Hello, Helen Shaw" in response.get_data(as_text=True)
    actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert "signed_in" in actions


@pytest.mark.parametrize("email_kind", ["unknown", "wrong_password", "inactive"])
def test_failed_sign_in_gives_the_same_message_and_keeps_the_email(client, org, email_kind):
    user = factories.user(org, email="known@example.org", active=email_kind != "inactive")
    db.session.commit()
    email = "nobody@example.org" if email_kind == "unknown" else user.email
    password = "wrong password!!" if email_kind == "wrong_password" else factories.PASSWORD
    response = client.post("/sign-in", data={"email": email, "password": password})
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == ["Enter a correct email address and password"]
    assert soup.select_one("#email")["value"] == email
    assert soup.title.text.startswith("Error: ")
    assert client.get("/home").status_code == 303


def test_email_is_matched_without_regard_to_case(client, org):
    user = factories.user(org, email="mixed@example.org")
    db.session.commit()
    response = client.post("/sign-in", data={"email": "  MIXED@Example.org ",
                                              "password": factories.PASSWORD})
    assert response.status_code == 303
    assert client.get("/home").status_code == 200
    del user


def test_empty_form_explains_each_missing_field(client):
    response = client.post("/sign-in", data={"email": "", "password": ""})
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Enter your email address", "Enter your password"]


def test_the_session_is_rotated_at_sign_in(client, org):
    user = factories.user(org)
    db.session.commit()
    client.get("/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before sign-in"
    sign_in(client, user)
    with client.session_transaction() as session:
        assert "planted" not in session


@pytest.mark.parametrize(
    "next_url",
    ["/cohorts/", "/admin/users/?q=a"],
)
def test_next_takes_you_back_to_a_page_on_this_site(client, org, next_url):
    user = factories.user(org, roles=["administrator"])
    db.session.commit()
    response = client.post(f"/sign-in?next={next_url}",
                           data={"email": user.email, "password": factories.PASSWORD})
    assert response.headers["Location"] == next_url


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "/\r\nLocation: https://evil.example",
        "  //evil.example",
    ],
)
def test_next_never_leaves_the_site(client, org, next_url):
    user = factories.user(org)
    db.session.commit()
    response = client.post("/sign-in", query_string={"next": next_url},
                           data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/home"


def test_signing_out_ends_the_session_even_for_a_copied_cookie(client, org):
    user = factories.user(org)
    sign_in(client, user)
    stolen = client.get_cookie("portal_session").value
    response = client.post("/sign-out")
    assert response.status_code == 303
    assert client.get("/home").status_code == 303
    client.set_cookie("portal_session", stolen)
    assert client.get("/home").status_code == 303


def test_sign_out_needs_a_post(client, org):
    sign_in(client, factories.user(org))
    assert client.get("/sign-out").status_code == 405
    assert client.get("/home").status_code == 200


def test_deactivation_ends_existing_sessions(client, org):
    user = factories.user(org)
    sign_in(client, user)
    assert client.get("/home").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/home").status_code == 303


class TestThrottling:
    def test_an_account_is_throttled_after_repeated_failures(self, client, org):
        user = factories.user(org)
        db.session.commit()
        for _ in range(5):
            response = client.post("/sign-in", data={"email": user.email, "password": "nope!"})
            assert response.status_code == 400
        blocked = client.post("/sign-in", data={"email": user.email,
                                                "password": factories.PASSWORD})
        assert blocked.status_code == 429
        assert "Too many attempts" in blocked.get_data(as_text=True)

    def test_throttling_one_account_leaves_others_alone(self, client, org):
        victim = factories.user(org)
        other = factories.user(org)
        db.session.commit()
        for _ in range(6):
            client.post("/sign-in", data={"email": victim.email, "password": "nope!"})
        assert client.post("/sign-in", data={"email": other.email,
                                              "password": factories.PASSWORD}).status_code == 303

    def test_an_address_is_throttled_across_accounts(self, app, client, org):
        db.session.commit()  # each failed sign-in writes its audit row
        app.config["LOGIN_LIMIT_PER_IP"] = "8 per 15 minutes"
        try:
            for n in range(8):
                client.post("/sign-in", data={"email": f"guess{n}@example.org",
                                              "password": "nope!"})
            response = client.post("/sign-in", data={"email": "another@example.org",
                                                     "password": "nope!"})
            assert response.status_code == 429
        finally:
            app.config["LOGIN_LIMIT_PER_IP"] = "30 per 15 minutes"

    def test_successful_sign_ins_do_not_count(self, client, org):
        user = factories.user(org)
        db.session.commit()
        for _ in range(7):
            client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
            client.post("/sign-out")
        assert client.post("/sign-in", data={"email": user.email,
                                              "password": factories.PASSWORD}).status_code == 303
