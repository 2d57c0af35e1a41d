"""Second review: panel members must not learn who the candidate is before the chair
reveals it, and decisions must not be corrected into contradictions.

The agenda item page blanks the candidate's and assessor's names out of the decision's
rationale (`hide(decision.rationale)` in templates/panels/item.html). The decision page
every member can open (/decisions/<id>, linked from the panel and the item) prints the
same rationale, the actions' owners, the correction reason and the lead's review notes
unredacted.
"""

from datetime import date, timedelta

from portal.assessment import reports
from portal.core.db import db
from portal.panels import operations as panels
from portal.panels.models import AgendaItem, PanelDecision
from portal.portfolios import operations as portfolio_operations
from portal.portfolios.models import Portfolio
from tests.conftest import sign_in

SOON = date.today() + timedelta(days=60)
CANDIDATE = "Priya Nair"


def _client(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def _domain_ids(item):
    return [d.id for d in reports.pcf_domains(item.portfolio)[:2]]


def _named(item) -> None:
    item.portfolio.candidate.name = CANDIDATE
    db.session.commit()


def test_a_member_reads_the_candidates_name_in_the_decision_before_it_is_revealed(
        app, council, panel_with_item):
    _panel, item = panel_with_item
    _named(item)
    decision = panels.record_decision(council["chair"], item, item.version, panels.DecisionDetails(
        code="approved-with-actions",
        rationale="Priya showed consistent, reflective practice.",
        domain_ids=_domain_ids(item),
        actions=[("Complete a third observation", CANDIDATE, SOON),
                 ("Arrange protected time", "Helen Shaw", SOON)]), date.today())
    db.session.commit()
    member = _client(app, council["members"][0])

    # The item page hides the names in the rationale (the design intent)...
    item_page = member.get(f"/panels/{item.panel_id}/items/{item.id}").get_data(as_text=True)
    assert "Priya" not in item_page

    # ...but the decision page shows them to the same member.
    page = member.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert "Priya" not in page, "the candidate's name reaches a panel member before reveal"
    assert "Helen Shaw" not in page, "the assessor's name reaches a panel member"


def test_a_decision_from_an_earlier_panel_cannot_be_corrected_after_a_later_one_decided(
        app, council, panel_with_item):
    """Deferred at panel 1, approved at panel 2: the deferral is history. Correcting it
    (the portfolio is 'decided', and it is the latest decision of *its* agenda item) adds
    a second live decision that contradicts the later panel's, with its own letter."""
    _panel, item = panel_with_item
    domains = _domain_ids(item)
    deferral = panels.record_decision(council["chair"], item, item.version,
                                      panels.DecisionDetails(
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
    next_item = panels.place_on_agenda(council["lead"], later, portfolio)
    db.session.commit()
    next_item = db.session.get(AgendaItem, next_item.id)
    panels.record_decision(council["chair"], next_item, next_item.version,
                           panels.DecisionDetails(code="approved", rationale="Good.",
                                                  domain_ids=domains), date.today())
    db.session.commit()

    lead = _client(app, council["lead"])
    response = lead.post(f"/decisions/{deferral.id}/correct", data={
        "code": "not-approved", "rationale": "Not enough.", "reason": "Second thoughts",
        "domain_ids": [str(d) for d in domains],
        "action-0-description": "Repeat the year", "action-0-owner": "Candidate",
        "action-0-due": SOON.isoformat()})
    db.session.expire_all()
    live = db.session.scalars(db.select(PanelDecision).where(
        PanelDecision.portfolio_id == portfolio.id,
        ~PanelDecision.id.in_(db.select(PanelDecision.corrects_id).where(
            PanelDecision.corrects_id.is_not(None))))).all()
    outcomes = sorted(d.outcome for d in live if d.outcome != "deferred")
    assert response.status_code >= 400 and outcomes == ["approved"], (
        f"a superseded deferral was corrected: live outcomes {outcomes}")
