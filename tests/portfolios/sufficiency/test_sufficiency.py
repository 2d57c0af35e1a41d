"""Sufficiency: required components per programme, review point and panel checks,
completeness, the heat map, late recording, and the page (access, escaping, query count)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.accounts.roles import Role
from portal.core.db import db
from portal.frameworks.models import Framework, FrameworkElement
from portal.portfolios.models import (
    DevelopmentPlan,
    KssSelfAssessment,
    PortfolioEntry,
    ProtectedTimeRecord,
    SupervisionRecord,
    SupportAgreement,
)
from portal.portfolios.operations import PortfolioError, record_schedule_change
from portal.portfolios.sufficiency import measures as sufficiency
from tests import factories
from tests.conftest import assert_no_duplicate_ids, count_queries, page, sign_in
from tests.portfolios.conftest import make_portfolio

START = date(2026, 1, 5)
# ASYE child and family stage windows from 5 January 2026, without extensions.
IN_STAGE = {
    "beginning": date(2026, 1, 20),
    "early": date(2026, 3, 1),
    "middle": date(2026, 5, 1),
    "final": date(2026, 9, 1),
}


def add_entry(portfolio, evidence_type="other", occurred_on=date(2026, 3, 1),
              title="Home visit", links=(), recorded_at=None, in_portfolio=True):
    entry = factories.evidence_entry(portfolio.candidate, title, occurred_on, evidence_type,
                                     links=[(element, "Shows it") for element in links])
    if recorded_at is not None:
        entry.created_at = recorded_at
    if in_portfolio:
        db.session.add(PortfolioEntry(portfolio_id=portfolio.id, entry_id=entry.id))
    db.session.flush()
    return entry


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def element(code: str, version: str, element_code: str) -> FrameworkElement:
    return db.session.scalar(
        select(FrameworkElement).join(Framework)
        .where(Framework.code == code, Framework.version == version,
               FrameworkElement.code == element_code))


def add_stage_records(portfolio, stages, kss=True):
    for stage in stages:
        db.session.add(DevelopmentPlan(portfolio_id=portfolio.id, stage_code=stage,
                                       agreed_on=IN_STAGE[stage], goals="Goals"))
        if kss and stage != "early":
            db.session.add(KssSelfAssessment(portfolio_id=portfolio.id, stage_code=stage,
                                             completed_on=IN_STAGE[stage]))
        add_entry(portfolio, "critical_reflection", IN_STAGE[stage], f"Reflection {stage}")
    db.session.flush()


def add_agreement(portfolio):
    db.session.add(SupportAgreement(portfolio_id=portfolio.id, agreed_on=START))
    db.session.flush()


def complete_asye(portfolio):
    add_agreement(portfolio)
    add_stage_records(portfolio, ["beginning", "early", "middle", "final"])
    for kind, count in [("direct_observation", 3), ("lived_experience_feedback", 2),
                        ("colleague_feedback", 2), ("written_work", 1)]:
        for n in range(count):
            add_entry(portfolio, kind, date(2026, 6, 1) + timedelta(days=n))
    for n in range(10):
        db.session.add(SupervisionRecord(portfolio_id=portfolio.id,
                                         held_on=START + timedelta(days=14 * n),
                                         supervisor_name="Sam", topics="Caseload"))
    for n in range(6):
        db.session.add(ProtectedTimeRecord(portfolio_id=portfolio.id,
                                           taken_on=START + timedelta(days=30 * n),
                                           minutes=210, activity="Reading"))
    db.session.flush()


# Required components -------------------------------------------------------------------
def test_new_child_and_family_portfolio_lacks_everything(org):
    portfolio = make_portfolio(org)
    missing = sufficiency.missing_for_panel(portfolio)
    assert "Support and assessment agreement: none yet (1 needed)" in missing
    assert "Direct observations of practice: none yet (3 needed)" in missing
    assert ("Critical reflection log entry for each stage, 3 to 6 months: none yet "
            "(1 needed)") in missing
    kss = [m for m in missing if m.startswith("KSS self-assessment")]
    assert len(kss) == 3  # beginning, middle and end
    assert sufficiency.completeness(portfolio) == 0


def test_adults_programme_asks_for_no_kss_self_assessment(org):
    portfolio = make_portfolio(org, "asye-adults")
    missing = sufficiency.missing_for_panel(portfolio)
    assert missing
    assert not [m for m in missing if "KSS" in m]


def test_counts_and_messages(org):
    portfolio = make_portfolio(org)
    add_entry(portfolio, "direct_observation")
    for n in range(4):
        add_entry(portfolio, "colleague_feedback", title=f"Feedback {n}")
    add_entry(portfolio, "direct_observation", in_portfolio=False)  # in the log only
    by_code = {s.requirement.code: s for s in sufficiency.component_status(portfolio)
               if s.stage_code is None}
    observations = by_code["direct-observations"]
    assert (observations.have, observations.needed, observations.met) == (1, 3, False)
    assert observations.message == "Direct observations of practice: 1 of 3 (2 more needed)"
    assert by_code["colleague-feedback"].met
    assert by_code["colleague-feedback"].message == \
        "Feedback from other professionals: 4 (2 needed)"


def test_epd_counts_reflections_for_each_year(org):
    portfolio = make_portfolio(org, "epd")
    add_entry(portfolio, "critical_reflection", date(2026, 3, 1))
    add_entry(portfolio, "critical_reflection", date(2026, 11, 1))
    add_entry(portfolio, "critical_reflection", date(2027, 2, 1))
    statuses = {(s.requirement.code, s.stage_code): s
                for s in sufficiency.component_status(portfolio)}
    assert statuses[("reflection", "year-one")].met
    assert statuses[("reflection", "year-two")].message == \
        "Critical reflection for each year, Second year: 1 of 2 (1 more needed)"
    assert statuses[("supervision", None)].needed == 12
    assert not [s for s in statuses.values() if "KSS" in s.requirement.title]


def test_records_count_by_stage(org):
    portfolio = make_portfolio(org)
    for day in [date(2026, 1, 10), date(2026, 2, 10), date(2026, 2, 20)]:
        db.session.add(SupervisionRecord(portfolio_id=portfolio.id, held_on=day,
                                         supervisor_name="Sam", topics="Risk"))
    db.session.add(KssSelfAssessment(portfolio_id=portfolio.id, stage_code="middle",
                                     completed_on=date(2026, 5, 1)))
    db.session.flush()
    statuses = {(s.requirement.code, s.stage_code): s
                for s in sufficiency.component_status(portfolio)}
    assert statuses[("supervision", None)].have == 3
    assert statuses[("kss-self-assessment", "middle")].met
    assert not statuses[("kss-self-assessment", "beginning")].met


def test_stage_filters(org):
    portfolio = make_portfolio(org)
    statuses = sufficiency.component_status(portfolio, stage_codes={"early"},
                                            include_whole=False)
    assert {(s.requirement.code, s.stage_code) for s in statuses} == {
        ("development-plans", "early"), ("reflection-log", "early")}


def test_review_point_needs_only_stages_ended_by_then(org):
    portfolio = make_portfolio(org)
    assert sufficiency.missing_for_review_point(portfolio, "agreement") == [
        "Support and assessment agreement: none yet (1 needed)"]
    add_agreement(portfolio)
    assert sufficiency.missing_for_review_point(portfolio, "agreement") == []
    three = sufficiency.missing_for_review_point(portfolio, "three-month")
    assert "Professional development plan for each stage, 1 to 3 months: none yet " \
           "(1 needed)" in three
    assert not [m for m in three if "3 to 6 months" in m or "Direct observations" in m]

    add_stage_records(portfolio, ["beginning", "early"])
    assert sufficiency.missing_for_review_point(portfolio, "three-month") == []
    six = sufficiency.missing_for_review_point(portfolio, "six-month")
    assert {m.split(":")[0] for m in six} == {
        "Professional development plan for each stage, 3 to 6 months",
        "Critical reflection log entry for each stage, 3 to 6 months",
        "KSS self-assessment at the beginning, middle and end, 3 to 6 months",
    }
    # The panel wants everything, including whole-programme counts.
    panel = sufficiency.missing_for_panel(portfolio)
    assert "Direct observations of practice: none yet (3 needed)" in panel
    with pytest.raises(PortfolioError):
        sufficiency.missing_for_review_point(portfolio, "no-such-review")


def test_complete_portfolio_is_ready_everywhere(org):
    portfolio = make_portfolio(org)
    complete_asye(portfolio)
    assert sufficiency.missing_for_panel(portfolio) == []
    for point in portfolio.programme.review_points:
        assert sufficiency.missing_for_review_point(portfolio, point.code) == []
    assert sufficiency.completeness(portfolio) == 100


def test_extension_moves_entries_between_stages(org):
    portfolio = make_portfolio(org)
    add_entry(portfolio, "critical_reflection", date(2026, 4, 20))

    def stage_with_reflection():
        return [s.stage_code for s in sufficiency.component_status(portfolio)
                if s.requirement.code == "reflection-log" and s.have]

    assert stage_with_reflection() == ["middle"]  # 3 to 6 months runs from 5 April
    record_schedule_change(portfolio.candidate, portfolio, "absence", 30, "Sick leave")
    assert stage_with_reflection() == ["early"]  # 1 to 3 months now ends on 5 May


def test_completeness_counts_units_up_to_the_number_needed(org):
    portfolio = make_portfolio(org)
    add_agreement(portfolio)
    for n in range(5):  # three are needed; the extra two add nothing
        add_entry(portfolio, "direct_observation", title=f"Observation {n}")
    for n in range(5):
        db.session.add(SupervisionRecord(portfolio_id=portfolio.id,
                                         held_on=START + timedelta(days=7 * n),
                                         supervisor_name="Sam", topics="Risk"))
    db.session.flush()
    # 36 units in all: 1 + 4 + 4 + 3 + 2 + 2 + 1 + 10 + 6 + 3; present 1 + 3 + 5.
    assert sufficiency.completeness(portfolio) == 9 * 100 // 36


def test_programme_without_requirements_is_complete(org):
    portfolio = make_portfolio(org)
    portfolio.programme.components.clear()
    db.session.flush()
    assert sufficiency.completeness(portfolio) == 100
    assert sufficiency.missing_for_panel(portfolio) == []


# Heat map --------------------------------------------------------------------------------
def test_heat_map_counts_entries_by_element_and_stage(org):
    portfolio = make_portfolio(org)
    values = element("pcf", "2018", "2")
    kss_one = element("kss-child-family", "2018", "1")
    add_entry(portfolio, occurred_on=IN_STAGE["beginning"], links=[values, kss_one])
    add_entry(portfolio, occurred_on=IN_STAGE["beginning"], links=[values])
    add_entry(portfolio, occurred_on=IN_STAGE["final"], links=[values])
    add_entry(portfolio, occurred_on=IN_STAGE["final"], links=[values], in_portfolio=False)

    heat = sufficiency.heat_map(portfolio)
    assert [s.code for s in heat.stages] == ["beginning", "early", "middle", "final"]
    assert sorted(g.framework.code for g in heat.groups) == ["kss-child-family", "pcf"]
    rows = {(r.element.framework_id, r.element.code): r for r in heat.rows}
    assert rows[(values.framework_id, "2")].counts == [2, 0, 0, 1]
    assert rows[(kss_one.framework_id, "1")].counts == [1, 0, 0, 0]
    assert rows[(values.framework_id, "1")].total == 0
    pinned_elements = sum(len(f.elements) for f in portfolio.frameworks)
    assert len(heat.rows) == pinned_elements
    assert heat.max_count == 2
    assert heat.stage_totals == [3, 0, 0, 1]


def test_one_tally_serves_the_checklist_and_the_heat_map(org):
    """The page asks once for counts and links; the answers match asking separately."""
    portfolio = make_portfolio(org)
    add_agreement(portfolio)
    values = element("pcf", "2018", "2")
    add_entry(portfolio, "direct_observation", IN_STAGE["beginning"], links=[values])
    add_entry(portfolio, "direct_observation", IN_STAGE["final"], links=[values])
    add_entry(portfolio, occurred_on=IN_STAGE["final"], links=[values], in_portfolio=False)
    db.session.flush()
    # Asked separately first (this also loads the programme, frameworks and elements).
    plain = sufficiency.tallies(portfolio)
    separate_statuses = sufficiency.component_status(portfolio)
    separate_heat = [row.counts for row in sufficiency.heat_map(portfolio).rows]
    with count_queries() as statements:
        counted = sufficiency.tallies(portfolio, with_links=True)
    assert len(statements) == 1
    assert counted.links[(values.id, "beginning")] == 1
    assert counted.links[(values.id, "final")] == 1
    with count_queries() as statements:
        statuses = sufficiency.component_status(portfolio, counted=counted)
        heat = sufficiency.heat_map(portfolio, counted=counted)
    assert statements == []
    assert statuses == separate_statuses
    assert [row.counts for row in heat.rows] == separate_heat
    assert plain.links is None and plain.evidence == counted.evidence


# Late recording --------------------------------------------------------------------------
def test_late_recording_finds_entries_logged_long_after(org):
    portfolio = make_portfolio(org)
    due = next(p.due_on for p in portfolio.review_points if p.code == "three-month")
    add_entry(portfolio, occurred_on=date(2026, 2, 1), title="On time",
              recorded_at=at(date(2026, 2, 2)))
    add_entry(portfolio, occurred_on=date(2026, 1, 10), title="Very late",
              recorded_at=at(due - timedelta(days=3)))
    add_entry(portfolio, occurred_on=date(2026, 2, 10), title="Late",
              recorded_at=at(due - timedelta(days=2)))
    add_entry(portfolio, occurred_on=date(2026, 1, 12), title="Log only",
              recorded_at=at(due - timedelta(days=2)), in_portfolio=False)

    recording = sufficiency.late_recording(portfolio)
    assert (recording.portfolio.total, recording.portfolio.late) == (3, 2)
    assert recording.portfolio.share == 67
    assert [e.title for e in recording.portfolio.worst] == ["Very late", "Late"]
    worst = recording.portfolio.worst[0]
    assert worst.days_late == (due - timedelta(days=3) - date(2026, 1, 10)).days
    assert (recording.all_entries.total, recording.all_entries.late) == (4, 3)

    burst = [w for w in recording.weeks if w.logged >= 2]
    assert burst and all(w.before_review_point == "3-month review" for w in burst)
    quiet = next(w for w in recording.weeks if w.starts_on <= date(2026, 2, 2) <= w.ends_on)
    assert (quiet.logged, quiet.before_review_point) == (1, None)
    assert recording.weeks[0].starts_on <= START
    # Empty weeks are there too, so the chart shows the gaps between bursts.
    assert any(w.logged == 0 for w in recording.weeks)

    stricter = sufficiency.late_recording(portfolio, threshold_days=1000)
    assert stricter.portfolio.late == 0


def test_late_recording_without_entries(org):
    recording = sufficiency.late_recording(make_portfolio(org))
    assert recording.portfolio.total == 0 and recording.portfolio.share == 0
    assert recording.weeks == []


# The page ----------------------------------------------------------------------------------
def url(portfolio) -> str:
    return f"/portfolios/{portfolio.id}/sufficiency"


def test_page_shows_completeness_checklist_heat_map_and_late_recording(client, org):
    portfolio = make_portfolio(org)
    add_agreement(portfolio)
    add_entry(portfolio, "direct_observation", date(2026, 1, 10),
              title="<script>alert('x')</script> visit", links=[element("pcf", "2018", "7")],
              recorded_at=at(date(2026, 3, 30)))
    sign_in(client, portfolio.candidate)
    response = client.get(url(portfolio))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    soup = page(response)
    assert_no_duplicate_ids(soup)
    percent = sufficiency.completeness(portfolio)
    assert soup.select_one("#completeness-label").get_text(strip=True) == f"{percent}% complete"
    progress = soup.select_one("progress")
    assert progress["value"] == str(percent) and progress["max"] == "100"
    checklist = soup.select_one("#required-components").get_text(" ", strip=True)
    assert "Direct observations of practice" in checklist and "2 more needed" in checklist
    assert "Direct observations of practice: 1 of 3 (2 more needed)" in \
        soup.select_one("#missing-for-panel").get_text()
    charts = soup.select("svg[role=img]")
    assert len(charts) == 2
    for chart in charts:
        assert chart.find("title") and chart.find("desc")
        assert chart.has_attr("aria-labelledby")
        assert not chart.select("[style]"), "the CSP blocks inline styles"
    # Each heat map cell carries its count as text, not only as a colour.
    assert "1" in [t.get_text() for t in charts[0].select("text")]
    heat_table = soup.select_one("#heat-map-table").get_text(" ", strip=True)
    assert "7 Skills and Interventions" in heat_table or "Skills" in heat_table
    assert "1 of the 1 entry in your portfolio (100%) was recorded more than 28 days" in \
        " ".join(soup.select_one("#late-recording-summary").get_text().split())
    assert soup.select_one("#late-entries")
    assert soup.select_one("#weeks-table")


def test_page_renders_as_htmx_fragment(client, org):
    portfolio = make_portfolio(org)
    sign_in(client, portfolio.candidate)
    response = client.htmx_get(url(portfolio))
    assert response.status_code == 200
    assert "<html" not in response.get_data(as_text=True)
    assert "0% complete" in response.get_data(as_text=True)


def test_another_candidates_portfolio_is_not_found(client, org):
    portfolio = make_portfolio(org)
    other = factories.user(org, roles=[Role.CANDIDATE])
    sign_in(client, other)
    assert client.get(url(portfolio)).status_code == 404
    assert client.get("/portfolios/999999/sufficiency").status_code == 404


@pytest.mark.parametrize(("role", "status"), [
    (Role.ASSESSOR, 404), (Role.LINE_MANAGER, 404), (Role.ADMINISTRATOR, 404),
    (Role.PANEL_MEMBER, 404), (Role.PROGRAMME_LEAD, 200)])
def test_who_else_reads_the_page_is_the_visibility_tables_business(client, org, role, status):
    """Staff who are not the candidate's find nothing; the council's programme leads read
    it (tests/visibility covers the candidate's assessors)."""
    portfolio = make_portfolio(org)
    sign_in(client, factories.user(org, roles=[role]))
    assert client.get(url(portfolio)).status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client, org):
    portfolio = make_portfolio(org)
    db.session.commit()
    response = client.get(url(portfolio))
    assert response.status_code in {302, 303}
    assert "/sign-in" in response.headers["Location"]


def test_page_query_count_does_not_grow_with_entries(client, org):
    portfolio = make_portfolio(org)
    pcf = [element("pcf", "2018", str(n)) for n in range(1, 10)]
    kinds = ["direct_observation", "critical_reflection", "colleague_feedback", "other"]
    add_agreement(portfolio)

    def add_evidence(count: int, offset: int) -> None:
        for n in range(offset, offset + count):
            day = START + timedelta(days=(3 * n) % 360)
            add_entry(portfolio, kinds[n % 4], day, f"Entry {n}",
                      links=[pcf[n % 9], pcf[(n + 1) % 9]],
                      recorded_at=at(day + timedelta(days=n % 60)))
            db.session.add(SupervisionRecord(portfolio_id=portfolio.id, held_on=day,
                                             supervisor_name="Sam", topics="Risk"))

    address = url(portfolio)

    def queries() -> int:
        with count_queries() as statements:
            assert client.get(address).status_code == 200
        return len(statements)

    add_evidence(5, 0)
    sign_in(client, portfolio.candidate)
    queries()  # warm up anything cached once per process
    few = queries()
    add_evidence(195, 5)
    db.session.commit()
    assert queries() == few
    assert few <= 25


# The page follows the portfolio -------------------------------------------------------------
def test_the_figures_follow_every_change_to_the_portfolio(client, org):
    """Each change shows at once: a new entry, a changed date, a review point moved, the
    schedule extended."""
    portfolio = make_portfolio(org)
    sign_in(client, portfolio.candidate)

    def shown():
        soup = page(client.get(url(portfolio)))
        return (soup.select_one("#completeness-label").get_text(strip=True),
                soup.select_one("#heat-map-table").get_text(" ", strip=True),
                " ".join(soup.select_one("#late-recording-summary").get_text().split()),
                soup.select_one("#review-point-readiness").get_text(" ", strip=True))

    first = shown()
    entry = add_entry(portfolio, "direct_observation", IN_STAGE["early"],
                      links=[element("pcf", "2018", "7")],
                      recorded_at=at(IN_STAGE["early"] + timedelta(days=40)))
    db.session.commit()
    added = shown()
    assert added[0] != first[0] and added[1] != first[1]
    assert "1 of the 1 entry in your portfolio (100%) was recorded more than 28" in added[2]

    entry.occurred_on = IN_STAGE["early"] + timedelta(days=30)  # now recorded in time
    db.session.commit()
    assert "0 of the 1 entry" in shown()[2]

    log_only = add_entry(portfolio, occurred_on=IN_STAGE["early"], in_portfolio=False,
                         recorded_at=at(IN_STAGE["early"] + timedelta(days=60)))
    db.session.commit()
    assert "whole evidence log, 1 of 2 (50%)" in shown()[2]
    log_only.created_at = at(IN_STAGE["early"])  # only the log's rows change
    db.session.commit()
    assert "whole evidence log, 0 of 2 (0%)" in shown()[2]

    add_agreement(portfolio)
    db.session.commit()
    agreed = shown()
    assert agreed[3] != added[3]

    record_schedule_change(portfolio.candidate, portfolio, "part_time", 140,
                           "Part-time working")
    db.session.commit()
    assert shown() != agreed


def test_a_renamed_entry_shows_its_new_title(client, org):
    portfolio = make_portfolio(org)
    entry = add_entry(portfolio, occurred_on=date(2026, 1, 10),
                      title="Visit to the Smith family", recorded_at=at(date(2026, 3, 30)))
    sign_in(client, portfolio.candidate)
    assert "Visit to the Smith family" in client.get(url(portfolio)).get_data(as_text=True)

    entry.title = "Visit to the Jones family"
    db.session.commit()
    html = client.get(url(portfolio)).get_data(as_text=True)
    assert "Visit to the Jones family" in html and "Smith" not in html


def _required_parts(soup) -> str:
    row = next(row for row in soup.select(".govuk-summary-list__row")
               if row.select_one("dt").get_text(strip=True) == "Required parts")
    return row.select_one("dd").get_text(" ", strip=True).split("%")[0]


def test_portfolio_page_counts_completeness_from_what_it_reads(client, org):
    """The portfolio page counts the entries it lists and its records; a line manager,
    who is not shown the entries, gets the same figure from a count of their types and
    the records. Both ask the same number of queries, whatever the portfolio holds."""
    from portal.assignments.models import AssignmentRole
    from portal.assignments.operations import assign

    portfolio = make_portfolio(org, start=START)
    manager = factories.user(org, roles=["line_manager"])
    assign(factories.user(org, roles=["programme_lead"]), portfolio.candidate, manager,
           AssignmentRole.LINE_MANAGER, START)
    add_agreement(portfolio)
    add_stage_records(portfolio, ["beginning", "middle"])
    add_entry(portfolio, "direct_observation", title="Observed visit")
    add_entry(portfolio, "direct_observation", title="Not chosen", in_portfolio=False)
    db.session.add(SupervisionRecord(portfolio_id=portfolio.id, held_on=START,
                                     supervisor_name="Sam", topics="Caseload"))
    db.session.add(ProtectedTimeRecord(portfolio_id=portfolio.id, taken_on=START,
                                       minutes=210, activity="Reading"))
    db.session.commit()
    expected = sufficiency.completeness(portfolio)
    assert 0 < expected < 100
    url = f"/portfolios/{portfolio.id}"  # read now: a commit expires `portfolio`

    def seen_by(user) -> tuple[str, int]:
        viewer = client.application.test_client()
        sign_in(viewer, user)
        viewer.get(url)  # the first request fills the per-process caches
        with count_queries() as statements:
            soup = page(viewer.get(url))
        return _required_parts(soup), len(statements)

    owner_sees, owner_queries = seen_by(portfolio.candidate)
    manager_sees, manager_queries = seen_by(manager)
    assert owner_sees == manager_sees == str(expected)
    # The owner: user, portfolio, the evidence, its records, submissions and reports. The
    # line manager also costs the access checks and the candidate's name, and has the
    # entries and records counted in one.
    assert owner_queries <= 6, owner_queries
    assert manager_queries <= 8, manager_queries

    add_stage_records(portfolio, ["early", "final"])
    for n in range(5):
        db.session.add(SupervisionRecord(portfolio_id=portfolio.id,
                                         held_on=START + timedelta(days=14 * n),
                                         supervisor_name="Sam", topics="Risk"))
    db.session.commit()
    expected = sufficiency.completeness(portfolio)
    assert seen_by(portfolio.candidate) == (str(expected), owner_queries)
    assert seen_by(manager) == (str(expected), manager_queries)
