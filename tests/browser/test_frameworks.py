"""An administrator reads the loaded frameworks in a real browser; each page checked by axe."""

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo import data
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_narrow_screens import check_fits
from tests.browser.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.browser


def test_the_service_administrator_reads_the_frameworks(page: Page, seeded_demo):
    """Frameworks are national: the service administrator (above the councils) sees which
    titles are not yet checked against the publisher."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(data.email_for("service"))
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


KSS_2018 = ("Post-qualifying standard: knowledge and skills statement for child and family "
            "practitioners (2018)")
PCF_2018 = "Professional Capabilities Framework (2018)"


def test_administrator_maps_versions_and_a_lead_moves_a_cohort(page: Page, seeded_demo):
    """The mapping editor and a cohort's move through it, each page checked by axe and at
    320 and 375 pixels."""
    problems: list[str] = []
    sign_in(page, data.email_for("service"))
    expect(page).to_have_url(re.compile(r"/home$"))
    page.goto("/frameworks/")
    page.get_by_role("link", name="Map elements between versions").click()
    page.get_by_label("Map from").select_option(label=f"{KSS_2018} [kss-child-family]")
    page.get_by_label("Map to").select_option(label=f"{PCF_2018} [pcf]")
    page.get_by_role("button", name="Show the mapping").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"From {KSS_2018} to {PCF_2018}")
    page.get_by_label("KSS 1 Relationships and effective direct work").check()
    page.get_by_label("PCF 1 Professionalism").check()
    page.get_by_label("PCF 7 Skills and Interventions").check()
    page.get_by_label("Note (optional)").fill("Direct work shows both")
    page.get_by_role("button", name="Add mapping").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "2 mappings have been added.")
    check_fits(page, problems)
    page.set_viewport_size({"width": 1280, "height": 800})  # the header's full width
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, data.email_for("lead"))
    expect(page).to_have_url(re.compile(r"/home$"))
    page.goto("/cohorts/")
    page.get_by_role("link", name="ASYE children's services September 2026").click()
    page.get_by_role("link", name="Move to another framework version").click()
    page.get_by_label("Move from").select_option(label=f"{KSS_2018} [kss-child-family]")
    page.get_by_label("Move to").select_option(label=f"{PCF_2018} [pcf]")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Move from {KSS_2018} to {PCF_2018}")
    check_fits(page, problems)
    page.get_by_role("button", name="Yes, move 2 portfolios").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "2 portfolios moved from")
    assert not problems, "Pages scroll sideways:\n  " + "\n  ".join(problems)
