"""The demo candidate keeps their portfolio records in a real browser: a supervision
record and a KSS self-assessment, each page checked by axe."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.core.db import db
from portal.demo import data
from portal.portfolios.models import Portfolio
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.browser


def _demo_portfolio_id(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Portfolio.id).join(User, User.id == Portfolio.candidate_id)
            .where(User.email == data.email_for("candidate")))


def _records_in(text: str) -> int:
    """How many supervision records the records page says there are."""
    found = re.search(r"(\d+) records?,", text)
    return int(found.group(1)) if found else 0


def _open_records(page: Page, portfolio_id: int) -> None:
    page.goto(f"/portfolios/{portfolio_id}/records")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your portfolio records")


def test_a_candidate_records_supervision_and_a_kss_self_assessment(page: Page, app,
                                                                    seeded_demo):
    portfolio_id = _demo_portfolio_id(app)
    sign_in(page, data.email_for("candidate"))
    expect(page).to_have_url(re.compile(r"/home$"))
    _open_records(page, portfolio_id)
    assert_no_axe_violations(page)

    supervision_row = page.locator(".govuk-summary-list__row", has_text="Supervision")
    recorded_before = _records_in(supervision_row.inner_text())

    # Supervision: a missing topic is explained and what was typed is kept.
    page.get_by_role("link", name="View supervision records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Supervision records")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Add a supervision record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a supervision record")
    assert_no_axe_violations(page)
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Supervisor’s name").fill("Sam Lee")
    page.get_by_label("Agreed actions (optional)").fill("Read the neglect practice guidance")
    page.get_by_role("button", name="Save supervision record").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the topics you discussed")
    expect(page.get_by_label("Supervisor’s name")).to_have_value("Sam Lee")
    assert_no_axe_violations(page)

    page.get_by_label("Topics discussed").fill("Caseload, and a complex assessment")
    page.get_by_role("button", name="Save supervision record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Supervision records")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your supervision record has been saved.")
    expect(page.locator(".govuk-table")).to_contain_text("14 September 2026")
    expect(page.locator(".govuk-table")).to_contain_text("Sam Lee")
    assert_no_axe_violations(page)

    # KSS self-assessment at the middle stage (the demo has done the beginning already):
    # every statement needs a rating.
    page.get_by_role("link", name="Back to your records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your portfolio records")
    assert _records_in(supervision_row.inner_text()) == recorded_before + 1
    page.get_by_role("link", name="View KSS self-assessments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("KSS self-assessments")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Start self-assessment for 3 to 6 months").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("KSS self-assessment")
    assert_no_axe_violations(page)

    page.get_by_label("Day").fill("20")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("2026")
    statements = page.locator(".portal-link-row")
    expect(statements).to_have_count(10)
    for index in range(9):  # leave the last statement unrated
        statements.nth(index).get_by_label("3 Confident").check()
    statements.nth(0).get_by_role("textbox").fill("I built trust with a reluctant family")
    page.get_by_role("button", name="Save self-assessment").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose a rating for statement 10")
    expect(statements.nth(0).get_by_role("textbox")).to_have_value(
        "I built trust with a reluctant family")
    expect(statements.nth(0).get_by_label("3 Confident")).to_be_checked()
    assert_no_axe_violations(page)

    statements.nth(9).get_by_label("2 Developing").check()
    page.get_by_role("button", name="Save self-assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("KSS self-assessments")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your KSS self-assessment for ‘3 to 6 months’ has been saved.")
    middle = page.locator(".govuk-summary-list__row", has_text="3 to 6 months")
    expect(middle).to_contain_text("Completed on 20 September 2026")
    assert_no_axe_violations(page)

    # What was saved is shown again when the candidate comes back to it.
    middle.get_by_role("link", name=re.compile("View or change")).click()
    expect(page.locator(".portal-link-row").nth(9).get_by_label("2 Developing")).to_be_checked()
    assert_no_axe_violations(page)
