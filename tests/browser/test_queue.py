"""The assessor's work queue and the programme lead's assignment page in a real browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo import data
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.browser


def test_assessor_sorts_the_queue_and_opens_a_candidate(page: Page, seeded_demo):
    sign_in(page, data.email_for("assessor"))
    expect(page.get_by_role("heading", name="Your candidates")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Your candidates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work queue")
    assert_no_axe_violations(page)

    # A marker on the window survives an htmx swap but not a full page load.
    page.evaluate("() => { window.portalQueueMarker = true; }")
    page.get_by_label("Sort by").select_option("candidate")
    expect(page).to_have_url(re.compile(r"/assess/\?sort=candidate"))
    expect(page.locator("#queue-results")).to_be_visible()
    assert page.evaluate("() => window.portalQueueMarker === true")
    expect(page.locator("#queue-count")).to_contain_text(re.compile(r"\d+ items? in your queue"))
    assert_no_axe_violations(page)

    page.get_by_label("Show").select_option("review")
    expect(page).to_have_url(re.compile(r"kind=review"))
    assert page.evaluate("() => window.portalQueueMarker === true")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="See all your candidates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your candidates")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Amara Okafor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amara Okafor")
    assert_no_axe_violations(page)


def test_programme_lead_assigns_a_different_assessor(page: Page, seeded_demo):
    sign_in(page, data.email_for("lead"))
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Cohorts").click()
    page.get_by_role("link", name="ASYE children's services September 2026").click()
    page.get_by_role("link", name="Assign for Amara Okafor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessor and line manager")
    assert_no_axe_violations(page)

    page.get_by_label("New assessor").select_option(label="David Mensah")
    page.get_by_role("button", name="Assign assessor").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "David Mensah is now Amara Okafor's assessor.")
    history = page.locator("table")
    expect(history).to_contain_text("Helen Shaw")
    expect(history).to_contain_text("David Mensah")
    assert_no_axe_violations(page)

    # Nothing chosen: the error summary says what to do.
    page.get_by_role("button", name="Assign line manager").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a line manager")
    assert_no_axe_violations(page)
