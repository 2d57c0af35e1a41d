"""The service administrator adds councils from the web and the command line; nobody else
can, and no council can give the role."""

import pytest
from sqlalchemy import select

from portal.accounts import two_factor
from portal.accounts.councils.commands import councils_cli
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.accounts.single_sign_on.models import CouncilSignOn, SignOnIdentity
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.notifications.email_models import OutgoingEmail
from portal.organisations.models import Organisation
from tests import factories
from tests.conftest import assert_no_duplicate_ids, error_summary, page, sign_in

NEW_COUNCIL = {"name": "Eastvale Borough Council", "short_name": "Eastvale",
               "two_factor_for_leads_and_admins": "y", "administrator_name": "Maya Osei",
               "administrator_email": "Maya.Osei@eastvale.gov.uk"}


def _form_key(client) -> str:
    return page(client.get("/service/councils/new")).select_one("input[name=form_key]")["value"]


def test_a_service_administrator_adds_a_council_and_its_administrator_is_invited(
        client, as_role):
    service = as_role(Role.SERVICE_ADMINISTRATOR)
    assert_no_duplicate_ids(page(client.get("/service/councils/new")))
    response = client.post("/service/councils/new",
                           data=NEW_COUNCIL | {"form_key": _form_key(client)})
    assert response.status_code == 303
    council = db.session.scalar(select(Organisation).where(
        Organisation.name == "Eastvale Borough Council"))
    assert council.two_factor_for_leads_and_admins is True
    administrator = db.session.scalar(select(User).where(User.organisation_id == council.id))
    assert administrator.email == "maya.osei@eastvale.gov.uk"
    assert administrator.roles == {Role.ADMINISTRATOR} and administrator.password_hash is None
    assert db.session.scalar(select(OutgoingEmail).where(
        OutgoingEmail.recipient_id == administrator.id)).kind == "invitation"
    created = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "council_created"))
    assert (created.actor_id, created.organisation_id) == (service.id, council.id)
    listing = client.get("/service/councils/").get_data(as_text=True)
    assert "Eastvale Borough Council" in listing


def test_sending_the_form_twice_adds_one_council(client, as_role):
    as_role(Role.SERVICE_ADMINISTRATOR)
    data = NEW_COUNCIL | {"form_key": _form_key(client)}
    client.post("/service/councils/new", data=data)
    again = client.post("/service/councils/new", data=data)
    assert again.status_code == 303
    assert db.session.scalar(select(Organisation).where(
        Organisation.short_name == "Eastvale")) is not None
    assert len(db.session.scalars(select(Organisation).where(
        Organisation.short_name == "Eastvale")).all()) == 1


def test_a_taken_name_or_address_is_refused_and_the_answers_kept(client, org, as_role):
    as_role(Role.SERVICE_ADMINISTRATOR)
    taken = factories.user(org, email="taken@example.org")
    db.session.commit()
    response = client.post("/service/councils/new", data=NEW_COUNCIL | {
        "name": org.name.upper(), "form_key": _form_key(client)})
    assert response.status_code == 400
    assert error_summary(page(response)) == ["A council with this name already exists"]
    assert page(response).select_one("#administrator_name")["value"] == "Maya Osei"
    response = client.post("/service/councils/new", data=NEW_COUNCIL | {
        "administrator_email": taken.email, "form_key": _form_key(client)})
    assert error_summary(page(response)) == ["A user with this email address already exists"]
    assert db.session.scalar(select(Organisation).where(
        Organisation.short_name == "Eastvale")) is None


def test_council_administrators_cannot_reach_the_councils(client, as_role):
    as_role(Role.ADMINISTRATOR)
    assert client.get("/service/councils/").status_code == 403
    assert client.post("/service/councils/new", data=NEW_COUNCIL).status_code == 403


def test_no_council_can_give_the_service_administrator_role(client, org, as_role):
    as_role(Role.ADMINISTRATOR)
    form = page(client.get("/admin/users/new"))
    assert form.select_one("input[value=service_administrator]") is None
    key = form.select_one("input[name=form_key]")["value"]
    response = client.post("/admin/users/new", data={
        "name": "Sly", "email": "sly@example.org", "roles": ["service_administrator"],
        "team_id": "", "form_key": key})
    assert response.status_code == 400
    assert db.session.scalar(select(User).where(User.email == "sly@example.org")) is None


def test_editing_a_service_administrator_keeps_the_role(client, org, as_role):
    as_role(Role.ADMINISTRATOR)
    service = factories.user(org, roles=(Role.ADMINISTRATOR, Role.SERVICE_ADMINISTRATOR))
    db.session.commit()
    response = client.post(f"/admin/users/{service.id}", data={
        "name": "Renamed", "email": service.email, "roles": ["administrator"], "team_id": ""})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, service.id).roles == {Role.ADMINISTRATOR,
                                                      Role.SERVICE_ADMINISTRATOR}


def test_a_council_administrator_cannot_take_over_a_service_administrator(
        client, org, as_role):
    """Their address (where password resets go) and a council sign-in link are how one
    would sign in as them: a council administrator changes neither."""
    as_role(Role.ADMINISTRATOR)
    service = factories.user(org, roles=(Role.ADMINISTRATOR, Role.SERVICE_ADMINISTRATOR))
    db.session.add(CouncilSignOn(organisation_id=org.id, provider_name="Microsoft",
                                 issuer="https://idp.example/tenant", client_id="c",
                                 client_secret="s", allowed_domains="example.org"))
    db.session.commit()
    original = service.email
    response = client.post(f"/admin/users/{service.id}", data={
        "name": service.name, "email": "mine@example.org", "roles": ["administrator"],
        "team_id": ""})
    assert response.status_code == 400
    assert error_summary(page(response)) == [
        "Only a service administrator can change how a service administrator signs in"]
    response = client.post(f"/admin/sign-on/people/{service.id}", data={"subject": "my-oid"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, service.id).email == original
    assert db.session.scalar(select(SignOnIdentity)) is None


def test_the_command_line_adds_a_council_and_a_service_administrator(app, org):
    person = factories.user(org, roles=(Role.ADMINISTRATOR,), email="ops@example.org")
    db.session.commit()
    runner = app.test_cli_runner()
    made = runner.invoke(councils_cli, ["make-service-administrator", "ops@example.org"])
    assert made.exit_code == 0, made.output
    db.session.expire_all()
    assert Role.SERVICE_ADMINISTRATOR in db.session.get(User, person.id).roles
    added = runner.invoke(councils_cli, [
        "create", "--name", "Westmoor Council", "--short-name", "Westmoor",
        "--administrator-name", "Ola", "--administrator-email", "ola@westmoor.gov.uk",
        "--no-two-factor"])
    assert added.exit_code == 0, added.output
    council = db.session.scalar(select(Organisation).where(
        Organisation.name == "Westmoor Council"))
    assert council.two_factor_for_leads_and_admins is False
    again = runner.invoke(councils_cli, [
        "create", "--name", "Westmoor Council", "--short-name", "W",
        "--administrator-name", "X", "--administrator-email", "x@westmoor.gov.uk"])
    assert again.exit_code == 1 and "already exists" in again.output
    listed = runner.invoke(councils_cli, ["list"])
    assert "Westmoor Council" in listed.output


def test_a_service_administrator_has_a_home_and_a_councils_menu_item(client, as_role):
    as_role(Role.SERVICE_ADMINISTRATOR)
    home = client.get("/home")
    assert home.status_code == 200
    assert page(home).select_one("a[href='/service/councils/']") is not None


def test_a_service_administrator_must_use_two_factor_whatever_their_councils_rule(
        app, client, org):
    service = factories.user(org, roles=(Role.SERVICE_ADMINISTRATOR,))
    assert org.two_factor_for_leads_and_admins is False
    app.config["TWO_FACTOR_FOR_SERVICE_ADMINISTRATORS"] = True
    try:
        sign_in(client, service)
        response = client.get("/service/councils/")
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/account/two-factor")
    finally:
        app.config["TWO_FACTOR_FOR_SERVICE_ADMINISTRATORS"] = False


@pytest.mark.parametrize("action", ["deactivate", "two-factor/reset", "erase"])
def test_a_council_administrator_cannot_act_on_a_service_administrator(
        client, org, as_role, action):
    as_role(Role.ADMINISTRATOR)
    service = factories.user(org, roles=(Role.SERVICE_ADMINISTRATOR, Role.ASSESSOR))
    two_factor.begin_set_up(service, factories.PASSWORD)
    db.session.commit()
    client.post(f"/admin/users/{service.id}/{action}", data={"reason": "erasure_request"})
    db.session.expire_all()
    kept = db.session.get(User, service.id)
    assert kept.active and kept.erased_at is None
    assert two_factor.authenticator(kept) is not None
