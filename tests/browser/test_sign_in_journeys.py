"""Journeys through a real browser: signing in and out for every role, the keyboard,
errors, and the administrator's and programme lead's main pages, each checked by axe."""

import re

import pytest
from playwright.sync_api import Page, expect

from portal.accounts.roles import Role
from portal.demo import data
from portal.demo.retention_data import PAST_CANDIDATES
from tests.browser.conftest import assert_no_axe_violations

pytestmark = pytest.mark.browser

DEMO_ACCOUNTS = [
    pytest.param(name, data.email_for(local), id=local)
    for name, local, _roles, _team in data.PEOPLE
]


def _person_with(role: Role) -> tuple[str, str]:
    for name, local, roles, _team in data.PEOPLE:
        if roles == {role}:
            return name, data.email_for(local)
    raise LookupError(role)


def sign_in(page: Page, email: str, password: str = data.DEMO_PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def expect_home(page: Page, name: str) -> None:
    expect(page).to_have_url(re.compile(r"/home$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {name}")


@pytest.mark.parametrize(("name", "email"), DEMO_ACCOUNTS)
def test_every_demo_account_signs_in_and_out(page: Page, seeded_demo, name, email):
    page.goto("/sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_no_axe_violations(page)

    sign_in(page, email)
    expect_home(page, name)
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("You have signed out.")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_no_axe_violations(page)


def test_keyboard_only_sign_in(page: Page, seeded_demo):
    name, email = _person_with(Role.CANDIDATE)
    page.goto("/sign-in")
    page.wait_for_load_state("load")
    # Nothing is focused yet: the first Tab goes to the first thing on the page.
    assert page.evaluate("() => document.activeElement === document.body")

    page.keyboard.press("Tab")
    skip_link = page.locator(":focus")
    expect(skip_link).to_have_text("Skip to main content")
    expect(skip_link).to_have_attribute("href", "#main-content")

    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "email":
            break
    else:
        pytest.fail("Tabbing never reached the email address field")

    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "password"
    page.keyboard.type(data.DEMO_PASSWORD)
    page.keyboard.press("Enter")

    expect_home(page, name)


def test_wrong_password_shows_the_error_summary(page: Page, seeded_demo):
    _name, email = _person_with(Role.CANDIDATE)
    sign_in(page, email, password="not the password")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(summary).to_be_focused()  # GOV.UK Frontend's ErrorSummary moves focus to it
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.get_by_label("Email address")).to_have_value(email)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")

    # The summary's link takes you to the field.
    summary.get_by_role("link", name="Enter a correct email address and password").click()
    expect(page.get_by_label("Email address")).to_be_focused()
    assert_no_axe_violations(page)


def test_administrator_journey(page: Page, seeded_demo):
    name, email = _person_with(Role.ADMINISTRATOR)
    sign_in(page, email)
    expect_home(page, name)

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    results = page.locator("#user-results")
    # The demo's people, and those of its finished cohorts (some of whom have left).
    everyone = len(data.PEOPLE) + len(PAST_CANDIDATES)
    expect(results).to_contain_text(f"{everyone} people")
    assert_no_axe_violations(page)

    # Searching updates the list in place through htmx: no full page load.
    page.evaluate("() => { window.__portalNoReload = true; }")
    with page.expect_response(lambda r: "/admin/users/?" in r.url and "q=priya" in r.url) as search:
        page.get_by_label("Search by name or email").fill("priya")
    assert search.value.request.headers.get("hx-request") == "true"
    expect(results).to_contain_text("1 person")
    expect(results.get_by_role("link")).to_have_text(["Priya Nair"])
    expect(page).to_have_url(re.compile(r"/admin/users/\?(.*&)?q=priya"))
    assert page.evaluate("() => window.__portalNoReload === true"), "the page reloaded"
    assert_no_axe_violations(page)

    results.get_by_role("link", name="Priya Nair").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Priya Nair")
    expect(page.get_by_label("Email address")).to_have_value(data.email_for("priya.nair"))
    assert_no_axe_violations(page)

    page.goto("/admin/users/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a user")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the person's full name")
    expect(summary).to_contain_text("Enter an email address")
    expect(summary).to_contain_text("Select at least one role")
    assert_no_axe_violations(page)

    page.goto("/admin/users/import")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import users from a CSV file")
    assert_no_axe_violations(page)

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Cohorts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cohorts")
    expect(page.get_by_role("table").get_by_role("link")).to_have_count(len(data.COHORTS))
    assert_no_axe_violations(page)

    cohort_name = data.COHORTS[0][0]
    page.get_by_role("link", name=cohort_name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(cohort_name)
    expect(page.get_by_role("heading", name=re.compile(r"Candidates \(2\)"))).to_be_visible()
    assert_no_axe_violations(page)

    page.goto("/cohorts/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a cohort")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save cohort").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a name for the cohort")
    expect(summary).to_contain_text("Select a programme")
    expect(summary).to_contain_text("Select the entry route")
    assert_no_axe_violations(page)


def test_programme_lead_sees_cohorts(page: Page, seeded_demo):
    name, email = _person_with(Role.PROGRAMME_LEAD)
    sign_in(page, email)
    expect_home(page, name)

    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu.get_by_role("link", name="Users")).to_have_count(0)
    menu.get_by_role("link", name="Cohorts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cohorts")
    assert_no_axe_violations(page)

    cohort_name = data.COHORTS[1][0]
    page.get_by_role("link", name=cohort_name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(cohort_name)
    # The name links to the portfolio once there is one (the lead reads it read-only).
    expect(page.get_by_text("Jordan Price", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
