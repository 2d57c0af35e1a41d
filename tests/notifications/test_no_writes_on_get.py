"""No GET changes data: opening a notification is a POST, and every GET route of the
notifications package runs without a single write."""

import re

import pytest
from flask import url_for

from portal.core.db import db
from portal.notifications.models import Notification
from portal.notifications.operations import notify
from tests import factories
from tests.conftest import count_queries, page, sign_in

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


@pytest.fixture
def person(client, org):
    user = factories.user(org, roles=["candidate"])
    sign_in(client, user)
    return user


def _get_routes(app, blueprint: str) -> list:
    return [rule for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith(blueprint + ".") and "GET" in rule.methods]


def test_the_package_has_get_routes_to_walk(app):
    assert {rule.endpoint for rule in _get_routes(app, "notifications")} == {
        "notifications.index"}


def test_walking_every_get_route_writes_nothing(app, client, person):
    note = notify(person.id, "Your assessor left feedback", "/evidence/")
    db.session.commit()
    with app.test_request_context():
        urls = [url_for(rule.endpoint, **dict.fromkeys(rule.arguments, note.id))
                for rule in _get_routes(app, "notifications")]
    # The old address for opening one, too: it must not mark anything read any more.
    urls.append(f"/notifications/{note.id}")
    for url in urls:
        with count_queries() as statements:
            client.get(url)
        writes = [s for s in statements if WRITE.match(s)]
        assert writes == [], f"GET {url} wrote: {writes}"
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at is None


def test_the_list_opens_each_notification_with_a_post(client, person):
    note = notify(person.id, "A report is ready", "/reports/1")
    db.session.commit()
    form = page(client.get("/notifications/")).select_one(".portal-entry form")
    assert form["method"] == "post"
    assert form["action"] == f"/notifications/{note.id}/open"
    assert form.select_one("input[name=csrf_token]") is not None
    assert form.select_one("button").get_text(strip=True) == "A report is ready"


def test_opening_without_the_csrf_token_is_refused_and_marks_nothing(client, person):
    note = notify(person.id, "Something happened", "/home")
    db.session.commit()
    assert client.post(f"/notifications/{note.id}/open", csrf=False).status_code == 400
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at is None
