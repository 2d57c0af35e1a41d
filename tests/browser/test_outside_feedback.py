"""A person without an account gives feedback through a one-time link, on a phone."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from portal.demo import data
from tests.browser.conftest import PageProblems, assert_no_axe_violations
from tests.browser.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


def _create_link(page: Page) -> str:
    sign_in(page, data.email_for("candidate"))
    expect(page).to_have_url(re.compile(r"/home$"))
    page.goto("/feedback-requests")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Feedback from people outside the portal")
    assert_no_axe_violations(page)

    # Errors first: nothing chosen.
    page.get_by_role("button", name="Create link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select who the feedback is from")
    assert_no_axe_violations(page)

    page.get_by_label("A person with lived experience").check()
    page.get_by_label("A note to help you remember who this link is for").fill(
        "Parent after review meeting")
    page.get_by_role("button", name="Create link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your feedback link is ready")
    assert_no_axe_violations(page)
    return page.get_by_label("Feedback link").input_value()


def test_a_parent_gives_feedback_on_a_phone(page: Page, browser: Browser, seeded_demo,
                                            live_server):
    url = _create_link(page)
    assert re.search(r"/give-feedback\?token=[A-Za-z0-9_-]{40,}$", url)
    path = url[url.index("/give-feedback"):]

    # A new browser with no cookies, at a phone's size.
    context = browser.new_context(viewport=PHONE, base_url=live_server)
    try:
        visitor = context.new_page()
        problems = PageProblems(live_server)
        problems.attach(visitor)
        visitor.goto(path)
        expect(visitor.get_by_role("heading", level=1)).to_have_text(
            "Tell us about your experience with Amara")
        assert visitor.url.endswith("/give-feedback")  # the secret left the address bar
        expect(visitor.locator("nav")).to_have_count(0)
        # No way into the portal: the only link out is the public privacy notice.
        expect(visitor.locator("a[href]:not([href^='#']):not([href='/privacy'])")) \
            .to_have_count(0)
        expect(visitor.get_by_text("Okafor")).to_have_count(0)
        # Nothing is wider than the phone's screen.
        assert visitor.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        visitor.portal_problems = problems
        assert_no_axe_violations(visitor)

        visitor.get_by_label("A family member or carer").check()
        visitor.get_by_label("What did Amara do well?").fill(
            "She explained things clearly and listened to my son.")
        visitor.get_by_label("What could Amara do better?").fill("Call back a bit sooner.")
        visitor.get_by_role("button", name="Send feedback").click()
        summary = visitor.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Tick the box to agree that your feedback can be used")
        expect(summary).to_be_focused()
        expect(visitor.get_by_label("What did Amara do well?")).to_have_value(
            re.compile("listened to my son"))
        assert_no_axe_violations(visitor)

        visitor.get_by_label(re.compile("I agree that this feedback can be used in Amara")).check()
        visitor.get_by_role("button", name="Send feedback").click()
        expect(visitor.get_by_role("heading", level=1)).to_contain_text(
            "Thank you for your feedback")
        assert_no_axe_violations(visitor)

        # Works once.
        response = visitor.goto(path)
        assert response.status == 404
        expect(visitor.get_by_role("heading", level=1)).to_have_text(
            "This link has expired or has already been used")
    finally:
        context.close()

    # The candidate sees it as used, and reads the feedback with its thread.
    page.goto("/feedback-requests")
    expect(page.get_by_text("Feedback received")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile("Read the feedback")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Feedback from a person who uses services (via link)")
    expect(page.get_by_text("listened to my son")).to_be_visible()
    assert_no_axe_violations(page)

    # A reply in the thread, through htmx.
    page.get_by_label("Your message").fill("Thank you, I will share this in supervision.")
    page.get_by_role("button", name="Add message").click()
    expect(page.locator("#feedback-status")).to_have_text("Message added")
    expect(page.locator("#feedback-thread")).to_contain_text("I will share this in supervision")
    assert_no_axe_violations(page)


def test_the_assessor_accepts_an_entry_in_the_thread(page: Page, app, seeded_demo):
    from sqlalchemy import select

    from portal.accounts.models import User
    from portal.core.db import db
    from portal.evidence.models import EvidenceEntry, EvidenceLink

    with app.app_context():
        candidate = db.session.scalar(select(User).where(
            User.email == data.email_for("candidate")))
        entry_id = db.session.scalar(
            select(EvidenceEntry.id).join(EvidenceLink)
            .where(EvidenceEntry.candidate_id == candidate.id).order_by(EvidenceEntry.id))
    sign_in(page, data.email_for("assessor"))
    page.goto(f"/evidence/{entry_id}")
    assert_no_axe_violations(page)
    page.get_by_label("Accept this entry as evidence").check()
    page.locator("input[name=element_id]").first.check()
    page.get_by_label("Your message").fill("This shows your analysis well.")
    page.get_by_role("button", name="Add message").click()
    expect(page.locator("#feedback-status")).to_have_text("Message added")
    expect(page.locator("#feedback-thread")).to_contain_text("Accepted as evidence of")
    assert_no_axe_violations(page)
