"""A candidate builds and submits their portfolio in a real browser, axe on every page."""

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo import data
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.browser


def test_a_candidate_builds_and_submits_their_portfolio(page: Page, seeded_demo):
    sign_in(page, data.email_for("candidate"))
    expect(page.get_by_role("heading", name="Your review points")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Your portfolio").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your portfolio")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="See what is still needed").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)
    page.go_back()

    page.get_by_role("link", name="Add evidence from your log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add evidence to your portfolio")
    assert_no_axe_violations(page)
    page.get_by_role("button", name=re.compile("Add ‘Reading: analysis in assessments’")).click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "is now in your portfolio")
    page.get_by_role("link", name="Back to your portfolio").click()

    # The whole portfolio is not ready for the panel: the page says exactly what is missing.
    page.get_by_label("The final panel (your whole portfolio)").check()
    page.get_by_role("button", name="Submit portfolio").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("not ready to submit")
    expect(page.locator("#missing")).to_contain_text("Direct observations")
    assert_no_axe_violations(page)

    # The three-month review only needs the first stages, which the demo has.
    page.get_by_label(re.compile("3-month review")).check()
    page.get_by_role("button", name="Submit portfolio").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Submitted portfolio")
    expect(page.locator("main")).to_contain_text("Unchanged since submission")
    reference = page.locator("main code.portal-hash").first.inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", reference)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(reference)
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Back to your portfolio").click()
    expect(page.locator("main")).to_contain_text("Submitted for review")
    expect(page.get_by_role("button", name="Withdraw this submission")).to_be_visible()
    assert_no_axe_violations(page)
