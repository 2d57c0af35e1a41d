"""A support plan's own page: who may read it (everyone else gets 404), how its wording
says how it opened, the assessor recording the agreed objectives and closing it, a
deferral opening one, and the database refusing a state without its dates."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from portal.assessment.reports import operations as reports
from portal.assessment.support_plans import operations as support_plans
from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.notifications.models import Notification
from portal.portfolios.reviews.models import SupportPlan
from tests import factories
from tests.conftest import error_summary, page, sign_in
from tests.home import candidate_year as cy

TODAY = cy.TODAY


def _text(node) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True))


@pytest.fixture
def the_year(org):
    """A candidate whose 3-month review found them not on track: a plan is open."""
    the_year = cy.year(org)
    report = cy.start_review(the_year)
    cy.rate(the_year, report, not_on_track=1)
    reports.sign_off(the_year.assessor, report)
    db.session.commit()
    return the_year


@pytest.fixture
def plan(the_year) -> SupportPlan:
    return db.session.scalar(db.select(SupportPlan))


def _summary(soup) -> dict[str, str]:
    return {_text(row.dt): _text(row.dd) for row in soup.select(".govuk-summary-list__row")}


# Who may read the plan ---------------------------------------------------------------
def _reader(who: str, the_year, org):
    if who == "candidate":
        return the_year.candidate
    if who == "assessor":
        return the_year.assessor
    if who == "line manager":
        return the_year.manager
    if who == "programme lead":
        return the_year.lead
    if who == "previous assessor":
        previous = the_year.assessor
        assign(the_year.lead, the_year.candidate,
               factories.user(org, roles=["assessor"]), AssignmentRole.ASSESSOR, TODAY)
        return previous
    if who == "another council's lead":
        return factories.user(factories.organisation(), roles=["programme_lead"])
    roles = {"another candidate": ["candidate"], "another assessor": ["assessor"],
             "another line manager": ["line_manager"], "panel chair": ["panel_chair"],
             "administrator": ["administrator"]}[who]
    return factories.user(org, roles=roles)


@pytest.mark.parametrize(("who", "status"), [
    ("candidate", 200), ("assessor", 200), ("line manager", 200), ("programme lead", 200),
    ("previous assessor", 404), ("another candidate", 404), ("another assessor", 404),
    ("another line manager", 404), ("panel chair", 404), ("administrator", 404),
    ("another council's lead", 404),
])
def test_who_may_read_a_support_plan(client, org, the_year, plan, who, status):
    sign_in(client, _reader(who, the_year, org))
    assert client.get(f"/support-plans/{plan.id}").status_code == status


def test_an_unknown_plan_is_not_found(client, the_year, plan):
    sign_in(client, the_year.candidate)
    assert client.get(f"/support-plans/{plan.id + 1000}").status_code == 404


# Wording ------------------------------------------------------------------------------
def test_the_candidate_reads_how_the_plan_opened_never_that_it_was_agreed(client, the_year,
                                                                         plan):
    sign_in(client, the_year.candidate)
    soup = page(client.get(f"/support-plans/{plan.id}"))
    assert soup.h1.get_text(strip=True) == "Your support plan"
    rows = _summary(soup)
    assert rows["Status"] == "Open: objectives not agreed yet"
    assert rows["How it opened"].startswith(
        f"Opened automatically on {cy.uk(TODAY)}, when the 3-month review found you not on "
        "track in: 1 ")
    assert rows["Agreed"] == "Not agreed yet: your assessor will agree the objectives with you."
    assert rows["Next review"] == cy.uk(plan.review_on)
    assert "agreed with you" not in _text(soup.select_one("main")).lower()
    assert soup.select_one(f"a[href='/reports/{plan.report_id}']") is not None
    assert soup.select("main form") == []  # the candidate reads; the assessor records


def test_staff_read_the_candidates_name_and_the_lead_the_report_too(app, client, the_year,
                                                                    plan):
    sign_in(client, the_year.manager)
    soup = page(client.get(f"/support-plans/{plan.id}"))
    assert soup.h1.get_text(strip=True) == "Amara Okafor’s support plan"
    assert "found Amara Okafor not on track" in _summary(soup)["How it opened"]
    assert soup.select("main form") == []  # only the assessor records the agreement
    lead = app.test_client()
    sign_in(lead, the_year.lead)
    soup = page(lead.get(f"/support-plans/{plan.id}"))
    # Programme leads read every review report of their council (docs/access.md).
    assert soup.select_one(f"a[href='/reports/{plan.report_id}']") is not None
    assert soup.select("main form") == []


# The assessor records the agreement ----------------------------------------------------
def _agreement(objectives="Weekly reflective supervision on court work.", agreed=TODAY,
               review=TODAY + timedelta(days=28)):
    return {"objectives": objectives,
            "agreed_on": [str(agreed.day), str(agreed.month), str(agreed.year)],
            "review_on": [str(review.day), str(review.month), str(review.year)]}


def test_the_assessor_records_the_agreed_plan_and_the_candidate_reads_who_agreed_it(
        app, client, the_year, plan):
    sign_in(client, the_year.assessor)
    response = client.post(f"/support-plans/{plan.id}/agree", data=_agreement())
    assert response.status_code == 303
    db.session.expire_all()
    stored = db.session.get(SupportPlan, plan.id)
    assert (stored.state, stored.agreed_by_id, stored.agreed_on) == (
        "agreed", the_year.assessor.id, TODAY)
    assert stored.review_on == TODAY + timedelta(days=28)
    assert db.session.scalar(db.select(AuditEvent.action).where(
        AuditEvent.object_type == "support_plan", AuditEvent.actor_id == the_year.assessor.id
    )) == "support_plan_agreed"
    assert db.session.scalar(db.select(Notification.link).where(
        Notification.recipient_id == the_year.candidate.id).order_by(
        Notification.id.desc())) == f"/support-plans/{plan.id}"

    candidate = app.test_client()
    sign_in(candidate, the_year.candidate)
    rows = _summary(page(candidate.get(f"/support-plans/{plan.id}")))
    assert rows["Status"] == "Agreed"
    assert rows["Objectives"] == "Weekly reflective supervision on court work."
    assert rows["Agreed"] == f"Agreed with you by Helen Shaw on {cy.uk(TODAY)}."
    # It still says how it opened: agreeing it later does not rewrite its history.
    assert rows["How it opened"].startswith("Opened automatically")


@pytest.mark.parametrize(("form", "message"), [
    (_agreement(objectives="  "), "Enter the objectives agreed with the candidate"),
    (_agreement(agreed=TODAY + timedelta(days=1)),
     "The plan must have been agreed between the day it opened and today"),
    (_agreement(review=TODAY - timedelta(days=1)),
     "The review date must be on or after the day the plan was agreed"),
    ({**_agreement(), "review_on": ["31", "2", "2027"]},
     "Enter a real review date, like 27 3 2027"),
])
def test_a_wrong_agreement_is_explained_and_keeps_what_was_typed(client, the_year, plan, form,
                                                                 message):
    sign_in(client, the_year.assessor)
    response = client.post(f"/support-plans/{plan.id}/agree", data=form)
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == [message]
    assert soup.title.get_text().startswith("Error: ")
    assert soup.select_one("textarea[name=objectives]").get_text() == form["objectives"]
    db.session.expire_all()
    assert db.session.get(SupportPlan, plan.id).state == "open"


@pytest.mark.parametrize(("who", "status"), [
    ("candidate", 403), ("line manager", 403), ("another assessor", 404),
    ("previous assessor", 404),
])
def test_only_the_current_assessor_records_or_closes_a_plan(client, org, the_year, plan, who,
                                                           status):
    sign_in(client, _reader(who, the_year, org))
    assert client.post(f"/support-plans/{plan.id}/agree",
                       data=_agreement()).status_code == status
    assert client.post(f"/support-plans/{plan.id}/close").status_code == status
    db.session.expire_all()
    assert db.session.get(SupportPlan, plan.id).state == "open"


def test_closing_asks_first_then_closes_for_good(client, the_year, plan):
    sign_in(client, the_year.assessor)
    confirm = page(client.get(f"/support-plans/{plan.id}/close"))
    assert confirm.h1.get_text(strip=True) == (
        "Are you sure you want to close Amara Okafor’s support plan?")
    db.session.expire_all()
    assert db.session.get(SupportPlan, plan.id).state == "open"  # a GET changes nothing
    assert client.post(f"/support-plans/{plan.id}/close").status_code == 303
    db.session.expire_all()
    stored = db.session.get(SupportPlan, plan.id)
    assert (stored.state, stored.closed_on) == ("closed", TODAY)
    rows = _summary(page(client.get(f"/support-plans/{plan.id}")))
    assert (rows["Status"], rows["Closed"]) == ("Closed", cy.uk(TODAY))
    # A closed plan can no longer be agreed or closed again.
    response = client.post(f"/support-plans/{plan.id}/agree", data=_agreement())
    assert response.status_code == 303
    assert "closed and can no longer be changed" in client.get(
        f"/support-plans/{plan.id}").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(SupportPlan, plan.id).agreed_on is None


# A deferral opens a plan -------------------------------------------------------------
def test_a_deferral_opens_a_plan_about_the_domains_the_panel_named(org):
    the_year = cy.year(org)
    decision = cy.decided(the_year, "deferred")
    plan = db.session.scalar(db.select(SupportPlan))
    assert plan.decision_id == decision.id
    assert plan.report_id == decision.agenda_item.report_id
    assert (plan.state, plan.opened_on) == ("open", TODAY)
    assert plan.review_on == min(cy.ACTION_DUE, cy.EVIDENCE_DUE)
    titles = [d.title for d in reports.pcf_domains(the_year.portfolio)[:2]]
    assert all(title in plan.concerns for title in titles)
    assert db.session.scalar(db.select(AuditEvent.action).where(
        AuditEvent.object_type == "support_plan")) == "support_plan_opened"


@pytest.mark.parametrize("code", ["approved", "approved-with-actions", "not-approved"])
def test_other_outcomes_open_no_plan(org, code):
    cy.decided(cy.year(org), code)
    assert db.session.scalar(db.select(db.func.count(SupportPlan.id))) == 0


def test_a_final_report_that_opened_a_plan_keeps_it_through_a_deferral(org):
    the_year = cy.year(org)
    cy.decided(the_year, "deferred", not_on_track=1)
    plans = db.session.scalars(db.select(SupportPlan)).all()
    assert [(p.decision_id, p.state) for p in plans] == [(None, "open")]


def test_the_deferral_plan_page_says_the_panel_opened_it(client, org):
    the_year = cy.year(org)
    decision = cy.decided(the_year, "deferred")
    db.session.commit()
    plan = db.session.scalar(db.select(SupportPlan))
    sign_in(client, the_year.candidate)
    soup = page(client.get(f"/support-plans/{plan.id}"))
    assert _summary(soup)["How it opened"] == (
        f"Opened automatically on {cy.uk(TODAY)}, when the panel deferred its decision on "
        "your portfolio.")
    assert soup.select_one(f"a[href='/decisions/{decision.id}']") is not None


# The database keeps the state and its dates together ----------------------------------
@pytest.mark.parametrize("change", [
    {"state": "agreed"},  # no date agreed
    {"state": "closed"},  # no closing date
    {"closed_on": date(2027, 1, 1)},  # a closing date on an open plan
    {"state": "paused"},
])
def test_the_database_refuses_a_state_without_its_dates(the_year, plan, change):
    for name, value in change.items():
        setattr(plan, name, value)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_operations_refuse_a_closed_plan(the_year, plan):
    support_plans.close(the_year.assessor, plan, TODAY)
    with pytest.raises(support_plans.SupportPlanError, match="closed"):
        support_plans.agree(the_year.assessor, plan, objectives="More", agreed_on=TODAY,
                            review_on=TODAY, today=TODAY)
    with pytest.raises(support_plans.SupportPlanError, match="closed"):
        support_plans.close(the_year.assessor, plan, TODAY)
