"""The programme lead's home in a real browser (issue 20, "Done means"): a demo
candidate is flagged amber with the reason why, the rules behind it are one click away,
and the name opens the portfolio. Every page visited is checked by axe."""

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo import data
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_narrow_screens import check_fits
from tests.browser.test_sign_in_journeys import expect_home, sign_in

pytestmark = pytest.mark.browser

# Enrolled on 2 March 2026 with nothing done since: every review point is overdue.
BEHIND = "Jordan Price"


def test_the_lead_sees_a_candidate_behind_with_the_reason_why(page: Page, seeded_demo):
    sign_in(page, data.email_for("lead"))
    expect_home(page, "Grace Adeyemi")
    assert_no_axe_violations(page)

    attention = page.get_by_role("table", name="Candidates behind or with concerns")
    row = attention.get_by_role("row", name=re.compile(BEHIND))
    expect(row.locator(".govuk-tag")).to_have_text("Behind")
    expect(row.locator(".govuk-tag")).to_have_class(re.compile("govuk-tag--yellow"))
    expect(row).to_contain_text("3-month review overdue since 2 June 2026")

    page.get_by_text("Why is this amber?").click()
    rules = page.locator("#status-rules")
    expect(rules.get_by_text("A review point is overdue")).to_be_visible()
    expect(rules.get_by_text("Fewer required components than expected by now")).to_be_visible()
    assert_no_axe_violations(page)

    row.get_by_role("link", name=re.compile(rf"^{BEHIND}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(rf"^{BEHIND}['’]s portfolio$"))
    assert_no_axe_violations(page)


def test_the_lead_dashboard_fits_a_phone(page: Page, seeded_demo):
    problems: list[str] = []
    sign_in(page, data.email_for("lead"))
    expect_home(page, "Grace Adeyemi")
    page.get_by_text("Why is this amber?").click()
    check_fits(page, problems)
    assert not problems, "The dashboard scrolls sideways:\n  " + "\n  ".join(problems)
