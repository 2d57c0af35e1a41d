"""Council sign-in in a real browser, through a real OpenID Connect provider on 127.0.0.1:
a social worker signs in with their council account, is asked to prove the password of the
portal account with the same address once, lands on their home, and next time goes
straight in. Every portal page is checked by axe."""

import pytest
from playwright.sync_api import Page, expect

from portal.accounts.roles import Role
from portal.accounts.single_sign_on.models import CouncilSignOn
from portal.core.db import db
from tests import factories
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_sign_in_journeys import expect_home
from tests.oidc import oidc_provider

pytestmark = pytest.mark.browser


@pytest.fixture
def provider(live_server):
    accounts = {"object-id-ravi": {"email": "ravi.patel@northshire.gov.uk",
                                   "name": "Ravi Patel"}}
    with oidc_provider([f"{live_server}/sign-in/council/callback"], accounts) as running:
        yield running


def _council_with_sign_on(app, provider) -> None:
    with app.app_context():
        council = factories.organisation()
        factories.user(council, roles=[Role.ASSESSOR], name="Ravi Patel",
                       email="ravi.patel@northshire.gov.uk")
        db.session.add(CouncilSignOn(
            organisation_id=council.id, provider_name="Northshire Microsoft",
            issuer=provider.issuer, client_id="portal", client_secret=provider.clients["portal"],
            allowed_domains="northshire.gov.uk"))
        db.session.commit()


def _quiet_provider_pages(page: Page, provider) -> None:
    """The provider's development login page asks for a web font and a favicon it has
    not got; neither is the portal's, so the browser is given empty ones."""
    page.route("https://fonts.googleapis.com/**",
               lambda route: route.fulfill(status=200, content_type="text/css", body=""))
    page.route(f"{provider.issuer}/favicon.ico", lambda route: route.fulfill(status=204))


def _choose_council_sign_in(page: Page) -> None:
    page.goto("/sign-in")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Sign in with your Northshire Microsoft account").click()


def _sign_in_at_the_provider(page: Page) -> None:
    _choose_council_sign_in(page)
    page.locator("input[name=login]").fill("object-id-ravi")
    page.locator("input[name=password]").fill("anything")
    page.locator("button[type=submit]").click()
    consent = page.locator("button[type=submit]", has_text="Continue")
    if consent.count():
        consent.click()


def test_a_social_worker_links_their_council_account_then_goes_straight_in(
        page: Page, app, provider):
    _council_with_sign_on(app, provider)
    _quiet_provider_pages(page, provider)
    _sign_in_at_the_provider(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Link your council account")
    expect(page.locator("main")).to_contain_text("ravi.patel@northshire.gov.uk")
    assert_no_axe_violations(page)

    page.get_by_label("Password of your portal account").fill("not the password")
    page.get_by_role("button", name="Link and sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The password is not correct")
    expect(summary).to_be_focused()
    assert_no_axe_violations(page)
    page.get_by_label("Password of your portal account").fill(factories.PASSWORD)
    page.get_by_role("button", name="Link and sign in").click()
    expect_home(page, "Ravi Patel")

    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("body")).to_contain_text(
        "You are still signed in to your Northshire Microsoft account")
    assert_no_axe_violations(page)

    # The provider still has Ravi signed in (the portal said so), so it answers at once.
    _choose_council_sign_in(page)
    expect_home(page, "Ravi Patel")
