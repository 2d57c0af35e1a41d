"""Two-factor sign-in in a real browser: an administrator of a council that requires it
is made to set up an authenticator app at first sign-in, and signs in with a code next
time. pyotp plays the phone, from the key shown on the page; every page checked by axe."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from portal.accounts.roles import Role
from portal.core.db import db
from tests import factories
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_sign_in_journeys import expect_home, sign_in

pytestmark = pytest.mark.browser


def _administrator_of_a_strict_council(app) -> str:
    with app.app_context():
        council = factories.organisation(two_factor_required=True)
        admin = factories.user(council, roles=[Role.ADMINISTRATOR], name="Grace Adeyemi")
        db.session.commit()
        return admin.email


def test_an_administrator_sets_up_two_factor_then_signs_in_with_a_code(page: Page, app):
    email = _administrator_of_a_strict_council(app)
    sign_in(page, email, factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/account/two-factor$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in")
    expect(page.locator("main")).to_contain_text(
        "Your council requires two-factor sign-in for your role")
    assert_no_axe_violations(page)

    page.goto("/admin/users/")  # nothing else until it is set up
    expect(page).to_have_url(re.compile(r"/account/two-factor$"))

    page.get_by_label("Your password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 320, "height": 800})  # the QR code and key fit a phone
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.set_viewport_size({"width": 1280, "height": 800})

    phone = pyotp.TOTP(secret)
    page.get_by_label("Code from your authenticator app").fill(phone.now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in is on")
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")) \
        .to_have_count(10)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="I have kept my codes, continue").click()
    expect_home(page, "Grace Adeyemi")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, email, factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/sign-in/code$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    assert_no_axe_violations(page)
    page.get_by_label("Security code").fill("12345")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a correct code from your authenticator app")
    assert_no_axe_violations(page)

    # The code that turned it on has been used: the app's next code is accepted.
    page.get_by_label("Security code").fill(phone.at(time.time() + 30))
    page.get_by_role("button", name="Continue").click()
    expect_home(page, "Grace Adeyemi")
    page.goto("/admin/users/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
