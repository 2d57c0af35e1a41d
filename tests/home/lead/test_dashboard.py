"""The programme lead's home (issue 20, "The lead's dashboard"): each candidate's status
with its reasons, the review points, reports and panels coming up, each assessor's
workload, every name a link to the portfolio, in a bounded number of statements."""

import re
from datetime import timedelta

from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.db import db
from portal.home.lead.dashboard import lead_dashboard, time_passed
from portal.portfolios import operations
from portal.portfolios.schedule.dates import part_time_extension_days
from tests import factories
from tests.conftest import assert_no_duplicate_ids, count_queries, page, sign_in
from tests.home import candidate_year as cy
from tests.portfolios.conftest import make_portfolio


def _text(node) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True))


def _lead_home(client, lead):
    sign_in(client, lead)
    response = client.get("/home")
    assert response.status_code == 200
    soup = page(response)
    assert_no_duplicate_ids(soup)
    return soup


def _status_row(soup, candidate):
    row = soup.select_one(f"[id^='candidate-status-{candidate.id}-']")
    assert row is not None, f"{candidate.name} is not listed as needing attention"
    return row


def test_a_candidate_behind_shows_amber_with_its_reason_and_links_to_the_portfolio(
        client, org):
    the_year = cy.year(org)  # started a month ago: the agreement is overdue
    db.session.commit()
    soup = _lead_home(client, the_year.lead)
    row = _status_row(soup, the_year.candidate)
    tag = row.select_one(".govuk-tag")
    assert (tag.get_text(strip=True), tag["class"][-1]) == ("Behind", "govuk-tag--yellow")
    agreement = cy.point(the_year, "agreement")
    assert f"{agreement.title} overdue since {cy.uk(agreement.due_on)}" in _text(row)
    link = row.select_one("a")["href"]
    assert link == f"/portfolios/{the_year.portfolio.id}"
    assert client.get(link).status_code == 200  # the lead reads it (read-only)
    cohort = soup.select_one(f"#cohort-{the_year.portfolio.membership.cohort_id}")
    assert [_text(cell) for cell in cohort.select("td")[-3:]] == ["0", "1", "0"]
    rules = _text(soup.select_one("#status-rules"))
    assert "Why is this amber?" in rules and "A review point is overdue" in rules


def test_a_domain_not_on_track_and_its_support_plan_are_concerns(client, org):
    the_year = cy.year(org)
    report = cy.start_review(the_year)
    cy.rate(the_year, report, not_on_track=1)
    cy.reports.sign_off(the_year.assessor, report)
    db.session.commit()
    row = _status_row(_lead_home(client, the_year.lead), the_year.candidate)
    assert row.select_one(".govuk-tag").get_text(strip=True) == "Concerns"
    domain = cy.reports.pcf_domains(the_year.portfolio)[0]
    reasons = [_text(li) for li in row.select("li")]
    assert f"Latest review: {domain.code} {domain.title} not on track" in reasons
    assert f"Support plan open since {cy.uk(cy.TODAY)}" in reasons


def test_a_deferral_is_a_concern(client, org):
    the_year = cy.year(org)
    cy.decided(the_year, "deferred")
    db.session.commit()
    row = _status_row(_lead_home(client, the_year.lead), the_year.candidate)
    assert row.select_one(".govuk-tag").get_text(strip=True) == "Concerns"
    assert (f"The panel deferred its decision: more evidence due by {cy.uk(cy.EVIDENCE_DUE)}"
            in _text(row))


def test_review_points_and_reports_waiting_for_the_line_manager(client, org):
    the_year = cy.year(org)
    report = cy.start_review(the_year)
    cy.rate(the_year, report)
    cy.reports.sign_off(the_year.assessor, report)
    db.session.commit()
    soup = _lead_home(client, the_year.lead)
    waiting = _text(soup.select_one("#reports-waiting").find_next("table"))
    assert the_year.candidate.name in waiting and "3-month review" in waiting
    assert soup.select_one(f"a[href='/reports/{report.id}']") is not None
    coming = soup.select_one("#review-points-upcoming").find_next("div")
    assert "None." in _text(soup.select_one("#review-points-overdue").find_next("div"))
    assert _text(coming)  # the optional or next review point, if due within four weeks


def test_portfolios_ready_for_a_panel_and_the_next_panels(client, org):
    the_year = cy.year(org)
    cy.final_signed_off(the_year)
    db.session.commit()
    soup = _lead_home(client, the_year.lead)
    ready = _text(soup.select_one("#ready-for-panel").find_next("table"))
    assert the_year.candidate.name in ready
    item = cy.agenda.place_on_agenda(the_year.lead, cy.panels.create_panel(
        the_year.lead, cy.panels.PanelDetails(
            title="ASYE panel", sits_on=cy.PANEL_DAY, chair_id=the_year.chair.id,
            member_ids=[m.id for m in the_year.members],
            programme_ids=[the_year.portfolio.programme_id])), the_year.portfolio)
    db.session.commit()
    soup = _lead_home(client, the_year.lead)
    assert "None." in _text(soup.select_one("#ready-for-panel").find_next("div"))
    panels = _text(soup.select_one("#next-panels").find_next("ul"))
    assert "ASYE panel" in panels
    assert f"{cy.uk(cy.PANEL_DAY)}: 1 portfolio on the agenda" in panels
    assert soup.select_one(f"a[href='/panels/{item.panel_id}/manage']") is not None


def test_assessor_workload(client, org):
    the_year = cy.year(org)
    for title in ("First visit", "Team meeting"):
        entry = factories.evidence_entry(the_year.candidate, title=title)
        operations.include_entry(the_year.candidate, the_year.portfolio, entry, None)
    cy.submit_final(the_year)
    idle = factories.user(org, roles=["assessor"], name="Idle Assessor")
    assign(the_year.lead, factories.user(org), idle, AssignmentRole.ASSESSOR, cy.TODAY)
    db.session.commit()
    soup = _lead_home(client, the_year.lead)
    busy = [_text(td) for td in soup.select(f"#workload-{the_year.assessor.id} td")]
    assert busy == ["1", "2", "0 days", "0"]
    quiet = [_text(td) for td in soup.select(f"#workload-{idle.id} td")]
    assert quiet == ["1", "0", "–", "0"]
    # Three weeks on, the panel submission still has no report: it is overdue.
    later = {row.assessor_id: row for row in
             lead_dashboard(org.id, cy.TODAY + timedelta(days=21)).workload}
    assert (later[the_year.assessor.id].overdue_reports,
            later[the_year.assessor.id].waiting_days) == (1, 21)


def _reason(the_year, client, about: str) -> str | None:
    row = _status_row(_lead_home(client, the_year.lead), the_year.candidate)
    return next((_text(li) for li in row.select("li") if about in _text(li)), None)


def test_fewer_components_than_expected_by_now_counting_part_time_pro_rata(client, org):
    the_year = cy.year(org)
    portfolio = the_year.portfolio
    portfolio.start_date = cy.TODAY - timedelta(days=100)  # about 0.27 of the year
    db.session.commit()
    # Nothing recorded at all still counts as nothing.
    assert _reason(the_year, client, "reflection log") == (
        "Critical reflection log entry for each stage: 0 of 1 expected by now "
        "(4 needed in all)")
    factories.supervision(portfolio, held_on=cy.TODAY - timedelta(days=60))
    db.session.commit()
    assert _reason(the_year, client, "Supervision") == (
        "Supervision records: 1 of 2 expected by now (10 needed in all)")
    # Working half time, the same 100 days are less than a seventh of their year.
    operations.record_schedule_change(
        the_year.lead, portfolio, "part_time",
        part_time_extension_days(12, portfolio.start_date, 50), "Half time")
    db.session.commit()
    assert _reason(the_year, client, "Supervision") is None


def test_part_time_working_slows_what_is_expected():
    start = cy.TODAY - timedelta(days=183)
    assert round(time_passed(start, 12, 0, cy.TODAY), 1) == 0.5
    half_time = part_time_extension_days(12, start, 50)
    assert round(time_passed(start, 12, half_time, cy.TODAY), 2) == 0.25


def test_an_administrator_who_is_not_a_lead_sees_the_cohorts_without_statuses(client, org):
    the_year = cy.year(org)
    db.session.commit()
    sign_in(client, factories.user(org, roles=["administrator"]))
    soup = page(client.get("/home"))
    assert soup.select_one("#open-cohorts") is not None
    assert soup.select_one("#status-rules") is None
    assert the_year.candidate.name not in _text(soup.select_one("main"))


def test_a_lead_who_administers_sees_the_dashboard_once(client, org):
    cy.year(org)
    lead = factories.user(org, roles=["programme_lead", "administrator"])
    db.session.commit()
    soup = _lead_home(client, lead)
    assert len(soup.select("#open-cohorts")) == 1
    assert soup.select_one("#status-rules") is not None


def _more_candidates(org, the_year, number: int) -> None:
    """Candidates in every state the dashboard reads: with evidence, a signed-off review
    with a domain not on track, a final report ready for a panel."""
    for n in range(number):
        candidate = factories.user(org, name=f"Candidate {n}")
        portfolio = make_portfolio(org, candidate=candidate,
                                   start=cy.TODAY - timedelta(days=40 + n))
        assign(the_year.lead, candidate, the_year.assessor, AssignmentRole.ASSESSOR,
               portfolio.start_date)
        entry = factories.evidence_entry(candidate, title=f"Visit {n}")
        operations.include_entry(candidate, portfolio, entry, None)
        factories.supervision(portfolio)


def _statements(client) -> int:
    with count_queries() as statements:
        assert client.get("/home").status_code == 200
    return len(statements)


def test_the_dashboard_asks_the_same_few_statements_however_many_candidates(client, org,
                                                                              app):
    the_year = cy.year(org)
    report = cy.start_review(the_year)
    cy.rate(the_year, report, not_on_track=1)
    cy.reports.sign_off(the_year.assessor, report)
    db.session.commit()
    sign_in(client, the_year.lead)
    _statements(client)  # the programmes' configurations are cached from here on
    few = _statements(client)
    _more_candidates(org, the_year, 12)
    db.session.commit()
    _statements(client)
    assert _statements(client) == few
    organisation_id = org.id
    with count_queries() as statements:
        board = lead_dashboard(organisation_id, cy.TODAY)
    assert len(board.needing_attention) == 13
    assert len(statements) <= 9


def test_another_councils_candidates_assessors_and_panels_stay_out(client, org):
    ours = cy.year(org)
    theirs = cy.year(factories.organisation(), candidate_name="Someone Elsewhere")
    cy.at_panel(theirs)
    db.session.commit()
    main = _text(_lead_home(client, ours.lead).select_one("main"))
    assert ours.candidate.name in main
    assert "Someone Elsewhere" not in main and "No panels are scheduled." in main
    # Both councils have a Helen Shaw assessing: only ours is in the workload.
    assert main.count(ours.assessor.name) == 1
