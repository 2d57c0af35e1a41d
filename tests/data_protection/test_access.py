"""Only administrators of the person's own council may ask for, watch or download their
export; another council's person does not exist (404), other roles are refused (403), and
only the administrator who asked may download it."""

import pytest
from sqlalchemy import select

from portal.core.db import db
from portal.data_protection.models import ExportState, SubjectAccessExport
from tests import factories
from tests.data_protection.conftest import client_for

ROUTES = [("post", "/admin/users/{id}/subject-access"),
          ("get", "/admin/users/{id}/subject-access"),
          ("post", "/admin/users/{id}/subject-access/download")]


def _exports() -> list[SubjectAccessExport]:
    db.session.expire_all()
    return db.session.scalars(select(SubjectAccessExport)).all()


@pytest.mark.parametrize("role", ["candidate", "assessor", "programme_lead", "panel_chair"])
def test_other_roles_are_refused(app, council, subject, role):
    other = factories.user(council["org"], roles=[role])
    client = client_for(app, other)
    for method, url in ROUTES:
        assert getattr(client, method)(url.format(id=subject.id)).status_code == 403
    assert _exports() == []


def test_another_councils_administrator_finds_nothing(app, subject):
    elsewhere = factories.user(factories.organisation(), roles=["administrator"])
    client = client_for(app, elsewhere)
    for method, url in ROUTES:
        assert getattr(client, method)(url.format(id=subject.id)).status_code == 404
    assert _exports() == []


def test_only_the_administrator_who_asked_may_download(app, council, subject, administrator):
    client_for(app, administrator).post(f"/admin/users/{subject.id}/subject-access")
    assert [e.state for e in _exports()] == [ExportState.READY]
    colleague = factories.user(council["org"], roles=["administrator"])
    client = client_for(app, colleague)
    url = f"/admin/users/{subject.id}/subject-access/download"
    assert client.post(url).status_code == 404
    section = client.get(f"/admin/users/{subject.id}/subject-access")
    assert b"/subject-access/download" not in section.data


def test_every_post_needs_the_csrf_token(app, subject, administrator):
    client = client_for(app, administrator)
    assert client.post(f"/admin/users/{subject.id}/subject-access",
                       csrf=False).status_code == 400
    assert _exports() == []
