"""Signing in with the council's account, against a real OpenID Connect provider started on
127.0.0.1: the code flow with PKCE and nonce, a wrong issuer, a replayed or expired state, a
code for another client, an address that matches an account (never linked by itself), new
accounts, and a council with password sign-in off."""

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.accounts.single_sign_on.models import CouncilSignOn, SignOnIdentity
from portal.accounts.single_sign_on.views import STARTED
from portal.core.audit import AuditEvent
from portal.core.db import db
from tests import factories
from tests.accounts.test_two_factor_views import with_two_factor
from tests.conftest import error_summary, page
from tests.oidc import oidc_provider, sign_in_at_provider

CALLBACK = "http://localhost/sign-in/council/callback"
ACCOUNTS = {
    "object-id-aisha": {"email": "aisha.khan@northshire.gov.uk", "email_verified": True,
                        "name": "Aisha Khan"},
    "object-id-newcomer": {"email": "sam.new@northshire.gov.uk", "name": "Sam New"},
    "object-id-outsider": {"email": "someone@elsewhere.example", "name": "Out Sider"},
}


@pytest.fixture(scope="module")
def provider():
    with oidc_provider([CALLBACK], ACCOUNTS) as running:
        yield running


def register(org, provider, client_id: str = "portal", **settings) -> CouncilSignOn:
    values = {"provider_name": "Microsoft", "issuer": provider.issuer, "client_id": client_id,
              "client_secret": provider.clients[client_id],
              "allowed_domains": "northshire.gov.uk"} | settings
    registration = CouncilSignOn(organisation_id=org.id, **values)
    db.session.add(registration)
    db.session.commit()
    return registration


def start(client, registration, **query):
    response = client.get(f"/sign-in/council/{registration.id}", query_string=query)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def sign_in_with_council(client, registration, login: str, **query):
    callback = sign_in_at_provider(start(client, registration, **query), login)
    return client.get(callback.removeprefix("http://localhost"))


def signed_in_as(client) -> str | None:
    home = client.get("/home")
    return None if home.status_code != 200 or "/sign-out" not in home.get_data(
        as_text=True) else home.get_data(as_text=True)


def link(user, registration, subject: str, linked_by: str = "administrator"):
    db.session.add(SignOnIdentity(user_id=user.id, issuer=registration.issuer,
                                  subject=subject, linked_by=linked_by))
    db.session.commit()


def test_the_redirect_asks_for_a_code_with_pkce_state_and_nonce(client, org, provider):
    registration = register(org, provider)
    query = parse_qs(urlsplit(start(client, registration)).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"][0] and query["nonce"][0] and query["code_challenge"][0]
    assert query["redirect_uri"] == [CALLBACK]


def test_a_linked_identity_signs_in_and_is_audited(client, org, provider):
    registration = register(org, provider)
    user = factories.user(org, roles=(Role.ASSESSOR,), email="aisha.khan@northshire.gov.uk")
    link(user, registration, "object-id-aisha")
    response = sign_in_with_council(client, registration, "object-id-aisha")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/home")
    assert signed_in_as(client)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "signed_in")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.actor_id == user.id and event.details["through"] == "council_sign_on"


def test_the_page_asked_for_before_sign_in_follows(client, org, provider):
    registration = register(org, provider)
    user = factories.user(org, roles=(Role.ASSESSOR,))
    link(user, registration, "object-id-aisha")
    response = sign_in_with_council(client, registration, "object-id-aisha",
                                    next="/notifications/")
    assert response.headers["Location"].endswith("/notifications/")


def test_an_outside_next_address_is_dropped(client, org, provider):
    registration = register(org, provider)
    link(factories.user(org), registration, "object-id-aisha")
    response = sign_in_with_council(client, registration, "object-id-aisha",
                                    next="//evil.example/")
    assert "evil" not in response.headers["Location"]


def test_a_matching_address_is_not_linked_until_the_password_is_proven(client, org, provider):
    registration = register(org, provider)
    user = factories.user(org, roles=(Role.ASSESSOR,), email="aisha.khan@northshire.gov.uk")
    db.session.commit()
    response = sign_in_with_council(client, registration, "object-id-aisha")
    assert response.headers["Location"].endswith("/sign-in/council/link")
    assert signed_in_as(client) is None
    assert db.session.scalar(select(SignOnIdentity)) is None

    wrong = client.post("/sign-in/council/link", data={"password": "not it at all"})
    assert wrong.status_code == 400
    assert error_summary(page(wrong)) == ["The password is not correct"]
    assert db.session.scalar(select(SignOnIdentity)) is None

    right = client.post("/sign-in/council/link", data={"password": factories.PASSWORD})
    assert right.status_code == 303
    identity = db.session.scalar(select(SignOnIdentity))
    assert (identity.user_id, identity.subject, identity.linked_by) == (
        user.id, "object-id-aisha", "password")
    assert identity.issuer == provider.issuer
    client.post("/sign-out", data={"csrf_token": ""})
    again = client.application.test_client()
    assert sign_in_with_council(again, registration, "object-id-aisha").status_code == 303
    assert signed_in_as(again)


def test_an_account_with_an_authenticator_app_is_not_linked_by_its_password(
        client, org, provider):
    """The password alone must not let a council account skip the portal's code."""
    registration = register(org, provider)
    user = factories.user(org, roles=(Role.ASSESSOR,), email="aisha.khan@northshire.gov.uk")
    with_two_factor(user)
    response = sign_in_with_council(client, registration, "object-id-aisha")
    assert response.status_code == 403
    assert client.get("/sign-in/council/link").status_code == 403
    assert signed_in_as(client) is None
    assert db.session.scalar(select(SignOnIdentity)) is None


def test_an_unknown_person_is_refused_when_the_council_does_not_create_accounts(
        client, org, provider):
    registration = register(org, provider)
    response = sign_in_with_council(client, registration, "object-id-newcomer")
    assert response.status_code == 403
    assert "not linked to an account" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "sam.new@northshire.gov.uk")) \
        is None
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "sign_on_refused")).details == {"reason": "not_linked"}


def test_a_council_that_creates_accounts_gives_them_no_role(client, org, provider):
    registration = register(org, provider, create_accounts=True)
    response = sign_in_with_council(client, registration, "object-id-newcomer")
    assert response.status_code == 303
    created = db.session.scalar(select(User).where(User.email == "sam.new@northshire.gov.uk"))
    assert created.organisation_id == org.id and created.name == "Sam New"
    assert created.roles == frozenset() and created.password_hash is None
    assert db.session.scalar(select(SignOnIdentity)).linked_by == "created"


def test_an_address_outside_the_council_domains_is_never_created(client, org, provider):
    registration = register(org, provider, create_accounts=True)
    response = sign_in_with_council(client, registration, "object-id-outsider")
    assert response.status_code == 403
    assert db.session.scalar(select(User).where(User.email == "someone@elsewhere.example")) \
        is None


def test_a_matching_address_in_another_council_is_treated_as_unknown(client, org, provider):
    registration = register(org, provider)
    factories.user(factories.organisation(), email="aisha.khan@northshire.gov.uk")
    db.session.commit()
    response = sign_in_with_council(client, registration, "object-id-aisha")
    assert response.status_code == 403


def test_a_replayed_answer_is_refused(client, org, provider):
    registration = register(org, provider)
    link(factories.user(org), registration, "object-id-aisha")
    callback = sign_in_at_provider(start(client, registration), "object-id-aisha")
    assert client.get(callback.removeprefix("http://localhost")).status_code == 303
    client.post("/sign-out", data={})
    replay = client.application.test_client()
    assert replay.get(callback.removeprefix("http://localhost")).status_code == 403
    assert signed_in_as(replay) is None


def test_an_answer_with_another_state_is_refused(client, org, provider):
    registration = register(org, provider)
    link(factories.user(org), registration, "object-id-aisha")
    callback = sign_in_at_provider(start(client, registration), "object-id-aisha")
    start(client, registration)  # a second sign-in begun in the same browser
    tampered = callback.replace("state=", "state=x")
    assert client.get(tampered.removeprefix("http://localhost")).status_code == 403
    assert signed_in_as(client) is None


def test_an_expired_sign_in_is_refused(client, org, provider):
    registration = register(org, provider)
    link(factories.user(org), registration, "object-id-aisha")
    callback = sign_in_at_provider(start(client, registration), "object-id-aisha")
    with client.session_transaction() as session:
        session[STARTED] = {**session[STARTED], "until": 0}
    assert client.get(callback.removeprefix("http://localhost")).status_code == 403
    assert signed_in_as(client) is None


def test_a_code_issued_to_another_client_is_refused(client, org, provider):
    """The portal is registered as 'portal'; a code the provider issued to another of its
    clients cannot be redeemed by the portal."""
    ours = register(org, provider)
    link(factories.user(org), ours, "object-id-aisha")
    other_org = factories.organisation()
    theirs = register(other_org, provider, client_id="other-service")
    their_callback = sign_in_at_provider(start(client, theirs), "object-id-aisha")
    # The browser then carries that code into a sign-in begun with the portal's client.
    ours_query = parse_qs(urlsplit(start(client, ours)).query)
    their_query = parse_qs(urlsplit(their_callback).query)
    response = client.get("/sign-in/council/callback", query_string={
        "code": their_query["code"][0], "state": ours_query["state"][0]})
    assert response.status_code == 403
    assert signed_in_as(client) is None


def test_a_provider_naming_another_issuer_is_refused(client, org, provider):
    registration = register(org, provider, issuer=provider.issuer + "/")
    response = client.get(f"/sign-in/council/{registration.id}")
    assert response.status_code == 502
    assert "did not answer as your council set it up" in response.get_data(as_text=True)


def test_an_unreachable_provider_gets_a_clear_page(client, org):
    registration = CouncilSignOn(organisation_id=org.id, provider_name="Microsoft",
                                 issuer="http://127.0.0.1:9", client_id="portal",
                                 client_secret="x", allowed_domains="northshire.gov.uk")
    db.session.add(registration)
    db.session.commit()
    response = client.get(f"/sign-in/council/{registration.id}")
    assert response.status_code == 502


def test_a_disabled_or_unknown_registration_is_not_found(client, org, provider):
    registration = register(org, provider, enabled=False)
    assert client.get(f"/sign-in/council/{registration.id}").status_code == 404
    assert client.get("/sign-in/council/999999").status_code == 404


def test_the_sign_in_page_offers_enabled_councils_only(client, org, provider):
    register(org, provider, provider_name="Northshire Entra")
    register(factories.organisation(), provider, provider_name="Hidden Council",
             enabled=False)
    text = client.get("/sign-in").get_data(as_text=True)
    assert "Sign in with your Northshire Entra account" in text
    assert "Hidden Council" not in text


def test_password_sign_in_off_refuses_passwords_except_for_administrators(client, org, provider):
    register(org, provider, password_sign_in=False)
    assessor = factories.user(org, roles=(Role.ASSESSOR,))
    administrator = factories.user(org, roles=(Role.ADMINISTRATOR,))
    db.session.commit()
    refused = client.post("/sign-in", data={"email": assessor.email,
                                            "password": factories.PASSWORD})
    assert refused.status_code == 400
    assert "turned off password sign-in" in error_summary(page(refused))[0]
    allowed = client.post("/sign-in", data={"email": administrator.email,
                                            "password": factories.PASSWORD})
    assert allowed.status_code == 303


def test_signing_out_says_the_council_session_goes_on(client, org, provider):
    registration = register(org, provider, provider_name="Microsoft")
    link(factories.user(org), registration, "object-id-aisha")
    sign_in_with_council(client, registration, "object-id-aisha")
    response = client.post("/sign-out", follow_redirects=True)
    assert "still signed in to your Microsoft account" in response.get_data(as_text=True)
