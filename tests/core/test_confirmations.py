"""Irreversible actions ask first (issue 18): the button is a link to a confirmation page
that says what will happen; the page's GET changes nothing, and its button is a
CSRF-protected POST to the same address that does it. No JavaScript involved."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from portal.accounts.models import User
from portal.assessment.models import FeedbackRequest, Observation
from portal.assignments.models import Assignment, AssignmentRole
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.organisations.models import CohortMembership
from portal.panels.models import AgendaItem
from portal.portfolios.models import Portfolio
from portal.portfolios.reviews.models import ReviewReport
from tests.conftest import count_queries, page, sign_in
from tests.year import Year, a_year

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@dataclass
class Case:
    actor: User
    page_url: str  # the page with the action's button
    action_url: str  # its confirmation page (GET) and the action itself (POST)
    done: Callable[[], bool]


def _fresh(model, object_id):
    db.session.expire_all()
    return db.session.get(model, object_id)


def remove_from_cohort(year: Year) -> Case:
    membership = year.portfolio.membership
    cohort_id = membership.cohort_id
    return Case(year.lead, f"/cohorts/{cohort_id}",
                f"/cohorts/{cohort_id}/candidates/{membership.id}/remove",
                lambda: _fresh(CohortMembership, membership.id) is None)


def deactivate_user(year: Year) -> Case:
    person = year.manager
    return Case(year.admin, f"/admin/users/{person.id}", f"/admin/users/{person.id}/deactivate",
                lambda: not _fresh(User, person.id).active)


def sign_off_observation(year: Year) -> Case:
    observation = year.completed_observation()
    return Case(year.assessor, f"/observations/{observation.id}",
                f"/observations/{observation.id}/sign-off",
                lambda: _fresh(Observation, observation.id).state == "signed_off")


def withdraw_submission(year: Year) -> Case:
    portfolio = year.submitted()
    return Case(year.candidate, f"/portfolios/{portfolio.id}",
                f"/portfolios/{portfolio.id}/withdraw",
                lambda: _fresh(Portfolio, portfolio.id).state == "draft")


def reveal_identity(year: Year) -> Case:
    item = year.decided_item()
    url = f"/panels/{item.panel_id}/items/{item.id}"
    return Case(year.chair, url, url + "/reveal",
                lambda: _fresh(AgendaItem, item.id).identity_revealed_at is not None)


def cancel_feedback_link(year: Year) -> Case:
    link = year.feedback_link()
    return Case(year.candidate, "/feedback-requests", f"/feedback-requests/{link.id}/cancel",
                lambda: _fresh(FeedbackRequest, link.id).cancelled_at is not None)


def end_assignment(year: Year) -> Case:
    assignment = year.assignment(AssignmentRole.LINE_MANAGER)
    candidate_id = year.candidate.id
    return Case(year.lead, f"/assignments/candidates/{candidate_id}",
                f"/assignments/candidates/{candidate_id}/assignments/{assignment.id}/end",
                lambda: _fresh(Assignment, assignment.id).ended_on is not None)


CASES = [remove_from_cohort, deactivate_user, sign_off_observation, withdraw_submission,
         reveal_identity, cancel_feedback_link, end_assignment]


@pytest.fixture
def year(org):
    return a_year(org)


@pytest.mark.parametrize("build", CASES, ids=lambda build: build.__name__)
def test_the_button_leads_to_a_confirmation_page_that_changes_nothing(client, year, build):
    case = build(year)
    sign_in(client, case.actor)
    soup = page(client.get(case.page_url))
    assert soup.find("a", href=case.action_url) is not None, "the button is a link"
    assert soup.find("form", action=case.action_url) is None, "nothing posts straight away"
    with count_queries() as statements:
        response = client.get(case.action_url)
    assert response.status_code == 200
    assert [s for s in statements if WRITE.match(s)] == []
    assert not case.done()
    confirm = page(response)
    assert confirm.h1.get_text(strip=True).startswith("Are you sure")
    assert confirm.title.get_text().startswith(confirm.h1.get_text(strip=True))
    assert confirm.select(".govuk-list--bullet li"), "it says what will happen"
    form = confirm.find("form", action=case.action_url)
    assert form["method"] == "post"
    assert form.select_one("input[name=csrf_token]")["value"]
    assert form.button["data-prevent-double-click"] == "true"
    assert form.button.get_text(strip=True).startswith("Yes, ")
    assert form.find("a", class_="govuk-link")["href"]  # a way back without doing it


@pytest.mark.parametrize("build", CASES, ids=lambda build: build.__name__)
def test_the_confirmation_pages_button_does_it_with_the_csrf_token_only(client, year, build):
    case = build(year)
    sign_in(client, case.actor)
    assert client.post(case.action_url, csrf=False).status_code == 400
    assert not case.done()
    assert client.post(case.action_url).status_code == 303
    assert case.done()


@pytest.mark.parametrize("build", [remove_from_cohort, deactivate_user, end_assignment],
                         ids=lambda build: build.__name__)
def test_another_councils_staff_get_not_found_for_the_confirmation_page(client, year, build):
    from tests import factories

    case = build(year)
    stranger = factories.user(factories.organisation(),
                              roles=["administrator", "programme_lead"])
    sign_in(client, stranger)
    assert client.get(case.action_url).status_code == 404


# Report sign-off: the button saves the draft, then asks -------------------------------------
def _complete_report_form(year: Year) -> dict:
    from portal.assessment.reports.operations import pcf_domains

    form = {"summary": "Good progress in the first three months.", "action": "sign_off"}
    for domain in pcf_domains(year.portfolio):
        form[f"rating-{domain.id}"] = "on_track"
    return form


def test_signing_off_a_report_saves_the_draft_and_then_asks(client, year):
    report = year.draft_report()
    sign_in(client, year.assessor)
    response = client.post(f"/reports/{report.id}", data=_complete_report_form(year))
    assert response.headers["Location"] == f"/reports/{report.id}/sign-off"
    stored = _fresh(ReviewReport, report.id)
    assert (stored.state, stored.summary) == ("draft", "Good progress in the first three months.")
    with count_queries() as statements:
        confirm = client.get(f"/reports/{report.id}/sign-off")
    assert [s for s in statements if WRITE.match(s)] == []
    soup = page(confirm)
    assert soup.h1.get_text(strip=True) == "Are you sure you want to sign off this report?"
    text = soup.get_text(" ", strip=True)
    assert "The report will be locked" in text and "review point will be marked complete" in text
    assert _fresh(ReviewReport, report.id).state == "draft"
    assert client.post(f"/reports/{report.id}/sign-off").status_code == 303
    assert _fresh(ReviewReport, report.id).state == "signed_off"
    # Signed off: the page no longer asks, it goes back to the report.
    assert client.get(f"/reports/{report.id}/sign-off").headers["Location"] == \
        f"/reports/{report.id}"


def test_an_incomplete_report_is_explained_rather_than_confirmed(client, year):
    report = year.draft_report()
    sign_in(client, year.assessor)
    response = client.post(f"/reports/{report.id}", data={"summary": "", "action": "sign_off"})
    assert response.status_code == 400
    response = client.post(f"/reports/{report.id}/sign-off")
    assert response.status_code == 400
    assert _fresh(ReviewReport, report.id).state == "draft"


def test_only_the_current_assessor_sees_the_sign_off_page(app, client, year):
    report = year.draft_report()
    sign_in(client, year.manager)  # may read the report, not sign it off
    assert client.get(f"/reports/{report.id}/sign-off").status_code == 404
    assert client.post(f"/reports/{report.id}/sign-off").status_code == 404


def test_deactivating_a_panel_member_says_on_the_confirmation_page_what_it_does_to_quorum(
        client, year):
    panel, _item = year.panel(sits_on=today_in_england() + timedelta(days=30))
    member = year.members[0]
    sign_in(client, year.admin)
    text = page(client.get(f"/admin/users/{member.id}/deactivate")).get_text(" ")
    assert f"'{panel.title}'" in text and "fewer than its quorum of 3" in text
