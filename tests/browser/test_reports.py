"""The programme lead's Reports: filtering the retention report by entry route, its chart
and table agreeing, downloading it as CSV and XLSX, and recording that someone left; axe
on every page."""

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo import data
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_narrow_screens import check_fits
from tests.browser.test_sign_in_journeys import sign_in
from tests.reports.spreadsheets import csv_rows, xlsx_rows

pytestmark = pytest.mark.browser

CLAIM_ROWS = "table[aria-labelledby=claims-table] tbody tr"
STEP_UP_ROW = ["Step Up to Social Work", "ASYE children's services Step Up September 2023"]


def _download(page: Page, name: str) -> bytes:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=name, exact=True).click()
    download = download_info.value
    with open(download.path(), "rb") as downloaded:
        return downloaded.read()


def test_the_lead_filters_retention_by_entry_route_and_downloads_it(page: Page, seeded_demo):
    sign_in(page, data.email_for("lead"))
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Retention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention")
    assert_no_axe_violations(page)

    page.get_by_label("Entry route", exact=True).select_option(label="Step Up to Social Work")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/workforce/retention\?.*entry_route=step_up"))
    chart = page.locator("#retention-chart text.portal-chart__value")
    table = page.locator(".portal-chart-table tbody td")
    expect(chart).to_have_text(["3 of 4 (75%)"])
    expect(table).to_have_text(["3 of 4 (75%)"])
    expect(page.locator("#retention-summary")).to_have_text(
        "Of 4 social workers who started at least 12 months ago, 3 (75%) were still in post "
        "12 months after starting.")
    assert_no_axe_violations(page)

    rows = csv_rows(_download(page, "Download as CSV"))
    assert rows[1][:2] == STEP_UP_ROW
    assert rows[1][2:9] == ["4", "4", "3", "75.0", "4", "3", "75.0"]
    assert rows[-1][:3] == ["All entry routes", "All cohorts", "4"]
    sheet = xlsx_rows(_download(page, "Download as a spreadsheet (XLSX)"))
    assert sheet[1][:9] == [*STEP_UP_ROW, 4, 4, 3, 75, 4, 3, 75]
    board = csv_rows(_download(page, "Download the board’s copy as CSV"))
    assert board[1][2:6] == ["fewer than 5", "fewer than 5", "fewer than 5", "fewer than 5"]


def test_the_lead_records_that_someone_left(page: Page, seeded_demo):
    sign_in(page, data.email_for("lead"))
    page.goto("/workforce/people/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Employment records")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Leah Morgan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leah Morgan")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Record leaving").click()
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save leaving record").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the leaving date as a real date")
    expect(summary).to_contain_text("Select the reason they left")
    expect(page.get_by_label("Year")).to_have_value("2026")
    assert_no_axe_violations(page)

    page.get_by_label("Day").fill("27")
    page.get_by_label("Resignation").check()
    page.get_by_role("button", name="Save leaving record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leah Morgan")
    expect(page.locator(".govuk-summary-list").first).to_contain_text("27 February 2026")
    assert_no_axe_violations(page)


def test_the_reports_fit_a_phone(page: Page, seeded_demo):
    problems: list[str] = []
    sign_in(page, data.email_for("lead"))
    for url in ["/workforce/", "/workforce/retention", "/workforce/progression",
                "/workforce/support", "/workforce/practice", "/workforce/people/",
                "/workforce/claims"]:
        page.goto(url)
        check_fits(page, problems)
    assert not problems, "Pages scroll sideways:\n  " + "\n  ".join(problems)


def test_the_lead_fills_a_missing_registration_number_for_the_claim(page: Page, seeded_demo):
    sign_in(page, data.email_for("lead"))
    page.goto("/workforce/")
    page.get_by_role("link", name="ASYE claim list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ASYE claim list")
    priya = page.locator(CLAIM_ROWS, has_text="Priya Nair")
    expect(priya).to_contain_text("No Social Work England number")
    expect(page.locator(CLAIM_ROWS, has_text="Jordan Price")).to_contain_text(
        "Qualified more than 4 years before starting")
    assert_no_axe_violations(page)

    page.goto("/workforce/people/")
    page.get_by_role("link", name="Priya Nair").click()
    page.get_by_role("link", name="Enter their Social Work England number").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registration details")
    page.get_by_label("Social Work England registration number").fill("210044")
    page.get_by_role("button", name="Save registration details").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("in the correct format, like SW12345")
    expect(page.get_by_label("Social Work England registration number")).to_have_value(
        "210044")
    assert_no_axe_violations(page)
    page.get_by_label("Social Work England registration number").fill("sw 210044")
    page.get_by_role("button", name="Save registration details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Priya Nair")
    expect(page.locator("main")).to_contain_text("SW210044")
    assert_no_axe_violations(page)

    page.goto("/workforce/claims")
    priya = page.locator(CLAIM_ROWS, has_text="Priya Nair")
    expect(priya).to_contain_text("SW210044")
    expect(priya).not_to_contain_text("No Social Work England number")
    rows = csv_rows(_download(page, "Download as CSV"))
    assert ["Priya Nair", "SW210044"] in [[row[0], row[2]] for row in rows]
