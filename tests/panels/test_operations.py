"""The panel workflow's rules, on both databases (concurrency on PostgreSQL)."""

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from portal.core.db import db
from portal.panels import agenda, corrections, decisions, errors
from portal.panels import operations as panels
from portal.panels.models import AgendaItem, CareerLevelRecord, PanelDecision
from portal.portfolios.models import Portfolio
from tests import factories
from tests.panels.conftest import ready_for_panel

TODAY = date(2027, 1, 20)


def _approve(domains, code="approved", **extra):
    return decisions.DecisionDetails(code=code, rationale="Consistent, reflective practice.",
                                  domain_ids=[d.id for d in domains[:2]], **extra)


def _domains(item):
    from portal.assessment.reports.operations import pcf_domains

    return pcf_domains(item.portfolio)


def test_a_panel_needs_three_members_with_a_chair(council):
    portfolio = ready_for_panel(council["org"], council["lead"], council["assessor"])
    with pytest.raises(errors.PanelError, match="at least 3 members"):
        panels.create_panel(council["lead"], panels.PanelDetails(
            title="Too small", sits_on=TODAY, chair_id=council["chair"].id,
            member_ids=[council["members"][0].id], programme_ids=[portfolio.programme_id]))
    with pytest.raises(errors.PanelError, match="chair"):
        panels.create_panel(council["lead"], panels.PanelDetails(
            title="No chair", sits_on=TODAY, chair_id=council["members"][0].id,
            member_ids=[m.id for m in council["members"]],
            programme_ids=[portfolio.programme_id]))


def test_only_a_portfolio_with_a_final_recommendation_goes_on_the_agenda(council,
                                                                      panel_with_item):
    from tests.portfolios.conftest import make_portfolio

    panel, _item = panel_with_item
    not_ready = make_portfolio(council["org"], candidate=factories.user(council["org"]))
    with pytest.raises(errors.PanelError, match="final recommendation"):
        agenda.place_on_agenda(council["lead"], panel, not_ready)


def test_a_portfolio_sits_on_one_open_agenda_at_a_time(council, panel_with_item):
    panel, item = panel_with_item
    with pytest.raises(errors.PanelError):
        agenda.place_on_agenda(council["lead"], panel, item.portfolio)
    # The database refuses it too.
    db.session.add(AgendaItem(panel_id=panel.id, portfolio_id=item.portfolio_id,
                              snapshot_id=item.snapshot_id, report_id=item.report_id,
                              reference="P-DUPLIC"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_approval_records_the_career_level_and_decides_the_portfolio(council, panel_with_item):
    _panel, item = panel_with_item
    decision = decisions.record_decision(council["chair"], item, item.version,
                                      _approve(_domains(item)), TODAY)
    db.session.commit()
    assert db.session.get(Portfolio, item.portfolio_id).state == "decided"
    level = db.session.scalar(db.select(CareerLevelRecord))
    assert (level.achieved_on, level.decision_id) == (TODAY, decision.id)
    assert "ASYE" in level.level_title


def test_members_cannot_record_the_chairs_decision(council, panel_with_item):
    _panel, item = panel_with_item
    with pytest.raises(errors.PanelError, match="chair"):
        decisions.record_decision(council["members"][0], item, item.version,
                               _approve(_domains(item)), TODAY)


@pytest.mark.parametrize("code", ["approved-with-actions", "deferred", "not-approved"])
def test_anything_but_approval_needs_actions(council, panel_with_item, code):
    _panel, item = panel_with_item
    with pytest.raises(errors.PanelError, match="action"):
        decisions.record_decision(council["chair"], item, item.version, _approve(
            _domains(item), code=code, evidence_due_on=TODAY + timedelta(days=60)), TODAY)


def test_deferral_reopens_the_portfolio_with_a_deadline(council, panel_with_item):
    _panel, item = panel_with_item
    details = _approve(_domains(item), code="deferred",
                       actions=[("Add a third observation", "Candidate", date(2027, 3, 1))])
    with pytest.raises(errors.PanelError, match="future date"):
        decisions.record_decision(council["chair"], item, item.version, details, TODAY)
    details.evidence_due_on = date(2027, 3, 1)
    decisions.record_decision(council["chair"], item, item.version, details, TODAY)
    db.session.commit()
    assert db.session.get(Portfolio, item.portfolio_id).state == "returned"
    assert db.session.scalar(db.select(db.func.count(CareerLevelRecord.id))) == 0


def test_a_stale_page_gets_a_conflict_and_nothing_changes(council, panel_with_item):
    _panel, item = panel_with_item
    seen_version = item.version
    decisions.record_decision(council["chair"], item, seen_version, _approve(_domains(item)),
                           TODAY)
    db.session.commit()
    with pytest.raises(errors.DecisionConflict, match="Another decision"):
        decisions.record_decision(council["chair"], item, seen_version,
                               _approve(_domains(item), code="not-approved",
                                        actions=[("x", "y", TODAY)]), TODAY)
    assert db.session.scalar(db.select(db.func.count(PanelDecision.id))) == 1


def test_the_database_keeps_one_original_decision_per_item(council, panel_with_item):
    _panel, item = panel_with_item
    decisions.record_decision(council["chair"], item, item.version, _approve(_domains(item)),
                           TODAY)
    db.session.commit()
    db.session.add(PanelDecision(agenda_item_id=item.id, portfolio_id=item.portfolio_id,
                                 decision_code="approved", decision_label="Approved",
                                 outcome="approved", rationale="again"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_correction_is_a_new_record_and_keeps_the_original(council, panel_with_item):
    _panel, item = panel_with_item
    original = decisions.record_decision(council["chair"], item, item.version,
                                      _approve(_domains(item)), TODAY)
    with pytest.raises(errors.PanelError, match="Explain why"):
        corrections.correct_decision(council["chair"], original, _approve(_domains(item)), " ",
                                TODAY)
    correction = corrections.correct_decision(
        council["chair"], original, _approve(_domains(item), code="not-approved",
                                             actions=[("Repeat the year", "Lead", TODAY)]),
        "The wrong code was chosen in the meeting", TODAY)
    db.session.commit()
    assert correction.corrects_id == original.id
    assert db.session.get(PanelDecision, original.id).outcome == "approved"  # unchanged
    levels = db.session.scalars(db.select(CareerLevelRecord)).all()
    assert [lvl.withdrawn_at is not None for lvl in levels] == [True]


def test_identity_is_revealed_only_by_the_chair_after_the_decision(council, panel_with_item):
    _panel, item = panel_with_item
    with pytest.raises(errors.PanelError, match="once the panel has decided"):
        agenda.reveal_identity(council["chair"], item)
    decisions.record_decision(council["chair"], item, item.version, _approve(_domains(item)),
                           TODAY)
    with pytest.raises(errors.PanelError, match="Only the chair"):
        agenda.reveal_identity(council["members"][0], item)
    agenda.reveal_identity(council["chair"], item)
    assert item.identity_revealed_at is not None


def test_review_requests_within_the_window_once(app, council, panel_with_item):
    _panel, item = panel_with_item
    decision = decisions.record_decision(council["chair"], item, item.version,
                                      _approve(_domains(item)), TODAY)
    candidate = item.portfolio.candidate
    late = decision.decided_at.date() + timedelta(days=app.config["REVIEW_WINDOW_DAYS"] + 1)
    with pytest.raises(errors.PanelError, match="passed"):
        corrections.request_review(candidate, decision, "Please look again", late)
    request = corrections.request_review(candidate, decision, "Please look again",
                                    decision.decided_at.date())
    with pytest.raises(errors.PanelError, match="already"):
        corrections.request_review(candidate, decision, "Again", decision.decided_at.date())
    corrections.record_review_outcome(council["lead"], request, "upheld", "The decision stands")
    assert request.outcome == "upheld"


def test_two_chairs_deciding_at_once_one_wins(app, council, panel_with_item):
    """Two sessions load the same version and both try to decide: exactly one succeeds."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row-level concurrency is exercised on PostgreSQL (SQLite locks the file)")
    _panel, item = panel_with_item
    item_id, version, chair_id = item.id, item.version, council["chair"].id
    domain_ids = [d.id for d in _domains(item)[:2]]
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def decide(code: str):
        with app.app_context():
            from portal.accounts.models import User

            chair = db.session.get(User, chair_id)
            agenda_item = db.session.get(AgendaItem, item_id)
            barrier.wait()
            try:
                decisions.record_decision(chair, agenda_item, version, decisions.DecisionDetails(
                    code=code, rationale="r", domain_ids=domain_ids,
                    actions=[("a", "b", TODAY)]), TODAY)
                db.session.commit()
                outcomes.append("won")
            except (errors.DecisionConflict, IntegrityError):
                db.session.rollback()
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=decide, args=(c,))
               for c in ("approved-with-actions", "not-approved")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "won"]
    assert db.session.scalar(db.select(db.func.count(PanelDecision.id))) == 1
