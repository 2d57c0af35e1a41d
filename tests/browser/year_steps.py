"""Steps of the ASYE year as each role takes them in a real browser (issue 18).

Each function is one person's turn: it signs in as them, does their part through the pages
they would use, and runs axe on every page it visits. Setup that has no page yet goes
through operations in `final_portfolio_awaits_a_panel`, and nowhere else.
"""

import re
from datetime import date

from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.core.db import db
from portal.demo import data
from portal.portfolios import operations as portfolios
from portal.portfolios.models import Portfolio
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_sign_in_journeys import sign_in

CANDIDATE = "Amara Okafor"
PANEL_TITLE = "ASYE progression panel, year walk"


def demo_user(local: str) -> User:
    return db.session.scalar(select(User).where(User.email == data.email_for(local)))


def _candidates(thing: str) -> re.Pattern:
    """The candidate's `thing`, with either apostrophe (the wording is being unified)."""
    return re.compile(rf"^{CANDIDATE}['’]s {thing}$")


def _visit(page: Page, heading: str | re.Pattern) -> None:
    """Expect the page's main heading, then check it with axe."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_no_axe_violations(page)


def _sign_in_as(page: Page, local: str) -> None:
    page.context.clear_cookies()
    sign_in(page, data.email_for(local))
    expect(page).to_have_url(re.compile(r"/home$"))
    assert_no_axe_violations(page)


def _main_menu(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name=name).click()


# --- The 3-month review -------------------------------------------------------------


def candidate_submits_for_the_three_month_review(page: Page) -> None:
    _sign_in_as(page, "candidate")
    page.get_by_role("link", name="Your portfolio").first.click()
    _visit(page, "Your portfolio")
    page.get_by_label(re.compile("3-month review")).check()
    page.get_by_role("button", name="Submit portfolio").click()
    _visit(page, "Submitted portfolio")


def _open_from_the_queue(page: Page, kind: str, link: str) -> None:
    """Open the candidate's item of this kind from the signed-in person's work queue."""
    _main_menu(page, "Your candidates")
    _visit(page, "Your work queue")
    page.locator("tr", has_text=kind).filter(has_text=CANDIDATE).get_by_role(
        "link", name=re.compile(rf"^{link}\s+for {CANDIDATE}$")).click()


def assessor_reads_the_supervision_log_and_kss_self_assessment(page: Page) -> None:
    _sign_in_as(page, "assessor")
    _open_from_the_queue(page, "Submission awaiting assessment", "Open portfolio")
    _visit(page, _candidates("portfolio"))
    page.get_by_role("link", name=re.compile("^Records: .*supervision")).click()
    _visit(page, _candidates("portfolio records"))
    page.get_by_role("link", name="View supervision records").click()
    _visit(page, "Supervision records")
    expect(page.locator("main")).to_contain_text("Caseload, reflection on recent visits")
    page.get_by_role("link", name=re.compile("^Back to")).click()
    page.get_by_role("link", name="View KSS self-assessments").click()
    _visit(page, "KSS self-assessments")
    # The stages side by side: the demo candidate rated herself at the beginning.
    progress = page.get_by_role("table", name=re.compile("^Ratings by statement and stage"))
    expect(progress).to_contain_text("25 September 2026")


def _confirm_if_asked(page: Page, done: str) -> None:
    """Go through the "Are you sure?" page in front of an irreversible action, if there is
    one, and expect the success banner saying `done`."""
    banner = page.locator(".govuk-notification-banner--success")
    question = page.get_by_role("heading", level=1, name=re.compile("^Are you sure"))
    expect(banner.or_(question)).to_be_visible()
    if question.is_visible():
        assert_no_axe_violations(page)
        page.get_by_role("button", name=re.compile("^Yes")).click()
    expect(banner).to_contain_text(done)
    assert_no_axe_violations(page)


def assessor_writes_and_signs_the_review_report(page: Page) -> None:
    _sign_in_as(page, "assessor")
    _write_and_sign_the_report(
        page, "Amara has settled well and reflects carefully on her visits.")


def assessor_writes_and_signs_the_final_report(page: Page) -> None:
    _sign_in_as(page, "assessor")
    _write_and_sign_the_report(
        page, "A year of steady, reflective growth in assessment and direct work.", final=True)


def _write_and_sign_the_report(page: Page, summary: str, final: bool = False) -> None:
    """From the queue's submission to a signed-off report; the final one also carries the
    holistic assessment and the recommendation."""
    _open_from_the_queue(page, "Submission awaiting assessment", "Open portfolio")
    _visit(page, _candidates("portfolio"))
    page.get_by_role("button", name="Start assessment").click()
    _visit(page, re.compile("^Review report"))
    page.get_by_label("Summary of progress").fill(summary)
    for rating in page.get_by_label("On track", exact=True).all():
        rating.check()
    if final:
        page.get_by_label("Holistic assessment against the target level").fill(
            "Practises safely and reflectively at the level expected at the end of the ASYE.")
        page.get_by_role("group", name="Recommendation").get_by_label("Pass").check()
    page.get_by_role("button", name="Sign off report").click()
    _confirm_if_asked(page, "The report has been signed off")


def line_manager_confirms_the_report_from_their_queue(page: Page) -> None:
    _sign_in_as(page, "manager")
    _open_from_the_queue(page, "Report to confirm", "Open report")
    _visit(page, re.compile("^Review report"))
    for question in ("Has the candidate had regular supervision?",
                     "Has the candidate had their protected development time?",
                     "Has the candidate had a reduced workload?"):
        page.get_by_role("group", name=question).get_by_label("Yes").check()
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "your confirmation has been recorded")
    assert_no_axe_violations(page)


def lead_sees_the_progress_and_opens_the_portfolio(page: Page) -> None:
    _sign_in_as(page, "lead")
    _main_menu(page, "Cohorts")
    _visit(page, "Cohorts")
    page.get_by_role("link", name="ASYE children's services September 2026").click()
    _visit(page, "ASYE children's services September 2026")
    # A visually hidden ending reads as a separate word to the accessibility tree.
    page.get_by_role("link", name=re.compile(rf"^{CANDIDATE}\s*['’]s portfolio$")).click()
    _visit(page, _candidates("portfolio"))
    three_month_review = page.get_by_role("row", name=re.compile("3-month review"))
    expect(three_month_review).to_contain_text("Done")
    expect(page.locator("main")).to_contain_text(re.compile("signed off"))


# --- The final panel ----------------------------------------------------------------


def final_portfolio_is_submitted_for_the_panel(app) -> None:
    """The rest of the year (observations, the mid-point review, feedback) in one shortcut:
    the demo candidate's whole portfolio submitted for the panel, which the page would
    refuse while the demo's year is unfinished."""
    with app.app_context():
        candidate = demo_user("candidate")
        portfolio = db.session.scalar(select(Portfolio).where(
            Portfolio.candidate_id == candidate.id))
        portfolios.submit_for_panel(candidate, portfolio, [])
        db.session.commit()


def lead_puts_the_portfolio_to_a_panel_without_conflicts(page: Page) -> None:
    _sign_in_as(page, "lead")
    _main_menu(page, "Panels")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile("^Create a panel")).click()
    _visit(page, "Create a panel")
    today = date.today()
    page.get_by_label("Title").fill(PANEL_TITLE)
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("group", name="Programmes").get_by_label("ASYE child and family").check()
    page.get_by_label("Chair", exact=True).select_option(label="Margaret Doyle")
    members = page.get_by_role("group", name="Members")
    # The candidate's assessor and line manager would be conflicted: neither sits.
    for member in ("Imran Khan", "Sarah Lewis"):
        members.get_by_label(member).check()
    page.get_by_role("button", name="Create panel").click()
    _visit(page, PANEL_TITLE)
    ready = page.locator("tr", has_text=CANDIDATE)
    expect(ready.get_by_role("cell").nth(2)).to_have_text("None")  # conflicts of interest
    ready.get_by_role("button", name=re.compile(rf"^Add to agenda\s*: {CANDIDATE}$")).click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        re.compile(rf"{CANDIDATE}['’]s portfolio is on the agenda"))
    expect(page.locator("#conflicts")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Conflict of interest:")
    assert_no_axe_violations(page)


def chair_records_the_decision_on_the_panels_date(page: Page) -> None:
    _sign_in_as(page, "chair")
    page.get_by_role("link", name="Your panels", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile(PANEL_TITLE)).click()
    _visit(page, PANEL_TITLE)
    _chair_records_who_is_present(page)
    page.get_by_role("table", name="Agenda").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Record the panel's decision").click()
    _visit(page, "Record the panel's decision")
    page.get_by_label("Approved", exact=True).check()
    page.get_by_label("Rationale").fill("Consistent, reflective practice across the year.")
    page.get_by_label("Professionalism").check()
    page.get_by_label("Critical Reflection and Analysis").check()
    page.get_by_role("button", name="Confirm the decision").click()
    _confirm_if_asked(page, "The panel's decision has been recorded.")
    _visit(page, "Panel decision")


def _chair_records_who_is_present(page: Page) -> None:
    """On the panel's day the chair records attendance, which quorum is checked against."""
    page.get_by_role("link", name="Record who is present").click()
    _visit(page, "Who is present")
    for member in ("Margaret Doyle (chair)", "Imran Khan", "Sarah Lewis"):
        page.get_by_label(member).check()
    page.get_by_role("button", name="Record attendance").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Attendance has been recorded.")
    expect(page.locator("main")).to_contain_text("3 of 3 members present")
    assert_no_axe_violations(page)


def _summary_row(page: Page, key: str):
    return page.locator(".govuk-summary-list__row").filter(
        has=page.locator("dt", has_text=re.compile(rf"^{key}$")))


def candidate_home_shows_the_outcome(page: Page) -> None:
    _sign_in_as(page, "candidate")
    expect(page.get_by_role("heading", name="Panel outcome")).to_be_visible()
    expect(_summary_row(page, "Outcome")).to_contain_text("Approved")
    today = date.today()  # the panel sat, and decided, today
    expect(_summary_row(page, "Decided on")).to_contain_text(f"{today.day} {today:%B %Y}")
    page.get_by_role("link", name=re.compile("^Read the panel['’]s decision$")).click()
    _visit(page, "Your panel decision")
    expect(page.locator("main")).to_contain_text("Consistent, reflective practice")


def no_queue_keeps_the_finished_work(page: Page) -> None:
    """The assessor's and the line manager's queues hold nothing of the decided portfolio."""
    for local in ("assessor", "manager"):
        _sign_in_as(page, local)
        _main_menu(page, "Your candidates")
        _visit(page, "Your work queue")
        expect(page.locator("main")).not_to_contain_text(CANDIDATE)
