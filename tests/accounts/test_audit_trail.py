"""The administrator's audit trail: their council's rows only, filtered, paged, downloaded
as safe CSV (an export is itself audited), and the rows people expect to find in it
(failed sign-ins, role changes)."""

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal.core import audit
from portal.core.audit import AuditEvent
from portal.core.db import db
from tests import factories
from tests.conftest import count_queries, error_summary, page, sign_in


@pytest.fixture
def admin(client, org):
    user = factories.user(org, roles=["administrator"], name="Ben Carter",
                          email="ben.carter@example.org")
    sign_in(client, user)
    return user


def _event(actor, action, target, when: datetime, **details) -> None:
    audit.record(actor, action, target, **details)
    db.session.flush()
    newest = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    newest.occurred_at = when
    db.session.commit()


def _rows(response) -> list[list[str]]:
    return [[cell.get_text(" ", strip=True) for cell in row.select("td")]
            for row in page(response).select("tbody tr")]


@pytest.mark.parametrize("role", ["candidate", "assessor", "programme_lead", "line_manager"])
def test_only_administrators_read_the_trail(client, org, role):
    sign_in(client, factories.user(org, roles=[role]))
    assert client.get("/admin/audit/").status_code == 403
    assert client.get("/admin/audit/audit-trail.csv").status_code == 403


def test_the_trail_shows_this_councils_rows_newest_first(client, org, admin):
    other_council = factories.organisation()
    stranger = factories.user(other_council, name="Someone Elsewhere")
    person = factories.user(org, name="Amara Okafor")
    _event(admin, "user_deactivated", person, datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    _event(admin, "user_reactivated", person, datetime(2026, 3, 3, 14, 5, tzinfo=UTC))
    _event(stranger, "user_deactivated", stranger, datetime(2026, 3, 4, tzinfo=UTC))

    response = client.get("/admin/audit/")
    assert response.status_code == 200
    rows = [row for row in _rows(response) if "activated" in row[2]]
    assert [row[2] for row in rows] == ["User reactivated", "User deactivated"]
    assert rows[0][1].startswith("Ben Carter") and rows[0][3] == f"User account {person.id}"
    assert "Someone Elsewhere" not in response.get_data(as_text=True)


def test_filters_by_who_what_which_record_and_when(client, org, admin):
    person = factories.user(org, name="Amara Okafor")
    other = factories.user(org, name="Jordan Price", email="jordan_price@example.org")
    _event(admin, "user_deactivated", person, datetime(2026, 3, 2, 9, tzinfo=UTC))
    _event(other, "password_changed", other, datetime(2026, 4, 10, 9, tzinfo=UTC))
    _event(admin, "user_reactivated", person, datetime(2026, 5, 1, 9, tzinfo=UTC))

    def actions(**args) -> list[str]:
        response = client.get("/admin/audit/", query_string=args)
        assert response.status_code == 200, error_summary(page(response))
        return [row[2] for row in _rows(response)]

    assert actions(who="jordan_") == ["Password changed"]
    assert actions(who="%") == []  # matched literally, not as a wildcard
    assert actions(action="user_deactivated") == ["User deactivated"]
    assert actions(record_type="user_account", record_id=str(person.id)) == [
        "User reactivated", "User deactivated"]
    april = {"from_date": ["1", "4", "2026"], "to_date": ["30", "4", "2026"]}
    assert actions(**april) == ["Password changed"]


def test_a_wrong_filter_is_explained_and_kept(client, org, admin):
    response = client.get("/admin/audit/", query_string={
        "record_id": "12abc", "who": "Helen", "from_date": ["31", "4", "2026"],
        "action": "made_up"})
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Error: ")
    summary = error_summary(soup)
    assert summary == ["Choose what they did from the list",
                       "Record number must be a number, like 1024",
                       "From must be a real date, like 27 3 2026"]
    assert soup.select_one("#record_id")["value"] == "12abc"
    assert soup.select_one("#who")["value"] == "Helen"


def test_the_page_runs_the_same_statements_for_few_or_many_rows(client, org, admin):
    person = factories.user(org)
    _event(admin, "user_deactivated", person, datetime(2026, 3, 2, tzinfo=UTC))
    with count_queries() as few:
        assert client.get("/admin/audit/").status_code == 200
    for day in range(1, 29):
        _event(admin, "user_reactivated", person, datetime(2026, 2, day, tzinfo=UTC))
    with count_queries() as many:
        assert client.get("/admin/audit/").status_code == 200
    assert len(many) == len(few) <= 10


def test_the_csv_export_is_safe_and_is_itself_audited(client, org, admin):
    sneaky = factories.user(org, name="=HYPERLINK(\"http://evil.example\")")
    _event(sneaky, "password_changed", sneaky, datetime(2026, 3, 2, 9, tzinfo=UTC))

    response = client.get("/admin/audit/audit-trail.csv",
                          query_string={"action": "password_changed"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="audit-trail.csv"'
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["When (UK time)", "Who", "Email", "Action"]
    assert rows[1][1] == "'=HYPERLINK(\"http://evil.example\")"
    assert rows[1][3] == "Password changed" and len(rows) == 2

    exported = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "audit_exported")).one()
    assert exported.actor_id == admin.id and exported.organisation_id == org.id
    assert exported.details == {"filter": {"action": "password_changed"}}


def test_failed_sign_ins_are_in_the_trail_without_the_address_typed(app, org, admin):
    person = factories.user(org, email="amara@example.org")
    db.session.commit()
    stranger = app.test_client()
    for email in ("Amara@example.org", "nobody@example.org"):
        response = stranger.post("/sign-in", data={"email": email, "password": "wrong"})
        assert response.status_code == 400
    failed = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "sign_in_failed").order_by(AuditEvent.id)).all()
    assert [(e.object_id, e.organisation_id) for e in failed] == [
        (person.id, org.id), (None, None)]
    assert all("nobody" not in str(e.details) for e in failed)


def test_a_role_change_says_what_the_roles_were_and_became(client, org, admin):
    person = factories.user(org, roles=["candidate"], name="Sam Reid", email="sam@example.org")
    db.session.commit()
    response = client.post(f"/admin/users/{person.id}", data={
        "name": "Sam Reid", "email": "sam@example.org", "team_id": "",
        "roles": ["candidate", "assessor"]})
    assert response.status_code == 303
    change = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "roles_changed")).one()
    assert change.details == {"before": ["candidate"], "after": ["assessor", "candidate"]}


@pytest.mark.parametrize(("details", "text"), [
    ({}, ""),
    ({"fields": ["name", "team"]}, "Fields: name, team"),
    ({"filter": {"action": "user_updated"}, "count": 3}, "Count: 3; Filter: Action user_updated"),
])
def test_details_are_put_in_words(details, text):
    from portal.accounts.audit_trail import details_text

    assert details_text(details) == text
