"""The demo chair records a panel's decision in a real browser, and the candidate opens it
and downloads the outcome letter; every page checked by axe."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.core.db import db
from portal.demo import data
from portal.panels import agenda
from portal.panels import operations as panels
from tests import factories
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_sign_in_journeys import sign_in
from tests.panels.conftest import ready_for_panel

pytestmark = pytest.mark.browser


def _demo(local: str) -> User:
    return db.session.scalar(select(User).where(User.email == data.email_for(local)))


def _portfolio_on_an_agenda(app) -> dict:
    """A new candidate of the demo council whose portfolio waits on a panel's agenda."""
    with app.app_context():
        lead, chair = _demo("lead"), _demo("chair")
        portfolio = ready_for_panel(lead.organisation, lead, _demo("assessor"))
        panel = panels.create_panel(lead, panels.PanelDetails(
            title="ASYE panel, browser test", sits_on=date.today(), chair_id=chair.id,
            member_ids=[_demo("panel").id, _demo("david.mensah").id],
            programme_ids=[portfolio.programme_id]))
        item = agenda.place_on_agenda(lead, panel, portfolio)
        db.session.commit()
        return {"panel_id": panel.id, "item_id": item.id,
                "candidate_email": portfolio.candidate.email}


def test_the_chair_decides_and_the_candidate_downloads_the_letter(page: Page, app,
                                                                  seeded_demo):
    agenda = _portfolio_on_an_agenda(app)
    sign_in(page, data.email_for("chair"))
    expect(page).to_have_url(re.compile(r"/home$"))
    # The chair's home lists the panel; on its day she records who is present.
    page.get_by_role("link", name="ASYE panel, browser test").click()
    page.get_by_role("link", name="Record who is present").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who is present")
    assert_no_axe_violations(page)
    for name in ("Margaret Doyle (chair)", "Imran Khan", "David Mensah"):
        page.get_by_label(name).check()
    page.get_by_role("button", name="Record attendance").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Attendance has been recorded.")
    expect(page.locator("main")).to_contain_text("3 of 3 members present")

    page.goto(f"/decisions/record/{agenda['panel_id']}/{agenda['item_id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the panel's decision")
    expect(page.locator("#quorum")).to_contain_text("The panel is quorate for this portfolio.")
    assert_no_axe_violations(page)

    # A missing rationale is explained, and the choices made are kept.
    page.get_by_label("Approved", exact=True).check()
    page.get_by_label("1 Professionalism").check()
    page.get_by_label("6 Critical Reflection and Analysis").check()
    page.get_by_role("button", name="Confirm the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Write the rationale for the decision")
    expect(page.get_by_label("Approved", exact=True)).to_be_checked()
    expect(page.get_by_label("1 Professionalism")).to_be_checked()
    assert_no_axe_violations(page)

    page.get_by_label("Rationale").fill("Consistent, reflective practice across the year.")
    page.get_by_role("button", name="Confirm the decision").click()
    expect(page).to_have_url(re.compile(r"/decisions/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Panel decision")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The panel's decision has been recorded.")
    assert_no_axe_violations(page)
    decision_url = page.url

    page.context.clear_cookies()
    sign_in(page, agenda["candidate_email"], factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/home$"))
    page.goto(decision_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your panel decision")
    expect(page.locator("main")).to_contain_text("Consistent, reflective practice")
    expect(page.locator("main")).to_contain_text("Career level recorded")
    assert_no_axe_violations(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download your outcome letter (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as letter:
        assert letter.read(4) == b"%PDF"
    assert_no_axe_violations(page)


def test_a_member_reads_the_anonymised_portfolio_and_records_a_view(page: Page, app,
                                                                   seeded_demo):
    agenda = _portfolio_on_an_agenda(app)
    with app.app_context():
        candidate_name = db.session.scalar(
            select(User.name).where(User.email == agenda["candidate_email"]))
    sign_in(page, data.email_for("panel"))
    expect(page.locator("section[aria-labelledby=your-panels]")).to_contain_text(
        "ASYE panel, browser test")
    page.get_by_role("link", name="Your panels", exact=True).click()
    page.get_by_role("link", name=re.compile("ASYE panel, browser test")).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert candidate_name not in page.content()
    assert_no_axe_violations(page)
    page.goto(f"/panels/{agenda['panel_id']}/items/{agenda['item_id']}")
    assert candidate_name not in page.content()
    assert "Helen Shaw" not in page.content()
    assert_no_axe_violations(page)
