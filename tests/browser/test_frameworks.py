"""An administrator reads the loaded frameworks in a real browser; each page checked by axe."""

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo import data
from tests.browser.conftest import assert_no_axe_violations

pytestmark = pytest.mark.browser


def test_administrator_reads_the_frameworks(page: Page, seeded_demo):
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(data.email_for("admin"))
    page.get_by_label("Password", exact=True).fill(data.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/home$"))

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Frameworks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Frameworks")
    expect(page.get_by_role("table").locator("tbody tr")).to_have_count(4)
    assert_no_axe_violations(page)

    page.get_by_role("link", name=re.compile(r"^Professional Capabilities Framework")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Professional Capabilities Framework"
    )
    elements = page.get_by_role("table").first.locator("tbody tr")
    expect(elements).to_have_count(9)
    unverified = elements.locator(".govuk-tag", has_text="Not yet checked against the publisher")
    expect(unverified).to_have_count(3)
    expect(page.get_by_role("heading", name="Career levels (11)")).to_be_visible()
    assert_no_axe_violations(page)
