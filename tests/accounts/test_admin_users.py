"""The administrator's user management."""

import pytest

from portal.accounts.models import User
from portal.core.audit import AuditEvent
from portal.core.db import db
from tests import factories
from tests.conftest import assert_no_duplicate_ids, count_queries, error_summary, page, sign_in


@pytest.fixture
def admin(client, org):
    user = factories.user(org, roles=["administrator"], name="Ben Carter")
    sign_in(client, user)
    return user


@pytest.mark.parametrize("role", ["candidate", "assessor", "programme_lead", "panel_chair"])
def test_only_administrators_manage_users(client, org, role):
    sign_in(client, factories.user(org, roles=[role]))
    assert client.get("/admin/users/").status_code == 403
    assert client.post("/admin/users/new", data={"name": "x"}).status_code == 403


def test_add_a_user_with_several_roles(client, org, admin):
    team = factories.team(org, "Children in Need North")
    db.session.commit()
    response = client.post("/admin/users/new", data={
        "name": "Sam Reid", "email": "Sam.Reid@Example.org", "team_id": str(team.id),
        "roles": ["assessor", "panel_member"],
    })
    assert response.status_code == 303
    user = db.session.scalar(db.select(User).where(User.email == "sam.reid@example.org"))
    assert user.organisation_id == org.id
    assert user.team_id == team.id
    assert {r.value for r in user.roles} == {"assessor", "panel_member"}
    assert user.password_hash is None
    audit = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "user_created"))
    assert audit.actor_id == admin.id and audit.object_id == user.id


def test_bad_input_is_explained_and_kept(client, org, admin):
    response = client.post("/admin/users/new", data={
        "name": "<script>alert(1)</script>", "email": "not-an-email", "team_id": "",
    })
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == [
        "Enter an email address in the correct format, like name@example.org",
        "Select at least one role",
    ]
    assert soup.select_one("#name")["value"] == "<script>alert(1)</script>"
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert_no_duplicate_ids(soup)


def test_duplicate_email_is_refused(client, org, admin):
    factories.user(org, email="taken@example.org")
    db.session.commit()
    response = client.post("/admin/users/new", data={
        "name": "Someone", "email": "TAKEN@example.org", "team_id": "", "roles": ["candidate"]})
    assert response.status_code == 400
    assert error_summary(page(response)) == ["A user with this email address already exists"]


def test_a_team_from_another_council_cannot_be_chosen(client, org, admin):
    other_team = factories.team(factories.organisation())
    db.session.commit()
    response = client.post("/admin/users/new", data={
        "name": "Someone", "email": "someone@example.org", "team_id": str(other_team.id),
        "roles": ["candidate"]})
    assert response.status_code == 400


def test_edit_roles_ends_the_persons_sessions(app, client, org, admin):
    person = factories.user(org, roles=["candidate", "assessor"])
    other_device = app.test_client()
    sign_in(other_device, person)
    response = client.post(f"/admin/users/{person.id}", data={
        "name": person.name, "email": person.email, "team_id": "", "roles": ["candidate"]})
    assert response.status_code == 303
    db.session.expire_all()
    assert {r.value for r in db.session.get(User, person.id).roles} == {"candidate"}
    assert other_device.get("/home").status_code == 303


def test_an_administrator_cannot_remove_their_own_admin_role(client, org, admin):
    response = client.post(f"/admin/users/{admin.id}", data={
        "name": admin.name, "email": admin.email, "team_id": "", "roles": ["candidate"]})
    assert response.status_code == 400
    assert "You cannot remove your own administrator role" in response.get_data(as_text=True)


def test_deactivate_and_reactivate(app, client, org, admin):
    person = factories.user(org)
    other_device = app.test_client()
    sign_in(other_device, person)
    assert client.post(f"/admin/users/{person.id}/deactivate").status_code == 303
    assert other_device.get("/home").status_code == 303
    bad = other_device.post("/sign-in", data={"email": person.email,
                                              "password": factories.PASSWORD})
    assert bad.status_code == 400
    assert client.post(f"/admin/users/{person.id}/reactivate").status_code == 303
    db.session.expire_all()
    assert db.session.get(User, person.id).active
    actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert {"user_deactivated", "user_reactivated"} <= set(actions)


def test_an_administrator_cannot_deactivate_themselves(client, org, admin):
    client.post(f"/admin/users/{admin.id}/deactivate")
    db.session.expire_all()
    assert db.session.get(User, admin.id).active


@pytest.mark.parametrize("method,suffix", [("get", ""), ("post", ""), ("post", "/deactivate"),
                                           ("post", "/reactivate")])
def test_users_of_another_council_are_not_found(client, org, admin, method, suffix):
    stranger = factories.user(factories.organisation())
    db.session.commit()
    response = getattr(client, method)(f"/admin/users/{stranger.id}{suffix}")
    assert response.status_code == 404


def test_the_list_only_shows_my_council_and_filters(client, org, admin):
    factories.user(org, name="Amara Okafor")
    factories.user(org, name="Jordan Price", roles=["assessor"])
    factories.user(factories.organisation(), name="Amara Elsewhere")
    db.session.commit()
    body = client.get("/admin/users/").get_data(as_text=True)
    assert "Amara Okafor" in body and "Jordan Price" in body
    assert "Amara Elsewhere" not in body
    body = client.get("/admin/users/?q=amara").get_data(as_text=True)
    assert "Amara Okafor" in body and "Jordan Price" not in body
    body = client.get("/admin/users/?role=assessor").get_data(as_text=True)
    assert "Jordan Price" in body and "Amara Okafor" not in body


def test_the_list_paginates(app, client, org, admin):
    for n in range(30):
        factories.user(org, name=f"Candidate {n:02d}")
    db.session.commit()
    first = page(client.get("/admin/users/"))
    assert len(first.select("tbody tr")) == app.config["PAGE_SIZE"]
    second = page(client.get("/admin/users/?page=2"))
    assert len(second.select("tbody tr")) == 31 - app.config["PAGE_SIZE"]


def test_an_htmx_search_returns_only_the_results(client, org, admin):
    response = client.htmx_get("/admin/users/?q=ben")
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert 'id="user-results"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_the_users_list_query_count_does_not_grow(client, org, admin):
    def queries_for_list() -> int:
        with count_queries() as statements:
            assert client.get("/admin/users/").status_code == 200
        return len(statements)

    team = factories.team(org)
    for n in range(3):
        factories.user(org, team_id=team.id, name=f"First {n}")
    db.session.commit()
    few = queries_for_list()
    for n in range(40):
        factories.user(org, team_id=team.id, roles=["candidate", "assessor"], name=f"P {n}")
    db.session.commit()
    assert queries_for_list() == few
    assert few <= 8
