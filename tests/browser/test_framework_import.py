"""An administrator loads the early career standards into their shipped place in a real
browser: a file with a problem shows its row, the fixed file is previewed, saved as a
draft, each unchecked element is confirmed, and the version is activated. Axe checks each
page."""

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo import data
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.browser

HEADER = ("framework_code,framework_version,framework_title,publisher,code,parent_code,title,"
          "verified")
WITH_A_PROBLEM = f"""{HEADER}
ecs-child-family,2026,,,1,,Standard one,yes
ecs-child-family,2026,,,1.1,9,Statement one point one,no
"""
FIXED = WITH_A_PROBLEM.replace("1.1,9,", "1.1,1,")


def _choose(page: Page, text: str) -> None:
    page.get_by_label("Framework file").set_input_files(
        {"name": "standards.csv", "mimeType": "text/csv", "buffer": text.encode()})
    page.get_by_role("button", name="Check the file").click()


def test_administrator_imports_checks_and_activates_the_standards(page: Page, seeded_demo):
    sign_in(page, data.email_for("service"))
    expect(page).to_have_url(re.compile(r"/home$"))

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Frameworks").click()
    page.get_by_role("link", name="Import a framework version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a framework version")
    assert_no_axe_violations(page)

    _choose(page, WITH_A_PROBLEM)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Row 3, parent_code: no earlier row has the code '9'")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)

    _choose(page, FIXED)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the framework before saving")
    expect(page.get_by_text("Statement one point one")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save as a draft").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Child and family social worker early career standards")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Draft")
    page.get_by_role("link", name="Check element 1.1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Element 1.1")
    assert_no_axe_violations(page)
    page.get_by_label("I have checked this title against the publisher's text").check()
    page.get_by_role("button", name="Save element").click()

    page.get_by_role("link", name="Check and activate").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Yes, activate this version").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Active")
    expect(page.get_by_text("is now active")).to_be_visible()
    assert_no_axe_violations(page)
