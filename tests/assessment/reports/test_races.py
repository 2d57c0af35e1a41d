"""Assessment transitions under concurrency: a withdrawal racing "start assessment",
double starts, sign-offs and confirmations. The second is refused with a message, both
from a stale page (both databases) and at the same moment (PostgreSQL)."""

import pytest

from portal.accounts.models import User
from portal.assessment.reports import operations as reports
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.portfolios import operations
from portal.portfolios.models import Portfolio, PortfolioSnapshot, PortfolioState
from portal.portfolios.reviews.models import ReviewReport
from tests.conftest import page, sign_in
from tests.races import in_another_request, postgres_only, run_at_once

REFUSALS = (reports.ReportError, operations.PortfolioError)


@pytest.fixture
def submitted(people):
    operations.submit_for_review_point(people["candidate"], people["portfolio"],
                                       "three-month", [])
    db.session.commit()
    return people["portfolio"]


@pytest.fixture
def draft_report(people, submitted):
    report = reports.start_assessment(people["assessor"], submitted)
    ratings = {d.id: ("on_track", "Fine") for d in reports.pcf_domains(submitted)}
    reports.save_draft(people["assessor"], report,
                       reports.ReportContent(summary="Good progress", ratings=ratings))
    db.session.commit()
    return report


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count(model.id)))


def _audited(action: str) -> int:
    return db.session.scalar(db.select(db.func.count(AuditEvent.id))
                             .where(AuditEvent.action == action))


def _get(model, ident):
    return db.session.get(model, ident)


def test_starting_after_the_candidate_withdrew_elsewhere_is_refused(app, people, submitted):
    assert submitted.state == PortfolioState.SUBMITTED_FOR_REVIEW  # the assessor's page
    candidate_id, portfolio_id = people["candidate"].id, submitted.id
    in_another_request(app, lambda: operations.withdraw_submission(
        _get(User, candidate_id), _get(Portfolio, portfolio_id)))
    with pytest.raises(operations.InvalidTransition, match="no longer waiting"):
        reports.start_assessment(people["assessor"], submitted)
    db.session.rollback()
    assert _count(ReviewReport) == 0
    assert submitted.state == PortfolioState.DRAFT and submitted.current_snapshot_id is None


def test_the_start_button_after_a_withdrawal_explains_instead_of_failing(client, people,
                                                                       submitted):
    operations.withdraw_submission(people["candidate"], submitted)
    sign_in(client, people["assessor"])
    response = client.post(f"/reports/start/{submitted.id}")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/portfolios/{submitted.id}"
    assert "no longer waiting for assessment" in page(
        client.get(response.headers["Location"])).get_text()
    assert _count(ReviewReport) == 0


def test_a_second_sign_off_from_a_stale_page_is_refused(app, people, draft_report):
    assert draft_report.state == "draft"
    assessor_id, report_id = people["assessor"].id, draft_report.id
    in_another_request(app, lambda: reports.sign_off(_get(User, assessor_id),
                                                     _get(ReviewReport, report_id)))
    with pytest.raises(reports.ReportError, match="signed off"):
        reports.sign_off(people["assessor"], draft_report)
    db.session.rollback()
    assert _audited("review_report_signed_off") == 1


def test_a_second_confirmation_from_a_stale_page_is_refused(app, people, draft_report):
    assert draft_report.confirmed_at is None
    manager_id, report_id = people["manager"].id, draft_report.id
    in_another_request(app, lambda: reports.confirm_support(
        _get(User, manager_id), _get(ReviewReport, report_id), True, True, True, ""))
    with pytest.raises(reports.ReportError, match="already confirmed"):
        reports.confirm_support(people["manager"], draft_report, True, False, False, "")
    db.session.rollback()
    assert _audited("support_confirmed") == 1
    assert draft_report.protected_time_confirmed is True


# At the same moment (PostgreSQL) -------------------------------------------------------
def _loader(*parts):
    """A job's load step: each (model, id) fetched in the job's own session."""
    return lambda: [_get(model, ident) for model, ident in parts]


@pytest.mark.postgres_only
def test_a_withdrawal_racing_start_assessment_leaves_one_consistent_state(app, people,
                                                                          submitted):
    postgres_only()
    portfolio = (Portfolio, submitted.id)
    outcomes = run_at_once(app, [
        (_loader((User, people["candidate"].id), portfolio),
         lambda loaded: operations.withdraw_submission(*loaded)),
        (_loader((User, people["assessor"].id), portfolio),
         lambda loaded: reports.start_assessment(*loaded)),
    ], refusals=REFUSALS)
    assert outcomes.count("won") == 1, outcomes
    state = _get(Portfolio, submitted.id)
    snapshot = db.session.scalar(db.select(PortfolioSnapshot))
    if outcomes[0] == "won":  # withdrawn: nothing to assess, no report to edit
        assert "no longer waiting" in outcomes[1]
        assert state.state == PortfolioState.DRAFT and snapshot.withdrawn_at is not None
        assert _count(ReviewReport) == 0
    else:  # being assessed: the submission stands
        assert "can no longer be withdrawn" in outcomes[0]
        assert state.state == PortfolioState.UNDER_ASSESSMENT and snapshot.withdrawn_at is None
        assert _count(ReviewReport) == 1


@pytest.mark.postgres_only
def test_two_starts_at_once_open_one_report(app, people, submitted):
    postgres_only()
    job = (_loader((User, people["assessor"].id), (Portfolio, submitted.id)),
           lambda loaded: reports.start_assessment(*loaded))
    outcomes = run_at_once(app, [job, job], refusals=REFUSALS)
    assert outcomes.count("won") == 1, outcomes
    assert _count(ReviewReport) == 1


@pytest.mark.postgres_only
@pytest.mark.parametrize("action, audited", [
    (lambda user, report: reports.sign_off(user, report), "review_report_signed_off"),
    (lambda user, report: reports.return_to_candidate(user, report, "More please"),
     "submission_returned"),
])
def test_a_double_click_on_sign_off_or_return_does_it_once(app, people, draft_report, action,
                                                           audited):
    postgres_only()
    job = (_loader((User, people["assessor"].id), (ReviewReport, draft_report.id)),
           lambda loaded: action(*loaded))
    outcomes = run_at_once(app, [job, job], refusals=REFUSALS)
    assert outcomes.count("won") == 1, outcomes
    assert "signed off" in next(o for o in outcomes if o != "won")
    assert _audited(audited) == 1


@pytest.mark.postgres_only
def test_sign_off_racing_return_leaves_one_outcome(app, people, draft_report):
    postgres_only()
    load = _loader((User, people["assessor"].id), (ReviewReport, draft_report.id))
    outcomes = run_at_once(app, [
        (load, lambda loaded: reports.sign_off(*loaded)),
        (load, lambda loaded: reports.return_to_candidate(*loaded, "More please")),
    ], refusals=REFUSALS)
    assert outcomes.count("won") == 1, outcomes
    report = _get(ReviewReport, draft_report.id)
    portfolio = _get(Portfolio, draft_report.portfolio_id)
    expected = PortfolioState.DRAFT if outcomes[0] == "won" else PortfolioState.RETURNED
    assert (report.outcome, portfolio.state) == (
        "completed" if outcomes[0] == "won" else "returned", expected)
