"""Portfolio states: one function per transition, invalid ones refused, snapshots frozen."""

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.evidence.models import EvidenceEntry
from portal.portfolios import operations, snapshots
from portal.portfolios.models import Portfolio, PortfolioSnapshot, PortfolioState
from tests import factories
from tests.portfolios.conftest import make_portfolio

S = PortfolioState


@pytest.fixture
def portfolio(org):
    return make_portfolio(org)


def _put_in_state(portfolio, state: PortfolioState):
    """Drive a portfolio to `state` through the real transition functions."""
    actor = portfolio.candidate
    if state == S.DRAFT:
        return
    if state == S.RETURNED:
        operations.submit_for_panel(actor, portfolio, [])
        operations.start_assessment(actor, portfolio)
        operations.return_to_candidate(actor, portfolio)
        return
    if state in {S.SUBMITTED_FOR_PANEL, S.UNDER_ASSESSMENT}:
        operations.submit_for_panel(actor, portfolio, [])
    if state == S.SUBMITTED_FOR_REVIEW:
        operations.submit_for_review_point(actor, portfolio, "three-month", [])
    if state == S.UNDER_ASSESSMENT:
        operations.start_assessment(actor, portfolio)


ACTIONS = {
    "submit_for_review": lambda p: operations.submit_for_review_point(
        p.candidate, p, "three-month", []),
    "submit_for_panel": lambda p: operations.submit_for_panel(p.candidate, p, []),
    "withdraw": lambda p: operations.withdraw_submission(p.candidate, p),
    "start_assessment": lambda p: operations.start_assessment(p.candidate, p),
    "return_to_candidate": lambda p: operations.return_to_candidate(p.candidate, p),
}
REACHABLE = [S.DRAFT, S.SUBMITTED_FOR_REVIEW, S.SUBMITTED_FOR_PANEL, S.UNDER_ASSESSMENT,
             S.RETURNED]


@pytest.mark.parametrize("state", REACHABLE)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_each_action_from_each_state(portfolio, state, action):
    _put_in_state(portfolio, state)
    allowed = state in operations.TRANSITIONS[action]
    before = (portfolio.state, portfolio.current_snapshot_id)
    audit_rows = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    if allowed:
        ACTIONS[action](portfolio)
        assert portfolio.state != before[0]
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) > audit_rows
    else:
        with pytest.raises(operations.InvalidTransition):
            ACTIONS[action](portfolio)
        assert (portfolio.state, portfolio.current_snapshot_id) == before
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == audit_rows


def test_submission_is_refused_with_what_is_missing(portfolio):
    with pytest.raises(operations.PortfolioError, match="Direct observations: 0 of 3"):
        operations.submit_for_panel(portfolio.candidate, portfolio,
                                    ["Direct observations: 0 of 3"])
    assert portfolio.state == "draft"
    assert db.session.scalar(db.select(db.func.count(PortfolioSnapshot.id))) == 0


def test_a_past_review_point_cannot_be_submitted_for(portfolio):
    portfolio.review_points[1].completed_on = date(2026, 4, 1)
    with pytest.raises(operations.PortfolioError, match="still to come"):
        operations.submit_for_review_point(portfolio.candidate, portfolio, "three-month", [])


def _include(portfolio, **entry_fields):
    entry = factories.evidence_entry(portfolio.candidate, **entry_fields)
    operations.include_entry(portfolio.candidate, portfolio, entry, None)
    return entry


def test_later_edits_never_change_a_submitted_snapshot(portfolio):
    element = portfolio.frameworks[0].elements[0]
    entry = _include(portfolio, title="Original title", reflection="Original words",
                     links=[(element, "original reason")])
    snapshot = operations.submit_for_panel(portfolio.candidate, portfolio, [])
    db.session.commit()
    frozen_hash = snapshot.sha256
    entry.title, entry.reflection = "Edited title", "Edited words"
    entry.links[0].reason = "edited reason"
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(PortfolioSnapshot, snapshot.id)
    assert stored.sha256 == frozen_hash
    assert stored.content["entries"][0]["title"] == "Original title"
    assert stored.content["entries"][0]["links"][0]["reason"] == "original reason"
    assert snapshots.verify(stored)
    assert db.session.get(EvidenceEntry, entry.id).title == "Edited title"


def test_the_hash_is_over_the_canonical_content(portfolio):
    _include(portfolio, title="Supervision notes")
    snapshot = operations.submit_for_panel(portfolio.candidate, portfolio, [])
    assert snapshot.sha256 == snapshots.content_hash(snapshot.content)
    assert len(snapshot.sha256) == 64


def test_the_application_refuses_to_change_a_snapshot(portfolio):
    snapshot = operations.submit_for_panel(portfolio.candidate, portfolio, [])
    db.session.commit()
    snapshot.sha256 = "0" * 64
    with pytest.raises(ValueError, match="cannot be changed"):
        db.session.commit()
    db.session.rollback()


def test_withdrawing_keeps_the_snapshot_marked(portfolio):
    snapshot = operations.submit_for_review_point(portfolio.candidate, portfolio,
                                                  "three-month", [])
    operations.withdraw_submission(portfolio.candidate, portfolio)
    db.session.commit()
    assert portfolio.state == "draft" and portfolio.current_snapshot_id is None
    assert db.session.get(PortfolioSnapshot, snapshot.id).withdrawn_at is not None
    actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert "portfolio_withdrawn" in actions


def test_the_database_refuses_a_submitted_portfolio_without_a_snapshot(portfolio):
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(db.update(Portfolio).where(Portfolio.id == portfolio.id)
                           .values(state="submitted_for_panel", current_snapshot_id=None))
        db.session.flush()
    db.session.rollback()


def test_the_database_refuses_an_unknown_state(portfolio):
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(db.update(Portfolio).where(Portfolio.id == portfolio.id)
                           .values(state="approved_by_magic"))
        db.session.flush()
    db.session.rollback()


def test_only_the_candidates_own_evidence_goes_in(portfolio, org):
    stranger_entry = factories.evidence_entry(factories.user(org))
    with pytest.raises(operations.PortfolioError):
        operations.include_entry(portfolio.candidate, portfolio, stranger_entry, None)
