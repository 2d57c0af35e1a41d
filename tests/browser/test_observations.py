"""An assessor records a direct observation of their candidate in a real browser,
completes it and signs it off; axe on every page, including the form with errors."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.demo import data
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.browser


def _candidate_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(
            User.email == data.email_for("candidate")))


def test_an_assessor_records_completes_and_signs_off_an_observation(page: Page, app,
                                                                    seeded_demo):
    amara = _candidate_id(app)
    sign_in(page, data.email_for("assessor"))
    page.goto(f"/observations/new?candidate={amara}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a direct observation")
    expect(page.locator(".govuk-caption-l")).to_have_text("Amara Okafor")
    assert_no_axe_violations(page)

    # Without a date: the error summary, and what was typed is kept.
    page.get_by_label("Setting", exact=True).fill("Home visit with a family")
    page.get_by_label("What was observed").fill("A planned visit to talk about school.")
    page.get_by_role("button", name="Save as draft").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the date of the observation")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Setting", exact=True)).to_have_value("Home visit with a family")
    assert_no_axe_violations(page)

    day = today_in_england() - timedelta(days=2)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "saved as a draft")
    expect(page.locator("main")).to_contain_text("Draft")
    assert_no_axe_violations(page)

    # Marking complete without the analysis explains what is missing.
    page.get_by_role("button", name="Save and mark complete").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter your analysis of the practice you observed")
    assert_no_axe_violations(page)

    page.get_by_label("Observer's analysis").fill("Amara explained the worry clearly.")
    page.get_by_label("Strengths", exact=True).fill("Warm and honest.")
    page.get_by_label("Areas to develop").fill("Summarise the plan at the end.")
    page.get_by_label("Element 1", exact=True).select_option(label="PCF 1 Professionalism")
    page.get_by_label("Why the practice shows element 1").fill(
        "Explained her role and its limits")
    page.get_by_role("button", name="Save and mark complete").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The observation is complete")
    expect(page.locator(".govuk-warning-text")).to_contain_text("locks this observation")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Sign off and lock this observation").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "signed off and locked")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Direct observation: Home visit with a family")
    expect(page.get_by_role("button", name=re.compile("Sign off"))).to_have_count(0)
    assert_no_axe_violations(page)

    page.get_by_role("link", name="See the entry in the evidence log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Direct observation: Home visit with a family")
    expect(page.locator("main")).to_contain_text("Warm and honest.")
