"""The candidate's home in a real browser once the panel has deferred: the outcome, the
new deadline and the panel's actions, and the support plan the deferral opened; every
page checked by axe, and what this page adds readable at 320 px without sideways
scrolling."""

import re

import pytest
from playwright.sync_api import Page, expect

from portal.core.db import db
from tests import factories
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_sign_in_journeys import sign_in
from tests.home import candidate_year as cy

pytestmark = pytest.mark.browser


def _deferred_candidate(app) -> str:
    with app.app_context():
        the_year = cy.year(factories.organisation())
        cy.decided(the_year, "deferred")
        db.session.commit()
        return the_year.candidate.email


def _fits_the_screen(page: Page, selector: str) -> None:
    """Nothing in `selector` reaches past the right edge of the screen."""
    too_wide = page.evaluate("""(selector) => {
        const width = document.documentElement.clientWidth;
        return [...document.querySelectorAll(selector)].flatMap(
            (part) => [part, ...part.querySelectorAll('*')])
          .filter((node) => node.getBoundingClientRect().right > width + 1)
          .map((node) => node.outerHTML.slice(0, 80)); }""", selector)
    assert not too_wide, too_wide


def test_the_candidate_home_shows_the_panels_outcome(page: Page, app):
    email = _deferred_candidate(app)
    sign_in(page, email, factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/home$"))
    main = page.locator("main")
    expect(main.locator("[id^='next-step-']")).to_contain_text(
        f"submit your portfolio again by {cy.uk(cy.EVIDENCE_DUE)}")
    outcome = page.locator("[id^='panel-outcome-'] + dl")
    expect(outcome).to_contain_text("Deferred")
    expect(outcome).to_contain_text(
        re.compile(rf"Further evidence due by\s*{cy.uk(cy.EVIDENCE_DUE)}"))
    expect(page.get_by_role("list", name="The panel’s actions")).to_contain_text(
        "Lead a case review in supervision")
    expect(page.get_by_role("region", name="Support plan")).to_contain_text(
        "Opened automatically")
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 320, "height": 800})
    _fits_the_screen(page, "[id^='where-you-are-'], .govuk-notification-banner")

    page.get_by_role("link", name="Read your support plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your support plan")
    expect(main).to_contain_text("when the panel deferred its decision on your portfolio")
    assert_no_axe_violations(page)
    _fits_the_screen(page, "main")
