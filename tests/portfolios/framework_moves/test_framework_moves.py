"""Moving a cohort's portfolios from KSS 2018 to a newer version through a mapping."""

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.evidence.models import EvidenceLink
from portal.frameworks.models import ElementMapping, Framework
from portal.frameworks.queries import frameworks_for_candidate
from portal.organisations.models import Cohort
from portal.portfolios.framework_moves import operations, queries
from portal.portfolios.framework_moves.models import FrameworkMove
from portal.portfolios.models import Portfolio, PortfolioEntry, PortfolioState
from portal.portfolios.operations import enrol, submit_for_review_point
from portal.portfolios.snapshots import content_hash
from portal.portfolios.sufficiency import measures as sufficiency
from tests import factories
from tests.conftest import assert_no_duplicate_ids, count_queries, error_summary, page, sign_in
from tests.portfolios.conftest import make_portfolio
from tests.races import in_another_request, postgres_only, run_at_once


class Move:
    """A council with one cohort on KSS 2018 and a newer KSS mapped from it:
    1 -> 1 and 2 (one to several), 2 and 3 -> 3 (several to one), 4 does not map."""

    def __init__(self, org):
        self.portfolio = make_portfolio(org)
        self.candidate = self.portfolio.candidate
        self.cohort = self.portfolio.membership.cohort
        self.old = db.session.scalar(select(Framework).where(
            Framework.code == "kss-child-family", Framework.version == "2018"))
        self.new = factories.framework("kss-child-family", "2027", elements=3,
                                       title="KSS child and family")
        for a, b in (("1", "1"), ("1", "2"), ("2", "3"), ("3", "3")):
            db.session.add(ElementMapping(from_element_id=self.old_element(a).id,
                                          to_element_id=self.new_element(b).id))
        self.entry = self.add_entry(["1", "2", "4"])
        self.lead = factories.user(org, roles=[Role.PROGRAMME_LEAD])
        db.session.commit()

    def old_element(self, code):
        return next(e for e in self.old.elements if e.code == code)

    def new_element(self, code):
        return next(e for e in self.new.elements if e.code == code)

    def add_entry(self, codes, occurred_on=date(2026, 3, 1)):
        entry = factories.evidence_entry(
            self.candidate, "Home visit", occurred_on,
            links=[(self.old_element(code), f"Shows {code}") for code in codes])
        db.session.add(PortfolioEntry(portfolio_id=self.portfolio.id, entry_id=entry.id))
        db.session.flush()
        return entry

    @property
    def url(self):
        return f"/cohorts/{self.cohort.id}/framework-move/{self.old.id}/{self.new.id}"

    def confirm(self, client):
        key = page(client.get(self.url)).select_one("input[name=form_key]")["value"]
        return client.post(self.url, data={"form_key": key})


@pytest.fixture
def move(org):
    return Move(org)


def _links(entry):
    return set(db.session.execute(select(EvidenceLink.element_id, EvidenceLink.reason)
                                  .where(EvidenceLink.entry_id == entry.id)).all())


def _pinned(portfolio_id):
    db.session.expire_all()
    return {(f.code, f.version) for f in db.session.get(Portfolio, portfolio_id).frameworks}


def test_the_lead_chooses_the_versions_from_the_cohort_page(client, move):
    sign_in(client, move.lead)
    cohort_page = page(client.get(f"/cohorts/{move.cohort.id}"))
    choose = f"/cohorts/{move.cohort.id}/framework-move"
    assert cohort_page.find("a", href=choose) is not None
    soup = page(client.get(choose))
    assert {o["value"] for o in soup.select("#from_id option")} >= {str(move.old.id)}
    response = client.get(choose, query_string={"from_id": move.old.id, "to_id": move.new.id})
    assert response.status_code == 303 and response.headers["Location"] == move.url


def test_the_same_version_twice_is_refused_and_kept(client, move):
    sign_in(client, move.lead)
    response = client.get(f"/cohorts/{move.cohort.id}/framework-move",
                          query_string={"from_id": move.old.id, "to_id": move.old.id})
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Error: ")
    assert error_summary(soup) == ["Choose a different version to move to"]
    assert soup.select_one("#from_id option[selected]")["value"] == str(move.old.id)
    assert client.get(f"/cohorts/{move.cohort.id}/framework-move/{move.old.id}/{move.old.id}"
                      ).status_code == 400


def test_a_version_the_cohort_does_not_use_is_refused(client, move):
    sign_in(client, move.lead)
    response = client.get(f"/cohorts/{move.cohort.id}/framework-move/{move.new.id}/"
                          f"{move.old.id}")
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == [f"No portfolio in {move.cohort.name} uses "
                                   f"{move.new.label}"]
    assert soup.find("form", action=response.request.path) is None


def test_the_confirmation_lists_what_carries_over_and_what_does_not_map(client, move):
    sign_in(client, move.lead)
    response = client.get(move.url)
    assert response.status_code == 200
    soup = page(response)
    assert_no_duplicate_ids(soup)
    text = soup.select_one("main").get_text(" ", strip=True)
    assert move.candidate.name in text
    assert ("KSS 1 Relationships and effective direct work: 1 entry, will also be linked to "
            "KSS 1 Element 1, KSS 2 Element 2") in text
    assert "Does not map to KSS child and family (2027)" in text
    assert "KSS 4" in text and "Home visit" not in text  # no entry titles for the lead
    assert _pinned(move.portfolio.id) == {("pcf", "2018"), ("kss-child-family", "2018")}


def test_confirming_moves_the_portfolio_and_keeps_the_old_links(client, move):
    sign_in(client, move.lead)
    before = _links(move.entry)
    response = move.confirm(client)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/cohorts/{move.cohort.id}"
    assert _pinned(move.portfolio.id) == {("pcf", "2018"), ("kss-child-family", "2027")}
    after = _links(move.entry)
    assert before <= after  # nothing deleted
    assert after - before == {(move.new_element("1").id, "Shows 1"),
                              (move.new_element("2").id, "Shows 1"),
                              (move.new_element("3").id, "Shows 2")}
    recorded = db.session.scalar(select(FrameworkMove))
    assert (recorded.portfolio_id, recorded.from_framework_id, recorded.to_framework_id,
            recorded.moved_by_id) == (move.portfolio.id, move.old.id, move.new.id,
                                      move.lead.id)
    actions = dict(db.session.execute(select(AuditEvent.action, AuditEvent.details).where(
        AuditEvent.action.in_(["cohort_framework_moved", "portfolio_framework_moved"]))).all())
    assert actions["portfolio_framework_moved"]["links_added"] == 3
    assert actions["cohort_framework_moved"]["portfolios"] == 1


def test_after_the_move_new_evidence_is_linked_to_the_new_version(client, move):
    choices = frameworks_for_candidate(move.candidate)
    assert ("kss-child-family", "2018") in {(f.code, f.version) for f in choices}
    sign_in(client, move.lead)
    move.confirm(client)
    client.post("/sign-out")
    offered = {(f.code, f.version) for f in frameworks_for_candidate(move.candidate)}
    assert offered == {("pcf", "2018"), ("kss-child-family", "2027")}
    sign_in(client, move.candidate)
    form = client.get("/evidence/new").get_data(as_text=True)
    assert f'value="{move.new_element("1").id}"' in form
    assert f'value="{move.old_element("1").id}"' not in form


def test_several_to_one_gives_one_link(client, move):
    entry = move.add_entry(["2", "3"])
    db.session.commit()
    sign_in(client, move.lead)
    move.confirm(client)
    carried = [element for element, _reason in _links(entry)
               if element == move.new_element("3").id]
    assert len(carried) == 1


def test_the_candidates_linked_evidence_is_still_counted(client, move):
    """The heat map of the new version counts the links carried over."""
    sign_in(client, move.lead)
    move.confirm(client)
    db.session.expire_all()
    portfolio = db.session.get(Portfolio, move.portfolio.id)
    heat = sufficiency.heat_map(portfolio)
    totals = {row.element.label: row.total for group in heat.groups for row in group.rows
              if group.framework.version == "2027"}
    assert totals == {"KSS 1 Element 1": 1, "KSS 2 Element 2": 1, "KSS 3 Element 3": 1}


def test_a_submitted_snapshot_never_changes(client, move):
    code = move.portfolio.review_points[0].code
    snapshot = submit_for_review_point(move.candidate, move.portfolio, code, [])
    db.session.commit()
    content, sha256 = snapshot.content, snapshot.sha256
    sign_in(client, move.lead)
    assert move.confirm(client).status_code == 303
    db.session.expire_all()
    portfolio = db.session.get(Portfolio, move.portfolio.id)
    assert portfolio.state == PortfolioState.SUBMITTED_FOR_REVIEW.value
    frozen = portfolio.current_snapshot
    assert frozen.content == content and frozen.sha256 == sha256
    assert content_hash(frozen.content) == sha256


def test_candidate_and_assessor_see_what_did_not_map(client, move, org):
    assessor = factories.user(org, roles=[Role.ASSESSOR])
    factories.assignment(move.candidate, assessor)
    db.session.commit()
    sign_in(client, move.lead)
    move.confirm(client)
    client.post("/sign-out")
    for person in (move.candidate, assessor):
        sign_in(client, person)
        soup = page(client.get(f"/portfolios/{move.portfolio.id}/sufficiency"))
        section = soup.find(id="framework-moves")
        assert section is not None
        text = soup.select_one("main").get_text(" ", strip=True)
        assert f"Moved from {move.old.label} to KSS child and family (2027)" in text
        assert "Linked to KSS 1 Relationships and effective direct work (2018) before the move" \
            in text
        assert "Does not map to KSS child and family (2027)" in text
        assert "KSS 4" in text
        client.post("/sign-out")


def test_decided_portfolios_stay_where_they_were(client, move, org):
    other = factories.user(org, roles=[Role.CANDIDATE])
    decided = enrol(None, factories.membership(move.cohort, other, joined=date(2026, 1, 5)))
    submit_for_review_point(other, decided, decided.review_points[0].code, [])
    decided.state = PortfolioState.DECIDED.value
    db.session.commit()
    sign_in(client, move.lead)
    assert move.confirm(client).status_code == 303
    assert db.session.scalar(select(FrameworkMove.portfolio_id)) == move.portfolio.id
    assert db.session.scalar(select(func.count(FrameworkMove.id))) == 1
    assert ("kss-child-family", "2018") in _pinned(decided.id)


@pytest.mark.parametrize("role", [Role.CANDIDATE, Role.ASSESSOR, Role.ADMINISTRATOR])
def test_only_programme_leads_move_a_cohort(client, move, org, role):
    sign_in(client, factories.user(org, roles=[role]))
    assert client.get(f"/cohorts/{move.cohort.id}/framework-move").status_code == 403
    assert client.get(move.url).status_code == 403
    assert client.post(move.url).status_code == 403
    assert db.session.scalar(select(func.count(FrameworkMove.id))) == 0


def test_another_councils_cohort_is_not_found(client, move):
    sign_in(client, factories.user(factories.organisation(), roles=[Role.PROGRAMME_LEAD]))
    assert client.get(f"/cohorts/{move.cohort.id}/framework-move").status_code == 404
    assert client.get(move.url).status_code == 404
    assert client.post(move.url).status_code == 404
    assert db.session.scalar(select(func.count(FrameworkMove.id))) == 0


def test_moving_needs_the_csrf_token(client, move):
    sign_in(client, move.lead)
    assert client.post(move.url, csrf=False).status_code == 400
    assert _pinned(move.portfolio.id) == {("pcf", "2018"), ("kss-child-family", "2018")}


def test_sending_the_confirmation_twice_moves_once(client, move):
    sign_in(client, move.lead)
    key = page(client.get(move.url)).select_one("input[name=form_key]")["value"]
    assert client.post(move.url, data={"form_key": key}).status_code == 303
    assert client.post(move.url, data={"form_key": key}).status_code == 303
    assert db.session.scalar(select(func.count(FrameworkMove.id))) == 1


def test_a_move_from_a_stale_page_is_refused(app, move):
    in_another_request(app, lambda: operations.move_cohort(
        _reload(move.lead), _reload(move.cohort), _reload(move.old), _reload(move.new)))
    with pytest.raises(operations.MoveError, match="No portfolio in"):
        operations.move_cohort(move.lead, move.cohort, move.old, move.new)
    db.session.rollback()
    assert db.session.scalar(select(func.count(FrameworkMove.id))) == 1


def _reload(thing):
    return db.session.get(type(thing), thing.id)


@pytest.mark.postgres_only
def test_two_moves_at_once_move_once(app, move):
    postgres_only()
    ids = (move.lead.id, move.cohort.id, move.old.id, move.new.id)

    def load():
        lead, cohort = db.session.get(User, ids[0]), db.session.get(Cohort, ids[1])
        source, target = db.session.get(Framework, ids[2]), db.session.get(Framework, ids[3])
        assert queries.movable_portfolios(cohort.id, source)
        return lead, cohort, source, target

    def act(loaded):
        operations.move_cohort(*loaded)

    outcomes = run_at_once(app, [(load, act), (load, act)], refusals=(operations.MoveError,))
    assert outcomes.count("won") == 1
    assert any(outcome.startswith("No portfolio in") for outcome in outcomes)
    assert db.session.scalar(select(func.count(FrameworkMove.id))) == 1
    assert len(_links(move.entry)) == 6


def test_the_confirmation_costs_the_same_for_a_larger_cohort(client, move, org):
    sign_in(client, move.lead)
    client.get(move.url)  # caches the elements, as a running portal has them
    with count_queries() as one:
        client.get(move.url)
    for _ in range(3):
        other = factories.user(org, roles=[Role.CANDIDATE])
        enrol(None, factories.membership(move.cohort, other, joined=date(2026, 1, 5)))
        factories.evidence_entry(other, links=[(move.old_element("1"), "Shows 1"),
                                               (move.old_element("4"), "Shows 4")])
    db.session.commit()
    url = move.url
    with count_queries() as four:
        response = client.get(url)
    assert len(page(response).select("main h2")) == 4
    assert len(four) == len(one)
