"""The bench seed's panels (issue 7): past panels whose decisions are the rows a real
decision writes, upcoming panels with every portfolio at panel on an agenda, and panel
pages that a seeded member can open (the benchmark drives the agenda page)."""

from datetime import date

import pytest
from sqlalchemy import func, select

from bench import report
from bench.seed import BENCH_PASSWORD, seed
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.assessment.reports.operations import pcf_domains
from portal.core.db import db
from portal.panels import agenda, attendance, decisions
from portal.panels.models import (
    AgendaItem,
    CareerLevelRecord,
    Panel,
    PanelDecision,
    PanelMember,
)
from portal.portfolios.models import Portfolio
from portal.programmes.models import Outcome
from tests.conftest import count_queries, sign_in

APPROVALS = {Outcome.APPROVED.value, Outcome.APPROVED_WITH_ACTIONS.value}


@pytest.fixture
def seeded(app):
    """Two councils of 60 candidates: every outcome, a deferral and a review request."""
    summary = seed(candidates=120, entries=600, councils=2, batch_size=500, random_seed=11)
    outcomes = set(db.session.scalars(select(PanelDecision.outcome)))
    assert outcomes == {o.value for o in Outcome}
    assert summary["decision_review_request"] >= 1
    return summary


def _portfolios(state: str) -> list[Portfolio]:
    portfolios = db.session.scalars(select(Portfolio).where(Portfolio.state == state)).all()
    assert portfolios, f"the seed made no portfolio in state {state}"
    return portfolios


def _items(*where) -> list[AgendaItem]:
    return db.session.scalars(select(AgendaItem).where(*where).order_by(AgendaItem.id)).all()


def test_every_decided_portfolio_has_exactly_one_decision(seeded):
    today = date.today()
    for portfolio in _portfolios("decided"):
        decisions = db.session.scalars(select(PanelDecision).where(
            PanelDecision.portfolio_id == portfolio.id)).all()
        assert len(decisions) == 1, portfolio.id
        decision = decisions[0]
        item, panel = decision.agenda_item, decision.agenda_item.panel
        assert decision.outcome != Outcome.DEFERRED.value
        assert item.state == "decided" and item.version in (2, 3)
        assert item.snapshot_id == portfolio.current_snapshot_id
        assert panel.sits_on < today and decision.decided_by_id == panel.chair_id
        assert decision.domains
        assert decision.actions or decision.outcome == Outcome.APPROVED.value
        levels = db.session.scalars(select(CareerLevelRecord).where(
            CareerLevelRecord.decision_id == decision.id)).all()
        assert len(levels) == (1 if decision.outcome in APPROVALS else 0)
        assert all(level.user_id == portfolio.candidate_id for level in levels)


def test_deferred_portfolios_went_back_to_their_candidates(seeded):
    deferrals = db.session.scalars(select(PanelDecision).where(
        PanelDecision.outcome == Outcome.DEFERRED.value)).all()
    for decision in deferrals:
        portfolio = db.session.get(Portfolio, decision.portfolio_id)
        assert portfolio.state == "returned" and portfolio.current_snapshot_id is None
        assert decision.evidence_due_on > decision.agenda_item.panel.sits_on
        assert decision.actions


def test_every_portfolio_at_panel_waits_on_one_upcoming_agenda(seeded):
    today = date.today()
    for portfolio in _portfolios("at_panel"):
        (item,) = _items(AgendaItem.portfolio_id == portfolio.id)
        assert item.state == "waiting" and item.version == 1
        assert item.panel.sits_on >= today
        assert item.snapshot_id == portfolio.current_snapshot_id
        # The same signed-off final report the workflow looks for before an agenda.
        assert item.report_id == agenda.final_report(portfolio).id
    waiting = _items(AgendaItem.state == "waiting")
    assert {item.portfolio.state for item in waiting} == {"at_panel"}
    assert all(item.panel.sits_on >= today for item in waiting)
    references = db.session.scalars(select(AgendaItem.reference)).all()
    assert len(set(references)) == len(references)


def test_every_panel_has_a_chair_and_three_to_five_members(seeded):
    today = date.today()
    panel_list = db.session.scalars(select(Panel)).all()
    for panel in panel_list:
        members = [m.user for m in panel.members]
        assert 3 <= len(members) <= 5, panel.title
        assert panel.chair in members and panel.chair.has_role(Role.PANEL_CHAIR)
        assert all(m.has_any_role(Role.PANEL_MEMBER, Role.PANEL_CHAIR) for m in members)
        assert all(m.organisation_id == panel.organisation_id for m in members)
        assert panel.programmes
    councils = {panel.organisation_id for panel in panel_list}
    upcoming = {panel.organisation_id for panel in panel_list if panel.sits_on >= today}
    assert len(councils) == 2 and upcoming == councils


def test_a_seeded_chair_can_decide_a_waiting_portfolio(seeded):
    """The seeded rows pass the workflow's own checks (state, version, final report,
    attendance and quorum on the panel's day, no conflict of interest)."""
    item = _items(AgendaItem.state == "waiting")[0]
    portfolio, panel = item.portfolio, item.panel
    attendance.record_attendance(panel.chair, panel, {m.user_id for m in panel.members},
                                 panel.sits_on)
    decision = decisions.record_decision(
        panel.chair, item, item.version, decisions.DecisionDetails(
            code="approved", rationale="Meets the level.",
            domain_ids=[pcf_domains(portfolio)[0].id]), panel.sits_on)
    db.session.commit()
    assert portfolio.state == "decided" and item.version == 2
    assert decision.agenda_item_id == item.id


def _member_of_upcoming_panel() -> tuple[Panel, User]:
    panel = db.session.scalars(
        select(Panel).join(AgendaItem, AgendaItem.panel_id == Panel.id)
        .where(Panel.sits_on >= date.today()).order_by(Panel.id)).first()
    member = next(m.user for m in panel.members if m.user_id != panel.chair_id)
    return panel, member


def test_panel_agenda_page_for_a_seeded_member(client, seeded):
    panel, member = _member_of_upcoming_panel()
    items = _items(AgendaItem.panel_id == panel.id)
    names = [item.portfolio.candidate.name for item in items]
    sign_in(client, member, BENCH_PASSWORD)
    response = client.get(f"/panels/{panel.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert all(item.reference in html for item in items)
    assert not any(name in html for name in names)  # anonymised until the chair reveals
    mine = client.get("/panels/mine")
    assert mine.status_code == 200 and panel.title in mine.get_data(as_text=True)


def test_past_panel_pages_show_their_decisions(client, seeded):
    decision = db.session.scalars(select(PanelDecision).order_by(PanelDecision.id)).first()
    item, panel = decision.agenda_item, decision.agenda_item.panel
    sign_in(client, panel.chair, BENCH_PASSWORD)
    agenda = client.get(f"/panels/{panel.id}")
    assert agenda.status_code == 200
    assert decision.decision_label in agenda.get_data(as_text=True)
    assert client.get(f"/panels/{panel.id}/items/{item.id}").status_code == 200
    assert client.get(f"/decisions/{decision.id}").status_code == 200


def test_a_lead_sees_the_panel_steps_on_the_timeline(client, seeded):
    portfolio = _portfolios("decided")[0]
    lead = db.session.scalars(
        select(User).where(User.organisation_id == portfolio.organisation_id,
                           User.email.like("lead%"))).first()
    sign_in(client, lead, BENCH_PASSWORD)
    response = client.get(f"/panels/timeline/{portfolio.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Placed on a panel agenda" in html and "Panel decision recorded" in html


def _agenda_queries(client, panel_id: int) -> int:
    panel = db.session.get(Panel, panel_id)
    sign_in(client, panel.chair, BENCH_PASSWORD)
    client.get(f"/panels/{panel_id}")  # once-per-process loading is not the page's cost
    with count_queries() as statements:
        response = client.get(f"/panels/{panel_id}")
    assert response.status_code == 200
    client.post("/sign-out")
    return len(statements)


def _shortest_and_longest_agendas() -> tuple[int, int]:
    sizes = db.session.execute(
        select(AgendaItem.panel_id, func.count(AgendaItem.id))
        .group_by(AgendaItem.panel_id).order_by(func.count(AgendaItem.id), AgendaItem.panel_id)
    ).all()
    (shortest, few), (longest, many) = sizes[0], sizes[-1]
    assert many > few
    db.session.commit()
    return shortest, longest


def test_panel_agenda_queries_do_not_grow_with_the_agenda(client, seeded):
    shortest, longest = _shortest_and_longest_agendas()
    assert _agenda_queries(client, shortest) == _agenda_queries(client, longest)


def test_panel_agenda_stays_within_ten_queries(client, seeded):
    _shortest, longest = _shortest_and_longest_agendas()
    assert _agenda_queries(client, longest) <= report.MAX_QUERIES


def test_a_second_bench_set_gets_its_own_agenda_references(app):
    """--force adds another set: its panel stream starts again, so references must be
    checked against the ones already in the database."""
    first = seed(candidates=8, entries=40, councils=2, batch_size=200, random_seed=4)
    second = seed(candidates=8, entries=40, councils=2, batch_size=200, random_seed=4)
    assert second["domain"] != first["domain"]
    references = db.session.scalars(select(AgendaItem.reference)).all()
    assert len(references) == first["agenda_item"] + second["agenda_item"] > 0
    assert len(set(references)) == len(references)
    assert db.session.scalar(select(func.count(PanelMember.id))) == \
        first["panel_member"] + second["panel_member"]


def test_seeded_entries_know_whose_turn_it_is_in_their_feedback(seeded):
    """The seed writes threads in bulk, then fills feedback_status as the operation
    would: the work queue reads it."""
    from portal.assessment.models import EvidenceFeedback
    from portal.evidence.models import EvidenceEntry

    latest: dict[int, int] = {}
    for entry_id, author_id in db.session.execute(
            select(EvidenceFeedback.entry_id, EvidenceFeedback.author_id)
            .order_by(EvidenceFeedback.created_at, EvidenceFeedback.id)):
        latest[entry_id] = author_id
    entries = db.session.execute(select(
        EvidenceEntry.id, EvidenceEntry.candidate_id, EvidenceEntry.feedback_status)).all()
    expected = {id_: None if id_ not in latest else
                "awaiting_assessor" if latest[id_] == candidate_id else "awaiting_candidate"
                for id_, candidate_id, _status in entries}
    assert {id_: status for id_, _candidate, status in entries} == expected
    assert {"awaiting_assessor", "awaiting_candidate", None} <= set(expected.values())


def test_seeded_accounts_carry_the_total_of_their_files(seeded):
    """The seed copies attachment rows in directly, then sets each account's running total
    from them: the upload quota is checked against it."""
    from portal.accounts.models import User
    from portal.evidence.models import Attachment

    sums = dict(db.session.execute(
        select(Attachment.owner_id, func.sum(Attachment.size_bytes))
        .group_by(Attachment.owner_id)).all())
    totals = dict(db.session.execute(select(User.id, User.attachment_bytes)).all())
    assert sums and all(total > 0 for total in sums.values())
    assert totals == {user_id: sums.get(user_id, 0) for user_id in totals}
