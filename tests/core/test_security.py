"""CSRF on normal and htmx POSTs, and security headers everywhere."""

import pytest

from tests import factories
from tests.conftest import sign_in


@pytest.fixture
def signed_in_admin(client, org):
    admin = factories.user(org, roles=["administrator"])
    sign_in(client, admin)
    return admin


def _new_user_form():
    return {"name": "Sam Reid", "email": "sam.reid@example.org", "team_id": "",
            "roles": ["assessor"]}


def test_a_form_post_without_a_csrf_token_is_refused(client, signed_in_admin):
    response = client.post("/admin/users/new", data=_new_user_form(), csrf=False)
    assert response.status_code == 400
    assert "Your form could not be sent" in response.get_data(as_text=True)


def test_a_form_post_with_a_forged_token_is_refused(client, signed_in_admin):
    data = {**_new_user_form(), "csrf_token": "forged"}
    response = client.post("/admin/users/new", data=data, csrf=False)
    assert response.status_code == 400


def test_an_htmx_post_without_the_header_is_refused(client, signed_in_admin):
    response = client.htmx_post("/admin/users/new", data=_new_user_form(), csrf_header=False)
    assert response.status_code == 400
    # The error comes back as a fragment, not a whole page, so htmx can show it.
    assert "<html" not in response.get_data(as_text=True)


def test_an_htmx_post_with_the_header_is_accepted(client, signed_in_admin):
    response = client.htmx_post("/admin/users/new", data=_new_user_form())
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/admin/users/"


def test_sign_out_is_csrf_protected(client, org):
    sign_in(client, factories.user(org))
    assert client.post("/sign-out", csrf=False).status_code == 400
    assert client.get("/home").status_code == 200


def test_the_csrf_token_does_not_expire_during_a_long_reflection(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None


EXPECTED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def _assert_security_headers(response):
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, name
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp


@pytest.mark.parametrize(
    "url", ["/sign-in", "/no-such-page", "/static/js/portal.js", "/favicon.ico", "/healthz"]
)
def test_security_headers_on_pages_errors_and_files(client, url):
    _assert_security_headers(client.get(url))


def test_security_headers_on_a_server_error(app, client):
    from portal.core.access import public

    @public
    def explode():
        raise RuntimeError("boom")

    app.view_functions["home.root"], original = explode, app.view_functions["home.root"]
    app.testing, propagate = False, app.config.get("PROPAGATE_EXCEPTIONS")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = client.get("/")
    finally:
        app.view_functions["home.root"] = original
        app.testing = True
        app.config["PROPAGATE_EXCEPTIONS"] = propagate
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.get_data(as_text=True)
    _assert_security_headers(response)


def test_signed_in_pages_are_not_cached(client, org):
    sign_in(client, factories.user(org))
    assert client.get("/home").headers["Cache-Control"] == "no-store"


def test_the_inline_script_carries_the_csp_nonce(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.get_data(as_text=True)


def test_hsts_in_production_only(app, client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    app.config["FORCE_HSTS"] = True
    try:
        assert "max-age" in client.get("/sign-in").headers["Strict-Transport-Security"]
    finally:
        app.config["FORCE_HSTS"] = False


def test_session_cookie_is_httponly_and_samesite(client):
    response = client.get("/sign-in")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
