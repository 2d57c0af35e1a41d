"""External moderation in a real browser: the demo lead defines a round, draws the sample
and shares one portfolio's anonymised pack; the demo moderator opens only that pack, fills
the template and sends it; the lead downloads the summary report; once the round's access
has ended the moderator's links are 404. Every page is checked by axe."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.assessment.reports import operations as reports
from portal.core.db import db
from portal.demo import data
from portal.moderation.models import ModerationRound
from portal.panels import agenda, decisions
from portal.panels import operations as panels
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_sign_in_journeys import sign_in
from tests.panels.conftest import everyone_present, ready_for_panel

pytestmark = pytest.mark.browser


def _demo(local: str) -> User:
    return db.session.scalar(select(User).where(User.email == data.email_for(local)))


def _two_decided_portfolios(app) -> list[str]:
    """Two new portfolios of the demo council approved today; their references."""
    with app.app_context():
        lead, chair = _demo("lead"), _demo("chair")
        references = []
        for number in range(2):
            portfolio = ready_for_panel(lead.organisation, lead, _demo("assessor"))
            panel = panels.create_panel(lead, panels.PanelDetails(
                title=f"Moderation browser panel {number}", sits_on=date.today(),
                chair_id=chair.id, member_ids=[_demo("panel").id, _demo("david.mensah").id],
                programme_ids=[portfolio.programme_id]))
            item = agenda.place_on_agenda(lead, panel, portfolio)
            everyone_present(panel, date.today())
            decisions.record_decision(chair, item, item.version, decisions.DecisionDetails(
                code="approved", rationale="Good.",
                domain_ids=[d.id for d in reports.pcf_domains(portfolio)[:2]]), date.today())
            references.append(item.reference)
        db.session.commit()
        return references


def _fill_date(page: Page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _download(page: Page, click) -> bytes:
    with page.expect_download() as download_info:
        click()
    with open(download_info.value.path(), "rb") as downloaded:
        return downloaded.read()


def _lead_approves_the_anonymised_copy(page: Page, shared: str) -> None:
    """From the round's page, through the redaction assistant: every proposal (in the
    evidence, the records and the final report) replaced as proposed, then approved."""
    round_url = page.url
    page.get_by_role("link", name=f"Review the anonymised copy of {shared}").click()
    page.get_by_role("button", name="Find identifying details").click()
    assert_no_axe_violations(page)
    for choice in page.get_by_label("Replace as proposed").all():
        choice.check()
    page.get_by_role("button", name="Save decisions").click()
    page.get_by_role("button", name="Approve the anonymised copy").click()
    expect(page.locator("main")).to_contain_text("Approved by Grace Adeyemi")
    page.goto(round_url)
    expect(page.locator("main")).to_contain_text("Approved: every replacement reviewed")


def _lead_shares_one_pack(page: Page, shared: str) -> None:
    sign_in(page, data.email_for("lead"))
    page.get_by_role("link", name="Moderation", exact=True).click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Define a moderation round").click()
    today = date.today()
    page.get_by_label("Title").fill("ASYE external moderation, browser test")
    _fill_date(page, "Start of the period", today)
    _fill_date(page, "End of the period", today)
    page.get_by_label("Sample size (per cent of outcomes)").fill("100")
    page.get_by_label("Ruth Ellis").check()
    _fill_date(page, "Moderators' access ends on", today + timedelta(days=14))
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Define the round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "ASYE external moderation, browser test")
    page.get_by_role("button", name="Draw the sample").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The sample has been drawn")
    expect(page.locator("main")).to_contain_text("seed")
    assert_no_axe_violations(page)
    _lead_approves_the_anonymised_copy(page, shared)
    page.get_by_role("button", name=f"Prepare anonymised pack of {shared}").click()
    share = page.get_by_role("button", name=f"Share pack of {shared}")
    for _attempt in range(30):  # a job builds the pack; the page says to refresh meanwhile
        if share.count():
            break
        page.wait_for_timeout(500)
        page.reload()
    share.click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"The pack of {shared} is shared with the moderators.")
    assert_no_axe_violations(page)


def test_a_round_from_sample_to_summary_report(page: Page, app, seeded_demo, browser,
                                               live_server):
    shared, kept_back = _two_decided_portfolios(app)
    _lead_shares_one_pack(page, shared)
    round_url = page.url

    page.context.clear_cookies()
    sign_in(page, data.email_for("moderator"))
    expect(page).to_have_url(re.compile(r"/home$"))
    page.get_by_role("link", name="Portfolios to moderate").first.click()
    expect(page.locator("main")).to_contain_text(shared)
    expect(page.locator("main")).not_to_contain_text(kept_back)
    assert_no_axe_violations(page)
    page.get_by_role("link", name=shared).click()
    sample_url = page.url
    pack = _download(page, page.get_by_role(
        "button", name="Download the anonymised portfolio (PDF)").click)
    assert pack.startswith(b"%PDF")
    page.get_by_label("At least three direct observations of practice").check()
    page.get_by_label("The assessor's holistic final report with a recommendation").check()
    for question in ("accurate", "valid", "robust", "sufficient"):
        page.get_by_role("group", name=f"Is the judgement {question}?").get_by_label(
            "Yes").check()
    page.get_by_label("Comments: robust").fill("The observations were checked.")
    page.get_by_label("Overall feedback").fill("A well evidenced, defensible judgement.")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send your feedback").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Your feedback has been sent.")
    assert_no_axe_violations(page)

    page.context.clear_cookies()
    sign_in(page, data.email_for("lead"))
    page.goto(round_url)
    expect(page.locator("main")).to_contain_text("A well evidenced, defensible judgement.")
    page.get_by_label("Action plan").fill("Share the moderators' findings with assessors.")
    page.get_by_role("button", name="Save the action plan").click()
    assert_no_axe_violations(page)
    report = _download(page, page.get_by_role(
        "link", name="Download the summary report (PDF)").click)
    assert report.startswith(b"%PDF")

    # The access period ends (the clock moves by moving the round's end date).
    with app.app_context():
        moderation_round = db.session.scalar(select(ModerationRound))
        moderation_round.access_ends_on = date.today() - timedelta(days=1)
        db.session.commit()
    # A page of its own: the 404s are what this test expects, not problems to report.
    context = browser.new_context(base_url=live_server)
    try:
        moderator = context.new_page()
        sign_in(moderator, data.email_for("moderator"))
        expect(moderator).to_have_url(re.compile(r"/home$"))
        expect(moderator.locator("main")).to_contain_text(
            "No portfolios have been shared with you")
        assert moderator.goto(sample_url).status == 404
        assert_no_axe_violations(moderator)
    finally:
        context.close()
