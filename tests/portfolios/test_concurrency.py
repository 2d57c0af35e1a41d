"""Workflow transitions under concurrency: a transition made from a page opened before
another request changed the portfolio is refused (both databases), and two at the same
moment leave one of them done (PostgreSQL, where the portfolio's row lock decides)."""

import pytest

from portal.core.db import db
from portal.portfolios import operations
from portal.portfolios.models import Portfolio, PortfolioSnapshot, PortfolioState
from tests.conftest import error_summary, page, sign_in
from tests.portfolios.conftest import make_portfolio
from tests.races import in_another_request, postgres_only, run_at_once


@pytest.fixture
def portfolio(org):
    portfolio = make_portfolio(org)
    db.session.commit()
    return portfolio


def _snapshots() -> int:
    return db.session.scalar(db.select(db.func.count(PortfolioSnapshot.id)))


def _other(portfolio_id: int) -> Portfolio:
    """The same portfolio as another request loads it."""
    return db.session.get(Portfolio, portfolio_id)


def _submit_elsewhere(app, portfolio_id: int) -> None:
    in_another_request(app, lambda: operations.submit_for_panel(
        _other(portfolio_id).candidate, _other(portfolio_id), []))


def test_a_second_submission_from_a_stale_page_is_refused(app, portfolio):
    assert portfolio.state == PortfolioState.DRAFT  # what the candidate's second tab read
    _submit_elsewhere(app, portfolio.id)
    with pytest.raises(operations.InvalidTransition, match="already been submitted"):
        operations.submit_for_panel(portfolio.candidate, portfolio, [])
    db.session.rollback()
    assert _snapshots() == 1
    assert portfolio.state == PortfolioState.SUBMITTED_FOR_PANEL


def test_withdrawing_after_assessment_started_elsewhere_is_refused(app, portfolio):
    operations.submit_for_panel(portfolio.candidate, portfolio, [])
    db.session.commit()
    assert portfolio.state == PortfolioState.SUBMITTED_FOR_PANEL
    in_another_request(app, lambda: operations.start_assessment(
        None, _other(portfolio.id)))
    with pytest.raises(operations.InvalidTransition, match="can no longer be withdrawn"):
        operations.withdraw_submission(portfolio.candidate, portfolio)
    db.session.rollback()
    assert portfolio.state == PortfolioState.UNDER_ASSESSMENT
    assert portfolio.current_snapshot.withdrawn_at is None


def test_the_portfolio_row_is_locked_for_a_transition(app, portfolio):
    """The lock is taken with FOR UPDATE (PostgreSQL renders it; SQLite has no row locks)."""
    from tests.conftest import count_queries

    with count_queries() as statements:
        operations.lock(portfolio)
    if db.engine.dialect.name == "postgresql":
        assert any("FOR UPDATE" in statement for statement in statements)
    assert statements  # the state is read afresh, not taken from the session


@pytest.mark.postgres_only
def test_two_submissions_at_once_give_one_snapshot(app, portfolio):
    postgres_only()
    portfolio_id = portfolio.id

    def submit(loaded: Portfolio):
        operations.submit_for_panel(loaded.candidate, loaded, [])

    def load():
        loaded = _other(portfolio_id)
        assert loaded.state == PortfolioState.DRAFT and loaded.candidate
        return loaded

    outcomes = run_at_once(app, [(load, submit), (load, submit)],
                           refusals=(operations.PortfolioError,))
    assert sorted(outcomes)[-1] == "won" and outcomes.count("won") == 1
    assert any("already been submitted" in outcome for outcome in outcomes)
    assert _snapshots() == 1
    assert _other(portfolio_id).state == PortfolioState.SUBMITTED_FOR_PANEL


def test_the_withdraw_button_after_assessment_started_explains(client, portfolio):
    operations.submit_for_panel(portfolio.candidate, portfolio, [])
    operations.start_assessment(None, portfolio)
    sign_in(client, portfolio.candidate)
    response = client.post(f"/portfolios/{portfolio.id}/withdraw")
    assert response.status_code == 303
    assert "can no longer be withdrawn" in page(
        client.get(response.headers["Location"])).get_text()
    db.session.expire_all()
    assert _other(portfolio.id).state == PortfolioState.UNDER_ASSESSMENT


def test_submitting_again_after_a_submission_is_refused_with_a_message(client, portfolio,
                                                                       monkeypatch):
    from portal.portfolios.sufficiency import measures as sufficiency

    monkeypatch.setattr(sufficiency, "missing_for_panel", lambda p: [])
    sign_in(client, portfolio.candidate)
    assert client.post(f"/portfolios/{portfolio.id}/submit",
                       data={"target": "panel"}).status_code == 303
    second = client.post(f"/portfolios/{portfolio.id}/submit", data={"target": "panel"})
    assert second.status_code == 400
    assert error_summary(page(second)) == [
        "Your portfolio has already been submitted or is being assessed"]
    assert _snapshots() == 1
