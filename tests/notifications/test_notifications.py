"""Each person's notifications in the portal."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.core.db import db
from portal.notifications.models import Notification
from portal.notifications.operations import notify
from portal.notifications.views import is_same_site_path
from tests import factories
from tests.conftest import assert_no_duplicate_ids, count_queries, page, sign_in


@pytest.fixture
def person(client, org):
    user = factories.user(org, roles=["candidate"])
    sign_in(client, user)
    return user


def _note(user, message="Something happened", link="/home", minutes_ago=0, read=False):
    note = notify(user.id, message, link)
    note.created_at = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    if read:
        note.read_at = datetime.now(UTC)
    db.session.commit()
    return note


def test_list_is_newest_first_with_unread_tagged(client, person):
    _note(person, "Older and read", minutes_ago=10, read=True)
    _note(person, "Newer", minutes_ago=1)
    _note(factories.user(), "Someone else's")
    soup = page(client.get("/notifications/"))
    assert_no_duplicate_ids(soup)
    items = soup.select(".portal-entry")
    assert [i.select_one("a").get_text() for i in items] == ["Newer", "Older and read"]
    assert "Unread" in items[0].get_text() and "Unread" not in items[1].get_text()
    assert "You have 1 unread notification." in soup.get_text()


def test_list_is_paginated(client, person):
    for n in range(30):
        _note(person, f"Note {n:02}", minutes_ago=n)
    first = page(client.get("/notifications/"))
    assert len(first.select(".portal-entry")) == 25
    second = page(client.get("/notifications/?page=2"))
    assert [a.get_text() for a in second.select(".portal-entry a")][-1] == "Note 29"


def test_opening_marks_read_and_follows_the_link(client, person):
    note = _note(person, link="/assess/")
    response = client.get(f"/notifications/{note.id}")
    assert response.status_code == 303
    assert response.headers["Location"] == "/assess/"
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at is not None


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/", "/\\evil.example",
                                  "javascript:alert(1)", ""])
def test_a_link_off_the_site_goes_home_instead(client, person, link):
    note = _note(person, link=link)
    response = client.get(f"/notifications/{note.id}")
    assert response.headers["Location"] == "/home"


def test_same_site_paths():
    assert is_same_site_path("/portfolios/3?x=1")
    assert not is_same_site_path("http://example.org/")
    assert not is_same_site_path(None)


def test_another_persons_notification_is_not_found(client, person):
    note = _note(factories.user(), "Private")
    assert client.get(f"/notifications/{note.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at is None
    assert client.get("/notifications/999999").status_code == 404


def test_mark_all_read(client, person):
    mine = [_note(person), _note(person)]
    theirs = _note(factories.user())
    response = client.post("/notifications/read-all")
    assert response.status_code == 303
    db.session.expire_all()
    assert all(db.session.get(Notification, n.id).read_at for n in mine)
    assert db.session.get(Notification, theirs.id).read_at is None
    assert "All your notifications are marked as read." in page(
        client.get(response.headers["Location"])).get_text()


def test_mark_all_read_needs_csrf(client, person):
    _note(person)
    assert client.post("/notifications/read-all", csrf=False).status_code == 400


def test_header_shows_the_unread_count_with_one_query(client, person):
    _note(person)
    _note(person)
    _note(person, read=True)
    with count_queries() as statements:
        soup = page(client.get("/notifications/"))
    link = soup.select_one(".govuk-service-navigation a[href='/notifications/']")
    assert link.get_text(" ", strip=True).replace(" )", ")") == "Notifications (2 unread)"
    assert link.select_one(".govuk-visually-hidden").get_text(strip=True) == "unread"
    counts = [s for s in statements if "count" in s.lower() and "notification" in s.lower()
              and "read_at IS NULL" in s]
    assert len(counts) == 1


def test_every_signed_in_page_has_the_item(client, org):
    sign_in(client, factories.user(org, roles=["assessor"]))
    soup = page(client.get("/home"))
    texts = [a.get_text(" ", strip=True) for a in soup.select(".govuk-service-navigation a")]
    assert "Your candidates" in texts
    assert any(t.startswith("Notifications (0") for t in texts)


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/notifications/").status_code in {302, 303}


def test_notifications_are_emailed_when_email_is_configured(app, client, org):
    from portal.assignments.models import AssignmentRole
    from portal.core.mail import outbox

    lead = factories.user(org, roles=["programme_lead"])
    candidate = factories.user(org, roles=["candidate"], email="amara@example.org")
    assessor = factories.user(org, roles=["assessor"])
    sign_in(client, lead)
    app.config["NOTIFY_BY_EMAIL"] = True
    try:
        response = client.post(f"/assignments/candidates/{candidate.id}", data={
            "role": AssignmentRole.ASSESSOR.value, "assessor-staff_id": str(assessor.id),
            "assessor-submit": "y"})
    finally:
        app.config["NOTIFY_BY_EMAIL"] = False
    assert response.status_code in {302, 303}, response.get_data(as_text=True)[:300]
    recipients = {email.to for email in outbox()}
    assert "amara@example.org" in recipients
