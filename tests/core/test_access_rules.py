"""Every route declares who may use it; anything without a rule is refused."""

import pytest
from flask import Blueprint

from portal.core.access import public

# Routes that anyone may reach. Adding to this list is a security decision: review it.
PUBLIC_ENDPOINTS = {
    "core.static",
    "core.assets",
    "core.favicon",
    "core.health",
    "accounts.sign_in",
    "accounts.request_reset",
    "accounts.reset_password",
    # A reset link emailed before the secret moved to the query string: it only moves the
    # secret into the session and redirects to accounts.reset_password.
    "home.root",
    # Council sign-in: the redirect to the council's provider, its answer (state, PKCE and
    # the ID token checked by Authlib), and proving a portal password once to link.
    "sign_on.start",
    "sign_on.callback",
    "sign_on.link",
    # The privacy notice: the same words for everyone, from settings (no personal data).
    "data_protection.privacy_notice",
    # The one-time feedback link for people without an account (token checked in the view;
    # unknown, used, expired or cancelled links all get the same 404 page).
    "outside.give",
    "outside.give_link",  # links made before the secret moved to the query string
    # Setting a first password from an invitation (single-use, expiring; token checked in
    # the view, taken out of the address on first use).
    "invitations.accept",
    # The second step of signing in: serves only the account whose password was just
    # typed in this session (for five minutes), throttled per account like sign-in.
    "two_factor.sign_in_code",
}


def test_every_route_has_an_access_rule(app):
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if not hasattr(app.view_functions[rule.endpoint], "access_rule")
    ]
    assert missing == []


def test_only_the_reviewed_routes_are_public(app):
    public_endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if app.view_functions[rule.endpoint].access_rule == "public"
    }
    assert public_endpoints == PUBLIC_ENDPOINTS


@pytest.mark.parametrize(
    "url",
    ["/home", "/cohorts/", "/cohorts/new", "/admin/users/", "/admin/users/new",
     "/admin/users/import", "/account/password", "/cohorts/1", "/admin/users/1",
     "/account/two-factor", "/account/two-factor/set-up", "/admin/users/1/two-factor/reset"],
)
def test_signed_out_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_a_route_without_a_rule_is_not_served():
    from portal import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    forgotten = Blueprint("forgotten", __name__)

    @forgotten.route("/forgotten")
    def unruled():
        return "secret"

    @forgotten.route("/allowed")
    @public
    def ruled():
        return "fine"

    app.register_blueprint(forgotten)
    client = app.test_client()
    assert client.get("/forgotten").status_code == 404
    assert client.get("/allowed").status_code == 200
