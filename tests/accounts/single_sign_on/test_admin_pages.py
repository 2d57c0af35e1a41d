"""The administrator's council sign-in pages: settings (the secret never shown or logged in
the audit row), and linking or unlinking a person's council account."""

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.accounts.operations import AccountError
from portal.accounts.roles import Role
from portal.accounts.single_sign_on import operations
from portal.accounts.single_sign_on.models import CouncilSignOn, SignOnIdentity
from portal.core.audit import AuditEvent
from portal.core.db import db
from tests import factories
from tests.conftest import assert_no_duplicate_ids, error_summary, page
from tests.races import postgres_only, run_at_once

SETTINGS = {"provider_name": "Microsoft",
            "issuer": "https://login.microsoftonline.com/0000-tenant/v2.0",
            "client_id": "portal-client", "client_secret": "s3cret-value",
            "allowed_domains": "Northshire.gov.uk\n\nnorthshire.nhs.uk ", "enabled": "y",
            "password_sign_in": "y"}


def test_an_administrator_saves_the_settings_and_the_secret_stays_hidden(client, as_role):
    administrator = as_role(Role.ADMINISTRATOR)
    response = client.post("/admin/sign-on/", data=SETTINGS)
    assert response.status_code == 303
    saved = db.session.scalar(select(CouncilSignOn))
    assert saved.organisation_id == administrator.organisation_id
    assert saved.domains == ["northshire.gov.uk", "northshire.nhs.uk"]
    assert saved.client_secret == "s3cret-value" and not saved.create_accounts
    shown = client.get("/admin/sign-on/").get_data(as_text=True)
    assert "s3cret-value" not in shown
    assert "/sign-in/council/callback" in shown
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "sign_on_settings_changed"))
    assert "client_secret" in event.details["changed"]
    assert "s3cret-value" not in str(event.details)


def test_a_blank_secret_keeps_the_saved_one(client, as_role):
    as_role(Role.ADMINISTRATOR)
    client.post("/admin/sign-on/", data=SETTINGS)
    client.post("/admin/sign-on/", data=SETTINGS | {"client_secret": "", "client_id": "new"})
    saved = db.session.scalar(select(CouncilSignOn))
    db.session.refresh(saved)
    assert (saved.client_id, saved.client_secret) == ("new", "s3cret-value")


def test_bad_settings_are_refused_and_keep_what_was_typed(client, as_role):
    as_role(Role.ADMINISTRATOR)
    response = client.post("/admin/sign-on/", data=SETTINGS | {
        "issuer": "https://login.microsoftonline.com/common/v2.0", "client_secret": "",
        "allowed_domains": "not a domain"})
    assert response.status_code == 400
    problems = error_summary(page(response))
    assert "Enter your tenant's own issuer, not /common or /organizations" in problems
    assert any("is not an email domain" in problem for problem in problems)
    assert page(response).select_one("#client_id")["value"] == "portal-client"
    assert db.session.scalar(select(CouncilSignOn)) is None


def test_a_first_save_needs_a_secret(client, as_role):
    as_role(Role.ADMINISTRATOR)
    response = client.post("/admin/sign-on/", data=SETTINGS | {"client_secret": ""})
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Enter the client secret"]


def test_a_plain_http_issuer_is_refused_unless_local(client, as_role):
    as_role(Role.ADMINISTRATOR)
    response = client.post("/admin/sign-on/", data=SETTINGS | {"issuer": "http://idp.example"})
    assert "Enter the issuer as an https:// address" in error_summary(page(response))


def test_a_local_issuer_is_refused_in_production(app, client, as_role, monkeypatch):
    """The portal fetches the issuer's discovery document: in production it must not be
    pointed at a service on the portal's own machine."""
    as_role(Role.ADMINISTRATOR)
    monkeypatch.setitem(app.config, "PORTAL_ENV", "production")
    response = client.post("/admin/sign-on/", data=SETTINGS | {
        "issuer": "http://127.0.0.1:8080/internal"})
    assert response.status_code == 400
    assert "Enter the issuer as an https:// address" in error_summary(page(response))
    assert db.session.scalar(select(CouncilSignOn)) is None


def test_other_roles_cannot_reach_the_settings(client, as_role):
    as_role(Role.PROGRAMME_LEAD)
    assert client.get("/admin/sign-on/").status_code == 403
    assert client.post("/admin/sign-on/", data=SETTINGS).status_code == 403


def _registration(org) -> CouncilSignOn:
    registration = CouncilSignOn(organisation_id=org.id, provider_name="Microsoft",
                                 issuer="https://idp.example/tenant", client_id="c",
                                 client_secret="s", allowed_domains="example.org")
    db.session.add(registration)
    db.session.commit()
    return registration


def test_an_administrator_links_and_unlinks_a_person(client, org, as_role):
    as_role(Role.ADMINISTRATOR)
    registration = _registration(org)
    person = factories.user(org, roles=(Role.ASSESSOR,))
    db.session.commit()
    assert "Link " in client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    response = client.post(f"/admin/sign-on/people/{person.id}", data={"subject": " oid-1 "})
    assert response.status_code == 303
    identity = db.session.scalar(select(SignOnIdentity))
    assert (identity.user_id, identity.issuer, identity.subject, identity.linked_by) == (
        person.id, registration.issuer, "oid-1", "administrator")
    assert client.post(f"/admin/sign-on/people/{person.id}/unlink").status_code == 303
    assert db.session.scalar(select(SignOnIdentity)) is None
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_id == person.id)).all()
    assert {"sign_on_linked", "sign_on_unlinked"} <= set(actions)


def test_an_identity_already_linked_to_someone_else_is_refused(client, org, as_role):
    as_role(Role.ADMINISTRATOR)
    registration = _registration(org)
    first, second = factories.user(org), factories.user(org)
    db.session.add(SignOnIdentity(user_id=first.id, issuer=registration.issuer,
                                  subject="oid-1", linked_by="administrator"))
    db.session.commit()
    response = client.post(f"/admin/sign-on/people/{second.id}", data={"subject": "oid-1"})
    assert response.status_code == 400
    assert error_summary(page(response)) == ["That council account is already linked to someone"]


def test_another_councils_person_is_not_found(client, org, as_role):
    as_role(Role.ADMINISTRATOR)
    _registration(org)
    stranger = factories.user(factories.organisation())
    db.session.commit()
    assert client.get(f"/admin/sign-on/people/{stranger.id}").status_code == 404
    assert client.post(f"/admin/sign-on/people/{stranger.id}",
                       data={"subject": "x"}).status_code == 404
    assert client.post(f"/admin/sign-on/people/{stranger.id}/unlink").status_code == 404


def test_linking_needs_the_csrf_token(client, org, as_role):
    as_role(Role.ADMINISTRATOR)
    _registration(org)
    person = factories.user(org)
    db.session.commit()
    response = client.post(f"/admin/sign-on/people/{person.id}", data={"subject": "x"},
                           csrf=False)
    assert response.status_code == 400
    assert db.session.scalar(select(SignOnIdentity)) is None


def test_an_administrator_changes_the_councils_two_factor_rule(client, org, as_role):
    as_role(Role.ADMINISTRATOR)
    shown = page(client.get("/admin/sign-on/"))
    assert shown.select_one("#rule-required").has_attr("checked") is False
    response = client.post("/admin/sign-on/two-factor",
                           data={"rule-required": "y", "rule-csrf_token": client.csrf_token()})
    assert response.status_code == 303
    db.session.refresh(org)
    assert org.two_factor_for_leads_and_admins is True
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "two_factor_rule_changed"))
    assert event.details == {"required": True} and event.organisation_id == org.id
    assert page(client.get("/admin/sign-on/")).select_one("#rule-required").has_attr("checked")
    client.post("/admin/sign-on/two-factor", data={"rule-csrf_token": client.csrf_token()})
    db.session.refresh(org)
    assert org.two_factor_for_leads_and_admins is False


def test_the_two_factor_rule_needs_the_csrf_token(client, org, as_role):
    as_role(Role.ADMINISTRATOR)
    client.post("/admin/sign-on/two-factor", data={"rule-required": "y"}, csrf=False)
    db.session.refresh(org)
    assert org.two_factor_for_leads_and_admins is False


def test_the_settings_page_has_no_duplicate_ids(client, org, as_role):
    as_role(Role.ADMINISTRATOR)
    _registration(org)
    assert_no_duplicate_ids(page(client.get("/admin/sign-on/")))


def test_the_same_council_account_linked_twice_at_once_links_once(app, org):
    """Two administrators (or a double click) link one provider identity to two people at
    the same moment: one link, and a refusal, never a server error."""
    postgres_only()
    registration = _registration(org)
    administrator = factories.user(org, roles=(Role.ADMINISTRATOR,))
    people = [factories.user(org).id, factories.user(org).id]
    db.session.commit()
    # Plain ids: the threads must not touch the test's own session (its objects are expired
    # by the commit, and reading one would load it there from two threads at once).
    administrator_id, registration_id = administrator.id, registration.id

    def job(person_id):
        def load():
            return (db.session.get(User, administrator_id), db.session.get(User, person_id),
                    db.session.get(CouncilSignOn, registration_id))

        def act(loaded):
            actor, person, council = loaded
            operations.link(actor, person, council, "object-id-1",
                            operations.LINKED_BY_ADMINISTRATOR)
        return load, act

    outcomes = run_at_once(app, [job(person_id) for person_id in people], (AccountError,))
    assert sorted(outcomes) == ["That council account is already linked to someone", "won"]
    assert db.session.scalar(select(func.count(SignOnIdentity.id))) == 1
