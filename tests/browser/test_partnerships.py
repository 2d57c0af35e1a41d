"""A council administrator shares with a partnership council and withdraws it, and the
lead reads the partnership report; axe on every page."""

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo import data
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_narrow_screens import check_fits
from tests.browser.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.browser


def test_the_administrator_shares_and_withdraws_and_the_lead_reads_the_report(
        page: Page, seeded_demo):
    sign_in(page, data.email_for("admin"))
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Partnerships").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnerships")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Share with a council").click()
    assert_no_axe_violations(page)
    page.get_by_label("Eastvale Borough Council").check()
    page.get_by_label("External moderation").check()
    page.get_by_role("button", name="Share").click()
    # Nothing typed in the dates: the error summary names both, the choices stay.
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the first day")
    expect(page.get_by_label("External moderation")).to_be_checked()
    assert_no_axe_violations(page)
    for legend, (day, month, year) in (("First day", ("1", "4", "2030")),
                                       ("Last day", ("31", "3", "2031"))):
        group = page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(day)
        group.get_by_label("Month").fill(month)
        group.get_by_label("Year").fill(year)
    page.get_by_role("button", name="Share").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "now shares external moderation with Eastvale Borough Council")
    row = page.get_by_role("row").filter(has_text="External moderation").filter(
        has_text="1 April 2030")
    expect(row).to_contain_text("Not started")

    row.get_by_role("link", name="Withdraw").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Stop sharing external moderation with Eastvale Borough Council?")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Yes, stop sharing").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("no longer shares")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, data.email_for("lead"))
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="North Coast Teaching Partnership: partnership report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnership report")
    expect(page.locator("table").first).to_contain_text("Eastvale Borough Council")
    assert_no_axe_violations(page)


def test_the_partnership_pages_fit_a_phone(page: Page, seeded_demo):
    problems: list[str] = []
    sign_in(page, data.email_for("admin"))
    page.goto("/partnerships/")
    check_fits(page, problems)
    page.get_by_role("link", name="Share with a council").click()
    check_fits(page, problems)
    page.goto("/partnerships/")
    page.get_by_role("link", name=re.compile(r"^Partnership report")).click()
    check_fits(page, problems)
    assert problems == []
