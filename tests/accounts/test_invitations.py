"""Invitations: a person added by an administrator, or imported, sets their own password
through a single-use, expiring link; the administrator can send a new one."""

import io
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal.accounts.invitations import Invitation
from portal.accounts.models import User
from portal.core.db import db, utcnow
from portal.core.mail import outbox
from tests import factories
from tests.conftest import page, sign_in

NEW_PASSWORD = "kettle orchard lantern swim"


@pytest.fixture
def admin(client, org):
    user = factories.user(org, roles=["administrator"], name="Ben Carter")
    sign_in(client, user)
    return user


def _invitation_link(to: str) -> str:
    (email,) = [e for e in outbox() if e.to == to and "invited" in e.subject]
    return re.search(r"http://127\.0\.0\.1:5000(/invitation\?token=\S+)", email.body).group(1)


def _add_sam(client) -> User:
    response = client.post("/admin/users/new", data={
        "name": "Sam Reid", "email": "sam@example.org", "team_id": "", "roles": ["assessor"]})
    assert response.status_code == 303
    return db.session.scalar(select(User).where(User.email == "sam@example.org"))


def test_an_added_user_is_invited_and_sets_a_password_through_the_link(app, client, org,
                                                                         admin, caplog):
    caplog.set_level(logging.DEBUG)
    sam = _add_sam(client)
    link = _invitation_link("sam@example.org")
    token = link.split("token=")[1]
    (email,) = outbox()
    assert "Sam Reid" in email.body and "7 days" in email.body
    assert "Choose your password" in email.html

    newcomer = app.test_client()
    response = newcomer.get(link)
    # The secret leaves the address bar at once: the next page's address has none.
    assert response.status_code == 303
    assert response.headers["Location"] == "/invitation"
    form_page = newcomer.get("/invitation")
    assert form_page.status_code == 200
    assert "Welcome, Sam Reid" in form_page.get_data(as_text=True)
    assert token not in form_page.get_data(as_text=True)

    response = newcomer.post("/invitation", data={
        "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 303
    assert newcomer.get("/home").status_code == 200  # signed in
    db.session.expire_all()
    assert db.session.get(User, sam.id).password_hash is not None
    # Single use: the same link again is refused.
    assert app.test_client().get(link).status_code == 303
    again = app.test_client()
    again.get(link)
    assert again.get("/invitation").status_code == 404
    assert token not in caplog.text


def test_an_expired_invitation_is_refused(app, client, org, admin):
    _add_sam(client)
    link = _invitation_link("sam@example.org")
    db.session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    newcomer = app.test_client()
    newcomer.get(link)
    response = newcomer.get("/invitation")
    assert response.status_code == 404
    assert "expired" in page(response).h1.get_text()
    assert newcomer.post("/invitation", data={
        "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}).status_code == 404


def test_a_new_invitation_replaces_the_old_link(app, client, org, admin):
    sam = _add_sam(client)
    first = _invitation_link("sam@example.org")
    outbox().clear()
    edit_page = page(client.get(f"/admin/users/{sam.id}"))
    assert edit_page.select_one(f"form[action='/admin/users/{sam.id}/invitation']")
    assert client.post(f"/admin/users/{sam.id}/invitation").status_code == 303
    second = _invitation_link("sam@example.org")
    assert second != first
    old = app.test_client()
    old.get(first)
    assert old.get("/invitation").status_code == 404
    new = app.test_client()
    new.get(second)
    assert new.get("/invitation").status_code == 200


def test_someone_with_a_password_is_not_invited_again(client, org, admin):
    person = factories.user(org)
    db.session.commit()
    response = client.post(f"/admin/users/{person.id}/invitation")
    assert response.status_code == 303
    assert outbox() == []
    assert "already has a password" in client.get(response.headers["Location"]).get_data(
        as_text=True)


def test_another_councils_user_cannot_be_invited(client, org, admin):
    stranger = factories.user(factories.organisation(), password="")
    db.session.commit()
    assert client.post(f"/admin/users/{stranger.id}/invitation").status_code == 404


def test_everyone_imported_is_invited(client, org, admin):
    response = client.post("/admin/users/import", data={"csv_file": (io.BytesIO(
        b"name,email,roles\nAmara Okafor,amara@example.org,candidate\n"
        b"Sam Reid,sam@example.org,assessor\n"), "people.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 303
    assert sorted(e.to for e in outbox()) == ["amara@example.org", "sam@example.org"]
    assert _invitation_link("amara@example.org").startswith("/invitation?token=")
