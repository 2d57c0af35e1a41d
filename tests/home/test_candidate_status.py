"""The candidate's home says where they are: the next thing to do in each portfolio state,
the panel's outcome with a deferral's deadline and actions, and any open support plan,
in a number of queries that does not grow with what the candidate has."""

import dataclasses
import re
from datetime import timedelta

import pytest

from portal.core.db import db
from portal.panels.models import DecisionAction
from portal.portfolios import operations
from portal.portfolios.models import PortfolioState
from portal.portfolios.reviews.models import DomainProgress, SupportPlan
from tests import factories
from tests.conftest import assert_no_duplicate_ids, count_queries, page, sign_in
from tests.home import candidate_year as cy
from tests.portfolios.conftest import make_portfolio


def _text(node) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True))


def _home(client, the_year):
    sign_in(client, the_year.candidate)
    response = client.get("/home")
    assert response.status_code == 200
    soup = page(response)
    assert_no_duplicate_ids(soup)
    return soup


def _next_step(soup) -> str:
    return _text(soup.select_one("[id^='next-step-']"))


def _due(code: str):
    return lambda the_year: cy.uk(cy.point(the_year, code).due_on)


def _panel_decides(code: str):
    return lambda the_year: cy.decided(the_year, code)


def _nothing(the_year):
    return None


def _today(the_year):
    return cy.uk(cy.TODAY)


# The case: (how to get there, the portfolio's state then, how what the home page says
# begins, with {} for a date worked out from the year).
CASES = {
    "draft, agreement overdue": (
        _nothing, PortfolioState.DRAFT,
        "Submit your support and assessment agreement: it was due on {}.", _due("agreement")),
    "draft, next review to come": (
        cy.agreement_done, PortfolioState.DRAFT,
        "Submit your 3-month review by {}.", _due("three-month")),
    "submitted for review": (
        cy.submit_review, PortfolioState.SUBMITTED_FOR_REVIEW,
        "You submitted your 3-month review on {}.", _today),
    "review under assessment": (
        cy.start_review, PortfolioState.UNDER_ASSESSMENT,
        "Your assessor is writing your report on your 3-month review.", None),
    "returned by the assessor": (
        cy.returned, PortfolioState.RETURNED,
        "Your assessor has returned your submission with requests.", None),
    "submitted for panel": (
        cy.submit_final, PortfolioState.SUBMITTED_FOR_PANEL,
        "You submitted your final portfolio on {}.", _today),
    "final under assessment": (
        cy.start_final, PortfolioState.UNDER_ASSESSMENT,
        "Your assessor is writing your final report.", None),
    "final signed off, no panel yet": (
        cy.final_signed_off, PortfolioState.UNDER_ASSESSMENT,
        "Your assessor has signed off your final report.", None),
    "at panel": (
        cy.at_panel, PortfolioState.AT_PANEL,
        "Your portfolio is with the panel on {}.", lambda the_year: cy.uk(cy.PANEL_DAY)),
    "deferred": (
        _panel_decides("deferred"), PortfolioState.RETURNED,
        "Add the further evidence the panel asked for and submit your portfolio again by {}.",
        lambda the_year: cy.uk(cy.EVIDENCE_DUE)),
    "decided": (
        _panel_decides("approved"), PortfolioState.DECIDED,
        "You have completed {}.", lambda the_year: the_year.portfolio.programme.name),
}


def test_every_portfolio_state_has_a_case():
    assert {case[1] for case in CASES.values()} == set(PortfolioState)


@pytest.mark.parametrize("case", CASES)
def test_the_home_page_says_what_comes_next_in_each_state(client, org, case):
    arrange, state, words, blank = CASES[case]
    the_year = cy.year(org)
    arrange(the_year)
    db.session.commit()
    expected = words.format(blank(the_year)) if blank else words
    assert the_year.portfolio.state == state.value
    soup = _home(client, the_year)
    assert _next_step(soup).startswith(expected), _next_step(soup)


def test_a_returned_submission_links_to_the_assessors_requests(client, org):
    the_year = cy.year(org)
    report = cy.returned(the_year)
    soup = _home(client, the_year)
    links = [a["href"] for a in soup.select("[id^='next-step-'] a")]
    assert links == [f"/reports/{report.id}"]


@pytest.mark.parametrize(("code", "label", "deadline"), [
    ("approved", "Approved", False),
    ("approved-with-actions", "Approved with actions", False),
    ("deferred", "Deferred", True),
    ("not-approved", "Not approved", False),
])
def test_the_panel_outcome_shows_with_its_date_and_actions(client, org, code, label, deadline):
    the_year = cy.year(org)
    decision = cy.decided(the_year, code)
    db.session.commit()
    soup = _home(client, the_year)
    outcome = soup.select_one("[id^='panel-outcome-'] + dl")
    rows = {_text(row.dt): _text(row.dd) for row in outcome.select(".govuk-summary-list__row")}
    assert rows["Outcome"] == label
    assert rows["Decided on"] == cy.uk(cy.TODAY)
    assert ("Further evidence due by" in rows) is deadline
    if deadline:
        assert rows["Further evidence due by"] == cy.uk(cy.EVIDENCE_DUE)
    actions = [re.sub(r"\s+", " ", item.get_text()).strip()
               for item in soup.select("[id^='panel-actions-'] + ul li")]
    assert actions == ([] if code == "approved" else [
        "Lead a case review in supervision (Candidate and assessor, by "
        f"{cy.uk(cy.ACTION_DUE)})"])
    assert soup.select_one(f"a[href='/decisions/{decision.id}']") is not None


def test_a_candidate_not_approved_is_told_until_when_they_can_ask_for_a_review(client, org):
    the_year = cy.year(org)
    cy.decided(the_year, "not-approved")
    soup = _home(client, the_year)
    assert "The panel did not approve your portfolio." in _next_step(soup)
    assert "You can ask for a review of the decision until" in _next_step(soup)


def test_the_latest_decision_is_shown_after_a_correction(client, org):
    from portal.panels import corrections, decisions

    the_year = cy.year(org)
    decision = cy.decided(the_year, "approved")
    correction = corrections.correct_decision(
        the_year.lead, decision, decisions.DecisionDetails(
            code="approved-with-actions", rationale="Corrected: one action was agreed.",
            domain_ids=[d.element_id for d in decision.domains],
            actions=[("Shadow a court hearing", "Candidate", cy.ACTION_DUE)]),
        "The action was left off", cy.TODAY)
    db.session.commit()
    soup = _home(client, the_year)
    assert "Approved with actions" in _text(soup.select_one("[id^='panel-outcome-'] + dl"))
    assert soup.select_one(f"a[href='/decisions/{correction.id}']") is not None


def test_after_a_deferral_a_new_return_by_the_assessor_is_the_next_step(client, org):
    """A deferral returns the portfolio; once the candidate resubmits and the assessor
    returns that submission, the assessor's requests are what comes next (the deferral
    still shows as the panel's outcome)."""
    the_year = cy.year(org)
    cy.decided(the_year, "deferred")
    from portal.assessment.reports import operations as reports

    operations.submit_for_panel(the_year.candidate, the_year.portfolio, [])
    report = reports.start_assessment(the_year.assessor, the_year.portfolio)
    reports.return_to_candidate(the_year.assessor, report, "Add the court report")
    db.session.commit()
    soup = _home(client, the_year)
    assert _next_step(soup).startswith("Your assessor has returned your submission")
    assert "Deferred" in _text(soup.select_one("[id^='panel-outcome-'] + dl"))


def _banner(soup):
    banners = soup.select(".govuk-notification-banner")
    assert len(banners) == 1
    return _text(banners[0])


def test_an_automatic_support_plan_says_how_it_opened_not_that_it_was_agreed(client, org):
    the_year = cy.year(org)
    report = cy.start_review(the_year)
    cy.rate(the_year, report, not_on_track=1)
    from portal.assessment.reports import operations as reports

    reports.sign_off(the_year.assessor, report)
    db.session.commit()
    plan = db.session.scalar(db.select(SupportPlan))
    soup = _home(client, the_year)
    text = _banner(soup)
    assert text.startswith(f"Support plan Opened automatically on {cy.uk(cy.TODAY)}, when the "
                           "3-month review found you not on track in:")
    assert "Not agreed yet: your assessor will agree the objectives with you." in text
    assert "agreed with you" not in text.lower()
    assert soup.select_one(f".govuk-notification-banner a[href='/support-plans/{plan.id}']")


def test_a_deferral_opens_a_support_plan_shown_as_opened_by_the_panel(client, org):
    the_year = cy.year(org)
    cy.decided(the_year, "deferred")
    db.session.commit()
    text = _banner(_home(client, the_year))
    assert "when the panel deferred its decision on your portfolio" in text
    assert "agreed with you" not in text.lower()
    assert f"Next review: {cy.uk(cy.ACTION_DUE)}" in text


def test_an_agreed_plan_says_who_agreed_it_and_when(client, org):
    from portal.assessment.support_plans import operations as support_plans

    the_year = cy.year(org)
    cy.decided(the_year, "deferred")
    plan = db.session.scalar(db.select(SupportPlan))
    support_plans.agree(the_year.assessor, plan, objectives="Weekly case discussion.",
                        agreed_on=cy.TODAY, review_on=cy.TODAY + timedelta(days=14),
                        today=cy.TODAY)
    db.session.commit()
    text = _banner(_home(client, the_year))
    assert f"Agreed with you by Helen Shaw on {cy.uk(cy.TODAY)}." in text


def test_a_closed_plan_leaves_the_home_page(client, org):
    from portal.assessment.support_plans import operations as support_plans

    the_year = cy.year(org)
    cy.decided(the_year, "deferred")
    support_plans.close(the_year.assessor, db.session.scalar(db.select(SupportPlan)), cy.TODAY)
    db.session.commit()
    assert _home(client, the_year).select(".govuk-notification-banner") == []


def test_a_candidate_without_a_portfolio_sees_no_status(client, org):
    candidate = factories.user(org, roles=["candidate"])
    sign_in(client, candidate)
    soup = page(client.get("/home"))
    assert soup.select("[id^='where-you-are-']") == []


def test_the_candidate_home_asks_the_same_queries_whatever_the_candidate_has(client, org):
    """More portfolios, review points, actions, plans and evidence: the same statements."""
    the_year = cy.year(org)
    cy.decided(the_year, "deferred")
    db.session.commit()
    sign_in(client, the_year.candidate)
    client.get("/home")
    with count_queries() as before:
        assert client.get("/home").status_code == 200

    decision_id = db.session.scalar(db.select(SupportPlan.decision_id))
    for n in range(5):
        db.session.add(DecisionAction(decision_id=decision_id, description=f"Action {n}",
                                      owner="Candidate", due_on=cy.ACTION_DUE))
    second = make_portfolio(org, template="asye-adults", candidate=the_year.candidate,
                            start=cy.TODAY - timedelta(days=10))
    operations.complete_review_point(the_year.assessor, second.review_points[0], cy.TODAY)
    operations.submit_for_review_point(the_year.candidate, second, "three-month", [])
    from portal.assessment.reports import operations as reports

    report = reports.start_assessment(the_year.assessor, second)
    cy.rate(dataclasses.replace(the_year, portfolio=second), report, not_on_track=2)
    reports.sign_off(the_year.assessor, report)
    for n in range(5):
        factories.evidence_entry(the_year.candidate, title=f"Entry {n}")
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(SupportPlan.id))) == 2
    assert db.session.scalar(db.select(db.func.count(DomainProgress.id))) > 0

    with count_queries() as after:
        soup = page(client.get("/home"))
    assert len(soup.select("[id^='where-you-are-']")) == 2
    assert len(soup.select(".govuk-notification-banner")) == 2
    assert len(after) == len(before), "\n".join(after)
