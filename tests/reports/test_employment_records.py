"""Recording that a social worker left or moved team: who may, what is checked, what is
kept when a form is refused, and the audit trail."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditEvent
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.organisations.models import EntryRoute
from portal.reports.models import LeavingRecord, TeamChange
from tests import factories
from tests.conftest import assert_no_duplicate_ids, error_summary, page, sign_in
from tests.reports.conftest import cohort_of, left

START = date(2024, 9, 2)


@pytest.fixture
def worker(org):
    _cohort, (person,) = cohort_of(org, 1, START, EntryRoute.STEP_UP)
    db.session.commit()
    return person


def _leaving(day: date, reason: str = "resignation") -> dict:
    return {"left_on": [str(day.day), str(day.month), str(day.year)], "reason": reason}


def _audit_actions() -> list[str]:
    return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def test_the_lead_records_when_and_why_someone_left(client, lead, worker):
    response = client.post(f"/workforce/people/{worker.id}/leaving",
                           data=_leaving(date(2025, 10, 31)))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/workforce/people/{worker.id}"
    record = db.session.scalar(select(LeavingRecord))
    assert (record.candidate_id, record.left_on, record.reason, record.recorded_by_id) == (
        worker.id, date(2025, 10, 31), "resignation", lead.id)
    assert "leaving_recorded" in _audit_actions()
    shown = page(client.get(f"/workforce/people/{worker.id}"))
    assert "31 October 2025" in shown.get_text() and "Resignation" in shown.get_text()


def test_a_second_save_corrects_the_record_and_says_so_in_the_audit(client, lead, worker):
    client.post(f"/workforce/people/{worker.id}/leaving", data=_leaving(date(2025, 10, 31)))
    client.post(f"/workforce/people/{worker.id}/leaving",
                data=_leaving(date(2025, 11, 7), "moved_within_council"))
    records = db.session.scalars(select(LeavingRecord)).all()
    assert [(r.left_on, r.reason) for r in records] == [
        (date(2025, 11, 7), "moved_within_council")]
    assert _audit_actions()[-2:] == ["leaving_recorded", "leaving_corrected"]


@pytest.mark.parametrize(("data", "message"), [
    (_leaving(START - timedelta(days=1)),
     "The leaving date must be on or after the day {name} started (2 September 2024)"),
    (_leaving(date(2100, 1, 1)), "The leaving date must be today or in the past"),
    ({"left_on": ["31", "2", "2025"], "reason": "resignation"},
     "Enter the leaving date as a real date, like 31 3 2026"),
    ({"left_on": ["", "", ""], "reason": "resignation"}, "Enter the date they left"),
    ({"left_on": ["1", "3", "2025"]}, "Select the reason they left"),
    ({"left_on": ["1", "3", "2025"], "reason": "not_yet_collected"},
     "Not a valid choice."),
])
def test_a_refused_leaving_record_explains_and_keeps_what_was_typed(client, lead, worker,
                                                                    data, message):
    response = client.post(f"/workforce/people/{worker.id}/leaving", data=data)
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == [message.format(name=worker.name)]
    assert soup.select_one("title").get_text().startswith("Error: ")
    assert soup.select_one("#left_on-day")["value"] == data["left_on"][0]
    assert db.session.scalar(select(func.count(LeavingRecord.id))) == 0
    assert_no_duplicate_ids(soup)


def test_today_is_a_valid_leaving_date(client, lead, worker):
    response = client.post(f"/workforce/people/{worker.id}/leaving",
                           data=_leaving(today_in_england()))
    assert response.status_code == 303


def test_the_reasons_are_the_census_reasons(client, lead, worker):
    soup = page(client.get(f"/workforce/people/{worker.id}/leaving"))
    labels = [label.get_text(strip=True) for label in soup.select(".govuk-radios__label")]
    assert labels == ["Resignation", "Voluntary redundancy", "Compulsory redundancy",
                      "Dismissed", "Retired", "Deceased",
                      "Moved to a role within the council that is not child and family "
                      "social work", "Other", "Not known"]


def test_sending_the_form_twice_records_once(client, lead, worker):
    data = {**_leaving(date(2025, 10, 31)), "form_key": "k" * 32}
    assert client.post(f"/workforce/people/{worker.id}/leaving", data=data).status_code == 303
    assert client.post(f"/workforce/people/{worker.id}/leaving", data=data).status_code == 303
    assert _audit_actions().count("leaving_recorded") == 1
    assert "leaving_corrected" not in _audit_actions()


def test_the_lead_records_a_move_to_another_team(client, org, lead, worker):
    north, south = factories.team(org, "North"), factories.team(org, "South")
    worker.team_id = north.id
    db.session.commit()
    response = client.post(f"/workforce/people/{worker.id}/team", data={
        "team_id": str(south.id), "changed_on": ["1", "4", "2025"]})
    assert response.status_code == 303
    change = db.session.scalar(select(TeamChange))
    assert (change.from_team_id, change.to_team_id, change.changed_on) == (
        north.id, south.id, date(2025, 4, 1))
    db.session.expire_all()
    assert worker.team_id == south.id
    assert "team_changed" in _audit_actions()
    text = page(client.get(f"/workforce/people/{worker.id}")).get_text()
    assert "1 April 2025: from North to South" in " ".join(text.split())


@pytest.mark.parametrize(("team", "day", "message"), [
    ("same", ["1", "4", "2025"], "{name} is already in North"),
    ("other", ["1", "4", "2100"], "The date of the move must be today or in the past"),
    ("other", ["1", "12", "2025"], "{name} left on 31 October 2025: a move must be on or "
                                   "before that day"),
    ("", ["1", "4", "2025"], "Select the team they moved to"),
])
def test_a_refused_move_explains_and_keeps_what_was_typed(client, org, lead, worker, team,
                                                          day, message):
    north, south = factories.team(org, "North"), factories.team(org, "South")
    worker.team_id = north.id
    left(worker, date(2025, 10, 31))
    db.session.commit()
    chosen = {"same": str(north.id), "other": str(south.id), "": ""}[team]
    response = client.post(f"/workforce/people/{worker.id}/team",
                           data={"team_id": chosen, "changed_on": day})
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == [message.format(name=worker.name)]
    assert soup.select_one("#changed_on-year")["value"] == day[2]
    assert db.session.scalar(select(func.count(TeamChange.id))) == 0


def test_another_councils_team_is_not_a_choice(client, lead, worker):
    elsewhere = factories.team(factories.organisation(), "Elsewhere")
    db.session.commit()
    response = client.post(f"/workforce/people/{worker.id}/team", data={
        "team_id": str(elsewhere.id), "changed_on": ["1", "4", "2025"]})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(TeamChange.id))) == 0


def test_someone_of_another_council_or_in_no_cohort_is_not_found(client, lead, org):
    stranger_org = factories.organisation()
    _cohort, (stranger,) = cohort_of(stranger_org, 1, START, EntryRoute.UNIVERSITY)
    colleague = factories.user(org, roles=["assessor"])
    db.session.commit()
    for person in (stranger, colleague):
        for url in (f"/workforce/people/{person.id}", f"/workforce/people/{person.id}/leaving",
                    f"/workforce/people/{person.id}/team"):
            assert client.get(url).status_code == 404, url
        assert client.post(f"/workforce/people/{person.id}/leaving",
                           data=_leaving(date(2025, 1, 1))).status_code == 404
    assert db.session.scalar(select(func.count(LeavingRecord.id))) == 0


@pytest.mark.parametrize("role", ["candidate", "assessor", "line_manager", "panel_chair",
                                  "external_moderator"])
def test_only_leads_and_administrators_keep_employment_records(client, org, worker, role):
    sign_in(client, factories.user(org, roles=[role]))
    assert client.get("/workforce/people/").status_code == 403
    assert client.get(f"/workforce/people/{worker.id}").status_code == 403
    assert client.post(f"/workforce/people/{worker.id}/leaving",
                       data=_leaving(date(2025, 1, 1))).status_code == 403


def test_an_administrator_may_record_leaving(client, org, worker):
    sign_in(client, factories.user(org, roles=["administrator"]))
    assert client.post(f"/workforce/people/{worker.id}/leaving",
                       data=_leaving(date(2025, 1, 1))).status_code == 303


def test_the_list_shows_who_left(client, org, lead, worker):
    _cohort, (stayer,) = cohort_of(org, 1, START, EntryRoute.STEP_UP)
    left(worker, date(2025, 10, 31), "retired")
    db.session.commit()
    soup = page(client.get("/workforce/people/"))
    rows = {row.select_one("a").get_text(): " ".join(row.get_text().split())
            for row in soup.select("tbody tr")}
    assert "31 October 2025 (Retired)" in rows[worker.name]
    assert "In post" in rows[stayer.name]
    assert lead.name not in rows
