"""Recording a social worker's registration details for the ASYE claims: tidied and
checked, corrected in place, audited without the number itself, refused clearly with
what was typed kept, and only for the council's own people."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditEvent
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.organisations.models import EntryRoute
from portal.reports.models import ProfessionalRegistration
from tests import factories
from tests.conftest import assert_no_duplicate_ids, error_summary, page, sign_in
from tests.portfolios.conftest import make_portfolio
from tests.reports.conftest import cohort_of

START = date(2024, 9, 2)


@pytest.fixture
def worker(org):
    _cohort, (person,) = cohort_of(org, 1, START, EntryRoute.STEP_UP)
    db.session.commit()
    return person


def _details(qualified=("30", "6", "2024"), number="SW12345", registered=("9", "9", "2024")):
    return {"qualified_on": list(qualified), "swe_number": number,
            "asye_registered_on": list(registered)}


def test_the_lead_records_the_details_and_the_number_is_tidied(client, lead, worker):
    response = client.post(f"/workforce/people/{worker.id}/registration",
                           data=_details(number=" sw 123 45 "))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/workforce/people/{worker.id}"
    record = db.session.scalar(select(ProfessionalRegistration))
    assert (record.candidate_id, record.qualified_on, record.swe_number,
            record.asye_registered_on, record.recorded_by_id) == (
        worker.id, date(2024, 6, 30), "SW12345", date(2024, 9, 9), lead.id)
    text = " ".join(page(client.get(f"/workforce/people/{worker.id}")).get_text().split())
    assert "SW12345" in text and "30 June 2024" in text and "9 September 2024" in text


def test_a_correction_is_audited_by_the_fields_changed_never_the_number(client, lead,
                                                                        worker):
    client.post(f"/workforce/people/{worker.id}/registration", data=_details())
    client.post(f"/workforce/people/{worker.id}/registration",
                data=_details(number="SW54321"))
    assert db.session.scalar(select(func.count(ProfessionalRegistration.id))) == 1
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.like("registration_%")).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["registration_recorded", "registration_corrected"]
    assert events[1].details["fields_changed"] == ["swe_number"]
    assert not any("SW54321" in str(e.details) or "SW12345" in str(e.details)
                   for e in events)


def test_details_may_be_left_blank_until_known(client, lead, worker):
    response = client.post(f"/workforce/people/{worker.id}/registration", data=_details(
        qualified=("", "", ""), number="", registered=("", "", "")))
    assert response.status_code == 303
    assert page(client.get(f"/workforce/people/{worker.id}")).get_text().count(
        "Not recorded") == 3


@pytest.mark.parametrize(("data", "field", "message"), [
    (_details(number="12345"), "swe_number",
     "Enter a Social Work England registration number in the correct format, like SW12345"),
    (_details(number="SW12A45"), "swe_number",
     "Enter a Social Work England registration number in the correct format, like SW12345"),
    (_details(qualified=("1", "1", "2100")), "qualified_on",
     "The qualification date must be today or in the past"),
    (_details(registered=("1", "1", "2100")), "asye_registered_on",
     "The ASYE registration date must be today or in the past"),
    (_details(registered=("1", "6", "2024")), "asye_registered_on",
     "The ASYE registration date must be on or after the qualification date"),
    (_details(qualified=("31", "2", "2024")), "qualified_on",
     "Enter the qualification date as a real date, like 30 6 2026"),
])
def test_a_refused_detail_explains_and_keeps_what_was_typed(client, lead, worker, data,
                                                           field, message):
    response = client.post(f"/workforce/people/{worker.id}/registration", data=data)
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == [message]
    assert soup.select_one("title").get_text().startswith("Error: ")
    assert soup.select_one("#swe_number")["value"] == data["swe_number"]
    assert soup.select_one("#qualified_on-day")["value"] == data["qualified_on"][0]
    assert soup.select_one(f"#{field}-error, #{field}-day")
    assert db.session.scalar(select(func.count(ProfessionalRegistration.id))) == 0
    assert_no_duplicate_ids(soup)


def test_the_page_warns_when_the_qualification_is_over_four_years_before_the_asye(
        client, org, lead):
    person = factories.user(org, roles=["candidate"])
    make_portfolio(org, candidate=person, start=date(2026, 9, 7))
    db.session.commit()
    client.post(f"/workforce/people/{person.id}/registration",
                data=_details(qualified=("6", "9", "2022"), registered=("14", "9", "2026")))
    warning = page(client.get(f"/workforce/people/{person.id}")).select_one(
        ".govuk-warning-text")
    assert "qualified more than 4 years before their ASYE started (7 September 2026)" in (
        " ".join(warning.get_text().split()))
    client.post(f"/workforce/people/{person.id}/registration",
                data=_details(qualified=("7", "9", "2022"), registered=("14", "9", "2026")))
    assert page(client.get(f"/workforce/people/{person.id}")).select_one(
        ".govuk-warning-text") is None


def test_another_councils_person_is_not_found_and_nothing_is_saved(client, lead):
    elsewhere = factories.organisation()
    _cohort, (stranger,) = cohort_of(elsewhere, 1, START, EntryRoute.STEP_UP)
    db.session.commit()
    assert client.get(f"/workforce/people/{stranger.id}/registration").status_code == 404
    assert client.post(f"/workforce/people/{stranger.id}/registration",
                       data=_details()).status_code == 404
    assert db.session.scalar(select(func.count(ProfessionalRegistration.id))) == 0


def test_a_candidate_cannot_record_their_own_details(client, worker):
    sign_in(client, worker)
    response = client.post(f"/workforce/people/{worker.id}/registration", data=_details())
    assert response.status_code in (403, 404)
    assert db.session.scalar(select(func.count(ProfessionalRegistration.id))) == 0


def test_today_is_a_valid_date(client, lead, worker):
    today = today_in_england()
    yesterday = today - timedelta(days=1)
    response = client.post(f"/workforce/people/{worker.id}/registration", data=_details(
        qualified=(str(yesterday.day), str(yesterday.month), str(yesterday.year)),
        registered=(str(today.day), str(today.month), str(today.year))))
    assert response.status_code == 303


def test_a_save_that_changes_nothing_writes_nothing(client, lead, worker):
    blank = _details(qualified=("", "", ""), number="", registered=("", "", ""))
    assert client.post(f"/workforce/people/{worker.id}/registration",
                       data=blank).status_code == 303
    assert db.session.scalar(select(func.count(ProfessionalRegistration.id))) == 0
    client.post(f"/workforce/people/{worker.id}/registration", data=_details())
    client.post(f"/workforce/people/{worker.id}/registration", data=_details())
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("registration_%"))).all()
    assert actions == ["registration_recorded"]


def test_an_erased_persons_details_cannot_be_entered_again(client, lead, worker):
    from portal.core.db import utcnow

    worker.erased_at, worker.active, worker.password_hash = utcnow(), False, None
    db.session.commit()
    assert client.get(f"/workforce/people/{worker.id}/registration").status_code == 404
    assert client.post(f"/workforce/people/{worker.id}/registration",
                       data=_details()).status_code == 404
    assert client.post(f"/workforce/people/{worker.id}/leaving", data={
        "left_on": ["1", "3", "2025"], "reason": "resignation"}).status_code == 404
    shown = page(client.get(f"/workforce/people/{worker.id}"))
    assert not shown.select(".govuk-summary-list__actions a")


def test_digits_of_other_scripts_are_not_a_registration_number(client, lead, worker):
    response = client.post(f"/workforce/people/{worker.id}/registration",
                           data=_details(number="SW\u0661\u0662\u0663"))
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(ProfessionalRegistration.id))) == 0
