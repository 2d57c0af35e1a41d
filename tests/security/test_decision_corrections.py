"""A panel decision must not be corrected into a contradiction of a later panel's decision."""

from datetime import date, timedelta

from portal.assessment.reports import operations as reports
from portal.core.db import db
from portal.panels import agenda, decisions
from portal.panels import operations as panels
from portal.panels.models import AgendaItem, PanelDecision
from portal.portfolios import operations as portfolio_operations
from portal.portfolios.models import Portfolio
from tests.conftest import error_summary, page, sign_in
from tests.panels.conftest import everyone_present

SOON = date.today() + timedelta(days=60)


def _live_outcomes(portfolio_id: int) -> list[str]:
    """The outcomes of the portfolio's decisions that no correction replaces."""
    db.session.expire_all()
    corrected = db.select(PanelDecision.corrects_id).where(PanelDecision.corrects_id.is_not(None))
    return sorted(db.session.scalars(db.select(PanelDecision.outcome).where(
        PanelDecision.portfolio_id == portfolio_id, ~PanelDecision.id.in_(corrected))))


def test_a_decision_from_an_earlier_panel_cannot_be_corrected_after_a_later_one_decided(
        app, council, panel_with_item):
    """Deferred at panel 1, approved at panel 2: the deferral is history. Correcting it
    (the portfolio is 'decided', and it is the latest decision of *its* agenda item) would
    add a second live decision that contradicts the later panel's, with its own letter."""
    _panel, item = panel_with_item
    domains = [d.id for d in reports.pcf_domains(item.portfolio)[:2]]
    deferral = decisions.record_decision(council["chair"], item, item.version,
                                      decisions.DecisionDetails(
                                          code="deferred", rationale="More evidence.",
                                          domain_ids=domains, evidence_due_on=SOON,
                                          actions=[("Add an observation", "Candidate", SOON)]),
                                      date.today())
    db.session.commit()
    portfolio = db.session.get(Portfolio, item.portfolio_id)
    portfolio_operations.submit_for_panel(portfolio.candidate, portfolio, [])
    report = reports.start_assessment(council["assessor"], portfolio)
    reports.save_draft(council["assessor"], report, reports.ReportContent(
        summary="Now complete.",
        ratings={d.id: ("on_track", "") for d in reports.pcf_domains(portfolio)},
        holistic_assessment="Meets the level.", recommendation="pass"))
    reports.sign_off(council["assessor"], report)
    later = panels.create_panel(council["lead"], panels.PanelDetails(
        title="ASYE panel, April", sits_on=SOON, chair_id=council["chair"].id,
        member_ids=[m.id for m in council["members"]], programme_ids=[portfolio.programme_id]))
    next_item = agenda.place_on_agenda(council["lead"], later, portfolio)
    everyone_present(later, on=SOON)
    db.session.commit()
    next_item = db.session.get(AgendaItem, next_item.id)
    decisions.record_decision(council["chair"], next_item, next_item.version,
                              decisions.DecisionDetails(code="approved", rationale="Good.",
                                                        domain_ids=domains), SOON)
    db.session.commit()
    assert _live_outcomes(portfolio.id) == ["approved", "deferred"]

    lead = app.test_client()
    sign_in(lead, council["lead"])
    response = lead.post(f"/decisions/{deferral.id}/correct", data={
        "code": "not-approved", "rationale": "Not enough.", "reason": "Second thoughts",
        "domain_ids": [str(d) for d in domains],
        "action_1-description": "Repeat the year", "action_1-owner": "Candidate",
        "action_1-due_on": [str(SOON.day), str(SOON.month), str(SOON.year)]})

    assert response.status_code == 400
    assert error_summary(page(response)) == [
        "Only the portfolio's latest decision can be corrected, and a deferral is superseded "
        "by the later panel's decision"]
    assert _live_outcomes(portfolio.id) == ["approved", "deferred"]
