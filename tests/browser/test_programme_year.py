"""The ASYE year across roles in a real browser (issue 18, "Done means"): the 3-month review
passes from the candidate to the assessor, the line manager and the lead; the final
portfolio goes to a panel, the chair decides, the candidate sees the outcome and no queue
keeps the finished work. Every page visited is checked by axe."""

import pytest
from playwright.sync_api import Page

from tests.browser import year_steps as year

pytestmark = pytest.mark.browser


def test_the_three_month_review_passes_between_roles(page: Page, seeded_demo):
    year.candidate_submits_for_the_three_month_review(page)
    year.assessor_reads_the_supervision_log_and_kss_self_assessment(page)
    year.assessor_writes_and_signs_the_review_report(page)
    year.line_manager_confirms_the_report_from_their_queue(page)
    year.lead_sees_the_progress_and_opens_the_portfolio(page)


def test_the_final_panel_decides_and_the_work_clears(page: Page, app, seeded_demo):
    year.final_portfolio_is_submitted_for_the_panel(app)
    year.assessor_writes_and_signs_the_final_report(page)
    year.lead_puts_the_portfolio_to_a_panel_without_conflicts(page)
    year.chair_records_the_decision_on_the_panels_date(page)
    year.candidate_home_shows_the_outcome(page)
    year.no_queue_keeps_the_finished_work(page)
