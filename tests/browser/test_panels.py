"""The programme lead schedules a panel in a real browser; each page is checked by axe."""

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo import data
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.browser


def test_programme_lead_creates_a_panel(page: Page, seeded_demo):
    sign_in(page, data.email_for("lead"))
    page.goto("/panels/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Panels")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Create a panel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a panel")
    assert_no_axe_violations(page)

    # Nothing chosen: the error summary says what to do, and the title is kept.
    page.get_by_label("Title", exact=True).fill("ASYE progression panel, March")
    page.get_by_role("button", name="Create panel").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the date of the panel")
    expect(summary).to_contain_text("Select at least one programme")
    expect(summary).to_contain_text("Select the chair of the panel")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("Title", exact=True)).to_have_value("ASYE progression panel, March")
    assert_no_axe_violations(page)

    page.get_by_label("Day").fill("17")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2027")
    page.get_by_label("ASYE child and family").check()
    page.get_by_label("Chair", exact=True).select_option(label="Margaret Doyle")
    page.get_by_label("Imran Khan").check()
    page.get_by_label("David Mensah").check()
    page.get_by_role("button", name="Create panel").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The panel 'ASYE progression panel, March' has been created.")
    expect(page.get_by_role("heading", level=1)).to_have_text("ASYE progression panel, March")
    members = page.locator(".govuk-summary-list")
    for name in ("Margaret Doyle", "Imran Khan", "David Mensah"):
        expect(members).to_contain_text(name)
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Back to panels").click()
    expect(page.get_by_role("link", name="ASYE progression panel, March")).to_be_visible()
    assert_no_axe_violations(page)
