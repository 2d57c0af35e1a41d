"""Programme leads assign assessors and line managers; the history is kept."""

import pytest
from sqlalchemy import select

from portal.assignments.models import Assignment
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.notifications.models import Notification
from tests import factories
from tests.conftest import assert_no_duplicate_ids, count_queries, error_summary, page, sign_in


@pytest.fixture
def people(org):
    return {
        "candidate": factories.user(org, roles=["candidate"], name="Cara Candidate"),
        "first": factories.user(org, roles=["assessor"], name="Asha Assessor"),
        "second": factories.user(org, roles=["assessor"], name="Ben Assessor"),
        "manager": factories.user(org, roles=["line_manager"], name="Mo Manager"),
    }


@pytest.fixture
def lead(client, org):
    user = factories.user(org, roles=["programme_lead"], name="Lee Lead")
    sign_in(client, user)
    return user


def _url(candidate) -> str:
    return f"/assignments/candidates/{candidate.id}"


def _assign(client, candidate, staff, role="assessor"):
    db.session.commit()
    return client.post(_url(candidate), data={"role": role, f"{role}-staff_id": str(staff.id)})


def _assignments(candidate, role="assessor"):
    return db.session.scalars(select(Assignment).where(
        Assignment.candidate_id == candidate.id, Assignment.role == role)
        .order_by(Assignment.id)).all()


def test_page_offers_only_active_staff_holding_each_role(client, org, people, lead):
    factories.user(org, roles=["assessor"], name="Gone Assessor", active=False)
    factories.user(factories.organisation(), roles=["assessor"], name="Other Council")
    db.session.commit()
    response = client.get(_url(people["candidate"]))
    assert response.status_code == 200
    soup = page(response)
    assert_no_duplicate_ids(soup)
    assessors = [o.get_text() for o in soup.select("#assessor-staff_id option")]
    managers = [o.get_text() for o in soup.select("#line_manager-staff_id option")]
    assert assessors == ["Select an assessor", "Asha Assessor", "Ben Assessor"]
    assert managers == ["Select a line manager", "Mo Manager"]
    assert "None assigned" in soup.select_one(".govuk-summary-list").get_text()


def test_assign_notifies_and_audits(client, people, lead):
    response = _assign(client, people["candidate"], people["first"])
    assert response.status_code == 303
    [assignment] = _assignments(people["candidate"])
    assert assignment.staff_id == people["first"].id and assignment.current
    assert assignment.assigned_by_id == lead.id
    notes = {n.recipient_id: n for n in db.session.scalars(select(Notification))}
    assert "Cara Candidate's assessor" in notes[people["first"].id].message
    assert notes[people["candidate"].id].message == "Asha Assessor is now your assessor."
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "assigned")).all()
    assert [(e.actor_id, e.object_id) for e in events] == [(lead.id, assignment.id)]

    followed = client.get(response.headers["Location"])
    soup = page(followed)
    assert "Asha Assessor is now Cara Candidate's assessor." in soup.get_text()
    assert "Asha Assessor" in soup.select_one(".govuk-summary-list").get_text()


def test_reassigning_keeps_the_history(client, people, lead):
    _assign(client, people["candidate"], people["first"])
    _assign(client, people["candidate"], people["second"])
    _assign(client, people["candidate"], people["manager"], role="line_manager")
    first, second = _assignments(people["candidate"])
    assert first.ended_on is not None and second.current
    assert [a.staff_id for a in _assignments(people["candidate"], "line_manager")] == [
        people["manager"].id]

    rows = page(client.get(_url(people["candidate"]))).select("table tbody tr")
    cells = [[td.get_text(strip=True) for td in row.select("td")] for row in rows]
    assert {row[0] for row in cells} == {"Asha Assessor", "Ben Assessor", "Mo Manager"}
    assert all(row[4] == "Lee Lead" for row in cells)
    assert [row[3] for row in cells if row[0] == "Ben Assessor"] == ["Current"]


def test_assigning_the_same_person_again_is_refused(client, people, lead):
    _assign(client, people["candidate"], people["first"])
    response = _assign(client, people["candidate"], people["first"])
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Asha Assessor is already assigned"]
    assert len(_assignments(people["candidate"])) == 1


def test_end_an_assignment(client, people, lead):
    _assign(client, people["candidate"], people["first"])
    [assignment] = _assignments(people["candidate"])
    response = client.post(f"{_url(people['candidate'])}/assignments/{assignment.id}/end")
    assert response.status_code == 303
    db.session.expire_all()
    assert _assignments(people["candidate"])[0].ended_on is not None
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "assignment_ended")).object_id == assignment.id
    assert "None assigned" in page(client.get(_url(people["candidate"]))).select_one(
        ".govuk-summary-list").get_text()
    # Ending it again says why nothing happened.
    again = client.post(f"{_url(people['candidate'])}/assignments/{assignment.id}/end")
    assert "already ended" in page(client.get(again.headers["Location"])).get_text()


@pytest.mark.parametrize(("role", "field", "message"), [
    ("assessor", "manager", "Choose an assessor from your organisation"),
    ("line_manager", "first", "Choose a line manager from your organisation"),
])
def test_someone_without_the_role_is_refused_with_a_message(client, people, lead, role, field,
                                                            message):
    response = _assign(client, people["candidate"], people[field], role=role)
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Error: ")
    assert error_summary(soup) == [message]
    assert _assignments(people["candidate"], role) == []


def test_someone_from_another_council_or_nobody_is_refused(client, people, lead):
    outsider = factories.user(factories.organisation(), roles=["assessor"])
    assert _assign(client, people["candidate"], outsider).status_code == 400
    response = client.post(_url(people["candidate"]), data={"role": "assessor",
                                                            "assessor-staff_id": ""})
    assert error_summary(page(response)) == ["Select an assessor"]
    assert _assignments(people["candidate"]) == []


def test_another_councils_candidate_or_a_non_candidate_is_not_found(client, people, lead):
    elsewhere = factories.user(factories.organisation(), roles=["candidate"])
    db.session.commit()
    assert client.get(_url(elsewhere)).status_code == 404
    assert _assign(client, elsewhere, people["first"]).status_code == 404
    assert client.get(_url(people["first"])).status_code == 404
    assert client.get("/assignments/candidates/999999").status_code == 404


@pytest.mark.parametrize("roles", [["assessor"], ["line_manager"], ["candidate"],
                                   ["panel_chair"]])
def test_only_leads_and_administrators_assign(client, org, people, roles):
    sign_in(client, factories.user(org, roles=roles))
    assert client.get(_url(people["candidate"])).status_code == 403
    assert _assign(client, people["candidate"], people["first"]).status_code == 403
    assert _assignments(people["candidate"]) == []


def test_administrators_assign_too(client, org, people):
    sign_in(client, factories.user(org, roles=["administrator"]))
    assert _assign(client, people["candidate"], people["first"]).status_code == 303


def test_cohort_page_shows_each_assessor_with_a_link(client, org, people, lead):
    cohort = factories.cohort(org)
    factories.membership(cohort, people["candidate"])
    other = factories.user(org, roles=["candidate"], name="Dan Other")
    factories.membership(cohort, other)
    _assign(client, people["candidate"], people["first"])
    rows = page(client.get(f"/cohorts/{cohort.id}")).select("table tbody tr")
    text = {row.select("td")[0].get_text(strip=True): row.select("td")[2] for row in rows}
    assert "Asha Assessor" in text["Cara Candidate"].get_text()
    assert "None yet" in text["Dan Other"].get_text()
    link = text["Dan Other"].select_one("a")
    assert link["href"] == _url(other)
    assert link.get_text() == "Assign for Dan Other"


def test_cohort_page_queries_do_not_grow_with_assignments(client, org, people, lead):
    cohort = factories.cohort(org)
    factories.membership(cohort, people["candidate"])
    _assign(client, people["candidate"], people["first"])

    def queries():
        with count_queries() as statements:
            assert client.get(f"/cohorts/{cohort.id}").status_code == 200
        return len(statements)

    few = queries()
    for _ in range(20):
        candidate = factories.user(org, roles=["candidate"])
        factories.membership(cohort, candidate)
        _assign(client, candidate, people["second"])
    assert queries() == few
