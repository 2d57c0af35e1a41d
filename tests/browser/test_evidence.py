"""A candidate records evidence in a real browser: links, a file, errors, filters."""

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo import data
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _go_to_new_entry(page: Page) -> None:
    sign_in(page, data.email_for("candidate"))
    page.get_by_role("link", name="Your evidence").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your evidence log")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Add an entry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Add an entry to your evidence log")


def test_a_candidate_records_an_entry_with_a_file_and_links(page: Page, seeded_demo, tmp_path):
    _go_to_new_entry(page)
    assert_no_axe_violations(page)

    # Submitting with a missing date shows the error summary and keeps the text; the chosen
    # file cannot be kept by the browser, and the page says to choose it again.
    page.get_by_label("Title").fill("Direct work with a young person about school")
    page.get_by_label("Critical reflection").check()
    page.get_by_label("Reflection", exact=True).fill(
        "I used a three houses tool.\n\nNext time I will check understanding sooner.")
    upload = tmp_path / "session plan.pdf"
    upload.write_bytes(PDF)
    page.locator("input[type=file]").first.set_input_files(str(upload))
    page.get_by_role("button", name="Save entry").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the date of the practice or learning")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Reflection", exact=True)).to_have_value(
        re.compile("three houses tool"))
    expect(page.locator("#files-not-saved")).to_contain_text(
        "(session plan.pdf) was not saved. Choose it again.")
    assert_no_axe_violations(page)

    page.get_by_label("Day").fill("12")
    page.get_by_label("Month").fill("10")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Element 1", exact=True).select_option(label="PCF 1 Professionalism")
    page.get_by_label("Why this entry shows element 1").fill(
        "I explained my role and its limits to the young person")
    page.get_by_label("Element 2", exact=True).select_option(index=12)
    page.get_by_label("Why this entry shows element 2").fill("I checked their wishes first")
    page.locator("input[type=file]").first.set_input_files(str(upload))
    page.get_by_label(re.compile("I confirm this entry contains no names")).check()
    page.get_by_role("button", name="Save entry").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Direct work with a young person about school")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("has been saved")
    expect(page.locator("main")).to_contain_text("I checked their wishes first")
    expect(page.locator("main")).to_contain_text("session plan.pdf")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Back to your evidence log").click()
    page.get_by_label("Search titles and reflections").fill("check understanding")
    expect(page).to_have_url(re.compile(r"q=check"))
    results = page.locator("#evidence-results")
    expect(results).to_contain_text(re.compile(r"1 of \d+ entries match"))
    expect(results).to_contain_text("Direct work with a young person about school")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="See your evidence against each framework element").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your evidence against each framework")
    assert_no_axe_violations(page)
