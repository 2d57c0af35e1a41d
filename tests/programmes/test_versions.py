"""Versions (issue 22): a cohort stays on the version it started with; a lead starts a new
version of a programme a cohort uses, publishes it, reads what changes, then moves the
cohort, whose portfolios follow in one transaction (row locks, audited)."""

from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.cohorts import programme_versions
from portal.cohorts.operations import CohortError
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.frameworks.loader import find_framework
from portal.organisations.models import Cohort
from portal.portfolios.models import Portfolio
from portal.portfolios.operations import record_schedule_change
from portal.programmes import building
from portal.programmes.models import Programme
from portal.programmes.spec import programme_spec
from tests import factories
from tests.conftest import error_summary, page, sign_in
from tests.portfolios.conftest import make_portfolio
from tests.races import postgres_only, run_at_once


@pytest.fixture
def portfolio(org, frameworks):
    made = make_portfolio(org, start=date(2026, 1, 5))
    db.session.commit()
    return made


def _months(programme: Programme) -> dict[str, int]:
    return {p.code: p.due_month for p in programme.review_points}


def _v2(lead, v1: Programme) -> Programme:
    """A published version 2: the 6-month review at month 7, a 10-month review added, the
    9-month one removed, three more observations, and the adults' KSS added."""
    draft = building.new_version(lead, v1)
    spec_points = programme_spec(draft)["review_points"]
    six = next(i for i, p in enumerate(spec_points) if p["code"] == "six-month")
    building.save_part(lead, draft, "review_points", six, {**spec_points[six], "due_month": 7})
    nine = next(i for i, p in enumerate(programme_spec(draft)["review_points"])
                if p["code"] == "nine-month")
    building.remove_part(lead, draft, "review_points", nine)
    building.save_part(lead, draft, "review_points", None,
                       {"code": "ten-month", "title": "10-month review", "due_month": 10})
    components = programme_spec(draft)["components"]
    observations = next(i for i, c in enumerate(components)
                        if c["code"] == "direct-observations")
    building.save_part(lead, draft, "components", observations,
                       {**components[observations], "min_count": 6})
    building.set_frameworks(lead, draft, [*draft.frameworks,
                                          find_framework("kss-adults", "2015")])
    building.publish(lead, draft)
    db.session.commit()
    return draft


def test_a_used_version_is_frozen(portfolio, lead, client):
    v1 = portfolio.programme
    assert not building.editable(v1)
    with pytest.raises(building.ProgrammeFrozen):
        building.save_part(lead, v1, "review_points", 0, {"code": "x", "title": "X",
                                                          "due_month": 1})
    response = client.post(f"/programmes/{v1.id}/review-points/0", data={
        "code": "agreement", "title": "Agreement", "due_month": "1"})
    assert response.status_code == 400
    assert error_summary(page(response))[0].startswith("A cohort uses this version")
    soup = page(client.get(f"/programmes/{v1.id}/build"))
    assert soup.find("button", string=lambda s: s and "Start a new version" in s)


def test_a_cohort_on_version_1_is_unchanged_when_version_2_is_made(portfolio, lead):
    v1 = portfolio.programme
    before = (_months(v1), [(c.code, c.min_count) for c in v1.components],
              [(p.code, p.due_on) for p in portfolio.review_points])
    v2 = _v2(lead, v1)
    db.session.expire_all()
    v1 = db.session.get(Programme, v1.id)
    portfolio = db.session.get(Portfolio, portfolio.id)
    assert (v2.version, v2.family_code, v2.code) == (2, v1.family_code, f"{v1.code}-v2")
    assert (v1.state, v2.state) == ("superseded", "published")
    assert portfolio.programme_id == v1.id
    assert before == (_months(v1), [(c.code, c.min_count) for c in v1.components],
                      [(p.code, p.due_on) for p in portfolio.review_points])


def test_asking_twice_for_a_new_version_gives_the_one_draft(portfolio, lead):
    first = building.new_version(lead, portfolio.programme)
    assert building.new_version(lead, portfolio.programme) is first


def test_the_move_page_lists_the_changes_then_moves(portfolio, lead, client):
    v1 = portfolio.programme
    cohort_id = portfolio.membership.cohort_id
    record_schedule_change(lead, portfolio, "absence", 14, "Illness")
    agreement = next(p for p in portfolio.review_points if p.code == "agreement")
    agreement.completed_on = date(2026, 1, 6)
    db.session.commit()
    v2 = _v2(lead, v1)
    url = f"/cohorts/{cohort_id}/programme-version"
    text = page(client.get(url)).get_text(" ", strip=True)
    for change in ("Review point added: 10-month review (month 10)",
                   "Review point removed: 9-month review (optional) (month 9)",
                   "6-month review: month 6 becomes month 7",
                   "Direct observations of practice: at least 3 becomes at least 6",
                   "Framework added: kss-adults 2015"):
        assert change in text
    response = client.post(url, data={"from_programme_id": v1.id, "to_programme_id": v2.id})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Cohort, cohort_id).programme_id == v2.id
    moved = db.session.get(Portfolio, portfolio.id)
    assert moved.programme_id == v2.id
    points = {p.code: p for p in moved.review_points}
    assert "nine-month" not in points and "ten-month" in points
    assert points["six-month"].base_due_on == date(2026, 8, 5)
    assert points["six-month"].due_on == date(2026, 8, 19)  # the absence still counts
    assert points["agreement"].completed_on == date(2026, 1, 6)
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"cohort_programme_moved", "portfolio_programme_moved"} <= actions


def test_a_move_from_a_version_the_cohort_has_left_is_refused(portfolio, lead, client):
    v1 = portfolio.programme
    cohort_id = portfolio.membership.cohort_id
    v2 = _v2(lead, v1)
    url = f"/cohorts/{cohort_id}/programme-version"
    data = {"from_programme_id": v1.id, "to_programme_id": v2.id}
    assert client.post(url, data=data).status_code == 303
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert error_summary(page(response)) == [programme_versions.MOVED_MEANWHILE]


def test_another_councils_cohort_is_not_found(portfolio, lead, client):
    other = factories.cohort(factories.organisation())
    db.session.commit()
    assert client.get(f"/cohorts/{other.id}/programme-version").status_code == 404
    assert client.post(f"/cohorts/{other.id}/programme-version").status_code == 404


def test_candidates_cannot_move_a_cohort(portfolio, client):
    sign_in(client, portfolio.candidate)
    url = f"/cohorts/{portfolio.membership.cohort_id}/programme-version"
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403


def test_a_move_needs_its_csrf_token(portfolio, lead, client):
    v1 = portfolio.programme
    v2 = _v2(lead, v1)
    response = client.post(f"/cohorts/{portfolio.membership.cohort_id}/programme-version",
                           data={"from_programme_id": v1.id, "to_programme_id": v2.id},
                           csrf=False)
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Portfolio, portfolio.id).programme_id == v1.id


def test_two_leads_moving_the_same_cohort_at_once_move_it_once(app, portfolio, lead):
    postgres_only()
    v1_id = portfolio.programme_id
    v2_id = _v2(lead, portfolio.programme).id
    cohort_id, lead_ids = portfolio.membership.cohort_id, [lead.id, factories.user(
        portfolio.programme.organisation, roles=["programme_lead"]).id]
    db.session.commit()

    def job(lead_id):
        def load():
            return db.session.get(User, lead_id)

        def act(actor):
            programme_versions.move_cohort(actor, cohort_id, v1_id, v2_id)
        return load, act

    outcomes = run_at_once(app, [job(i) for i in lead_ids], (CohortError,))
    assert sorted(outcomes) == sorted(["won", programme_versions.MOVED_MEANWHILE])
    moves = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "cohort_programme_moved")).all()
    assert len(moves) == 1
