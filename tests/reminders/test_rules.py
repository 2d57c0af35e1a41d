"""The reminders about feedback, reports, panels and decisions: who gets them, and when."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from portal.assessment.models import EvidenceFeedback
from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.dates import UK
from portal.core.db import db
from portal.panels import decisions
from portal.panels.models import PanelDecision
from portal.portfolios.reviews.models import ReviewReport
from portal.reminders.models import ReminderSent
from portal.reminders.operations import send_daily_reminders
from tests import factories
from tests.panels.conftest import council, panel_with_item  # noqa: F401 (fixtures)
from tests.reminders.test_reminders import people  # noqa: F401 (fixture)


def _reminded(day: date) -> set[tuple[int, str]]:
    send_daily_reminders(day)
    db.session.commit()
    return {(row.recipient_id, row.key) for row in db.session.execute(
        select(ReminderSent.recipient_id, ReminderSent.key).where(ReminderSent.sent_on == day))}


def test_evidence_waiting_for_feedback_reminds_the_assessor(app, people):  # noqa: F811
    entry = factories.evidence_entry(people["candidate"])
    entry.feedback_status = "awaiting_assessor"
    wrote = datetime(2027, 2, 1, 10, tzinfo=UTC)
    message = EvidenceFeedback(entry_id=entry.id, author_id=people["candidate"].id,
                               body="Could you look at this?", created_at=wrote)
    db.session.add(message)
    db.session.commit()
    days = app.config["FEEDBACK_DAYS"]
    assert not any(key.startswith("feedback") for _, key in
                   _reminded(date(2027, 2, 1) + timedelta(days=days)))
    later = _reminded(date(2027, 2, 2) + timedelta(days=days))
    assert (people["assessor"].id, f"feedback:{entry.id}:{message.id}") in later


def test_a_report_waiting_for_the_line_manager_reminds_them(org, people):  # noqa: F811
    manager = factories.user(org, roles=["line_manager"])
    assign(people["lead"], people["candidate"], manager, AssignmentRole.LINE_MANAGER,
           date(2026, 1, 5))
    report = ReviewReport(portfolio_id=people["portfolio"].id, review_point_code="three-month")
    db.session.add(report)
    db.session.commit()
    assert (manager.id, f"report:{report.id}:line_manager") in _reminded(date(2026, 4, 1))


def test_panel_papers_go_to_the_chair_and_members_a_week_before(council, panel_with_item):  # noqa: F811
    panel, _item = panel_with_item
    assert not any(k.startswith("panel") for _, k in _reminded(panel.sits_on - timedelta(days=8)))
    sitting = {council["chair"].id, *(m.id for m in council["members"])}
    papers = {(person, f"panel:{panel.id}:papers") for person in sitting}
    assert papers <= _reminded(panel.sits_on - timedelta(days=7))


def _decide(council, item, code: str, **extra) -> PanelDecision:  # noqa: F811
    from portal.assessment.reports.operations import pcf_domains

    details = decisions.DecisionDetails(
        code=code, rationale="Reasons.", domain_ids=[d.id for d in pcf_domains(item.portfolio)[:2]],
        **extra)
    decision = decisions.record_decision(council["chair"], item, item.version, details,
                                      date(2027, 1, 20))
    db.session.commit()
    return decision


def test_a_deferral_deadline_reminds_candidate_and_assessor(council, panel_with_item):  # noqa: F811
    _panel, item = panel_with_item
    decision = _decide(council, item, "deferred", evidence_due_on=date(2027, 3, 1),
                       actions=[("Add a third observation", "Candidate", date(2027, 3, 1))])
    candidate_id = item.portfolio.candidate_id
    assert not any(k.startswith("decision") for _, k in _reminded(date(2027, 2, 10)))
    reminded = _reminded(date(2027, 2, 20))
    key = f"decision:{decision.id}:deferral"
    assert {(candidate_id, key), (council["assessor"].id, key)} <= reminded


def test_the_review_window_closing_reminds_the_candidate(app, council, panel_with_item):  # noqa: F811
    _panel, item = panel_with_item
    decision = _decide(council, item, "approved")
    decided = decision.decided_at.astimezone(UK).date()
    closes = decided + timedelta(days=app.config["REVIEW_WINDOW_DAYS"])
    key = (item.portfolio.candidate_id, f"decision:{decision.id}:review_window")
    assert key not in _reminded(closes - timedelta(days=8))
    assert key in _reminded(closes - timedelta(days=7))
