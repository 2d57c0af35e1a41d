"""The pages people open most on a phone fit a 320 and a 375 pixel wide screen: nothing
scrolls sideways (WCAG 1.4.10 Reflow), and axe finds nothing at either width."""

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo import data
from portal.portfolios.sufficiency import measures as sufficiency
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_sign_in_journeys import sign_in
from tests.browser.test_sufficiency import _demo_portfolio_with_evidence

pytestmark = pytest.mark.browser

WIDTHS = [320, 375]

# What sticks out past the right edge, to say which element to fix when a check fails.
WIDEST = """() => [...new Set([...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map((el) => {
        const named = el.closest("[id]");
        return `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}` +
               (named ? ` in #${named.id}` : "");
    }))].slice(0, 8)"""


def check_fits(page: Page, problems: list[str]) -> None:
    """At each width the page does not scroll sideways (what does is added to `problems`,
    so one run names every page to fix), and axe finds nothing."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.wait_for_load_state("load")
        scroll_width, inner_width = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]")
        if scroll_width > inner_width:
            problems.append(f"{page.url} at {width}px ({scroll_width} > {inner_width}): "
                            f"{page.evaluate(WIDEST)}")
        assert_no_axe_violations(page)


def test_the_candidates_pages_fit_a_phone(page: Page, app, seeded_demo, monkeypatch):
    problems: list[str] = []
    portfolio_id = _demo_portfolio_with_evidence(app)
    sign_in(page, data.email_for("candidate"))
    expect(page).to_have_url(re.compile(r"/home$"))
    for url in ["/home", f"/portfolios/{portfolio_id}",
                f"/portfolios/{portfolio_id}/sufficiency"]:
        page.goto(url)
        check_fits(page, problems)
    # The sufficiency page's tables too, once opened.
    page.get_by_text("Show the heat map as a table").click()
    page.get_by_text("Show entries recorded each week as a table").click()
    check_fits(page, problems)

    # The success banner after a submission quotes the 64-character reference.
    monkeypatch.setattr(sufficiency, "missing_for_review_point", lambda portfolio, code: [])
    page.goto(f"/portfolios/{portfolio_id}")
    page.get_by_label(re.compile("3-month review")).check()
    page.get_by_role("button", name="Submit portfolio").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("reference")
    check_fits(page, problems)
    page.goto(f"/portfolios/{portfolio_id}")  # its reference is shown there too
    check_fits(page, problems)
    assert not problems, "Pages scroll sideways:\n  " + "\n  ".join(problems)


def test_the_assessors_queue_fits_a_phone(page: Page, seeded_demo):
    problems: list[str] = []
    sign_in(page, data.email_for("assessor"))
    expect(page).to_have_url(re.compile(r"/home$"))
    check_fits(page, problems)
    page.goto("/assess/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work queue")
    check_fits(page, problems)
    assert not problems, "Pages scroll sideways:\n  " + "\n  ".join(problems)
