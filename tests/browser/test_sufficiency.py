"""The demo candidate's sufficiency page in a real browser: charts drawn, tables behind
their details, no CSP errors, and nothing for axe to find."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.core.db import db
from portal.demo import data
from portal.frameworks.models import FrameworkElement
from portal.portfolios.models import Portfolio, PortfolioEntry, SupportAgreement
from tests import factories
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.browser


def _demo_portfolio_with_evidence(app) -> int:
    """The demo candidate's portfolio, given some evidence so every chart is drawn."""
    with app.app_context():
        candidate = db.session.scalar(
            select(User).where(User.email == data.email_for("candidate")))
        portfolio = db.session.scalar(
            select(Portfolio).where(Portfolio.candidate_id == candidate.id))
        elements = db.session.scalars(
            select(FrameworkElement)
            .where(FrameworkElement.framework_id.in_([f.id for f in portfolio.frameworks]))
            .order_by(FrameworkElement.id)
        ).all()
        if db.session.scalar(select(SupportAgreement.id).where(
                SupportAgreement.portfolio_id == portfolio.id)) is None:
            db.session.add(SupportAgreement(portfolio_id=portfolio.id,
                                            agreed_on=portfolio.start_date))
        kinds = ["direct_observation", "critical_reflection", "colleague_feedback"]
        for n in range(12):
            happened = portfolio.start_date + timedelta(days=9 * n)
            logged = happened + timedelta(days=2 if n % 3 else 45)
            entry = factories.evidence_entry(
                candidate, f"Visit {n}", happened, kinds[n % 3],
                links=[(elements[n % len(elements)], "Shows it")])
            entry.created_at = datetime(logged.year, logged.month, logged.day, 10, tzinfo=UTC)
            db.session.add(PortfolioEntry(portfolio_id=portfolio.id, entry_id=entry.id))
        db.session.commit()
        return portfolio.id


def test_candidate_sees_an_accessible_sufficiency_page(page: Page, app, seeded_demo):
    portfolio_id = _demo_portfolio_with_evidence(app)
    sign_in(page, data.email_for("candidate"))
    expect(page).to_have_url(re.compile(r"/home$"))

    page.goto(f"/portfolios/{portfolio_id}/sufficiency")
    expect(page.get_by_role("heading", level=1)).to_have_text("How complete your portfolio is")
    expect(page.locator("#completeness-label")).to_contain_text("% complete")
    expect(page.get_by_role("img", name=re.compile("Heat map"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Bar chart"))).to_be_visible()
    assert_no_axe_violations(page)

    # The table alternatives are checked too, once opened.
    page.get_by_text("Show the heat map as a table").click()
    page.get_by_text("Show entries recorded each week as a table").click()
    expect(page.locator("#heat-map-table table").first).to_be_visible()
    assert_no_axe_violations(page)
