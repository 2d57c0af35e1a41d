"""Cohorts: creating, editing, closing, and who is in them."""

from datetime import date

import pytest

from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.organisations.models import Cohort, CohortMembership
from tests import factories
from tests.conftest import assert_no_duplicate_ids, count_queries, error_summary, page, sign_in


@pytest.fixture
def lead(client, org):
    user = factories.user(org, roles=["programme_lead"])
    sign_in(client, user)
    return user


def _cohort_form(programme, **overrides):
    data = {"name": "ASYE September 2026", "programme_id": str(programme.id),
            "start_date": ["7", "9", "2026"], "entry_route": "step_up"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["candidate", "assessor", "panel_member", "line_manager"])
def test_only_leads_and_administrators_manage_cohorts(client, org, role):
    sign_in(client, factories.user(org, roles=[role]))
    assert client.get("/cohorts/").status_code == 403


def test_create_a_cohort(client, org, lead):
    programme = factories.programme(org)
    db.session.commit()
    response = client.post("/cohorts/new", data=_cohort_form(programme))
    assert response.status_code == 303
    cohort = db.session.scalar(db.select(Cohort))
    assert (cohort.name, cohort.start_date, cohort.entry_route) == (
        "ASYE September 2026", date(2026, 9, 7), "step_up")
    assert response.headers["Location"] == f"/cohorts/{cohort.id}"
    assert "cohort_created" in db.session.scalars(db.select(AuditEvent.action)).all()


def test_an_impossible_date_is_explained_and_the_rest_kept(client, org, lead):
    programme = factories.programme(org)
    db.session.commit()
    response = client.post("/cohorts/new", data=_cohort_form(
        programme, start_date=["31", "2", "2026"], name="Kept name"))
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == ["Enter the start date as a real date, like 1 9 2026"]
    assert soup.select_one("#name")["value"] == "Kept name"
    assert soup.select_one("#start_date-day")["value"] == "31"
    assert db.session.scalar(db.select(db.func.count()).select_from(Cohort)) == 0
    assert_no_duplicate_ids(soup)


def test_duplicate_cohort_names_are_refused(client, org, lead):
    programme = factories.programme(org)
    factories.cohort(org, programme, name="ASYE September 2026")
    db.session.commit()
    response = client.post("/cohorts/new", data=_cohort_form(programme,
                                                             name="asye september 2026"))
    assert response.status_code == 400
    assert error_summary(page(response)) == ["A cohort with this name already exists"]


def test_another_councils_programme_cannot_be_used(client, org, lead):
    foreign = factories.programme(factories.organisation())
    factories.programme(org)
    db.session.commit()
    response = client.post("/cohorts/new", data=_cohort_form(foreign))
    assert response.status_code == 400


def test_edit_a_cohort(client, org, lead):
    cohort = factories.cohort(org)
    db.session.commit()
    form = page(client.get(f"/cohorts/{cohort.id}/edit"))
    assert form.select_one("#start_date-month")["value"] == "09"
    response = client.post(f"/cohorts/{cohort.id}/edit", data=_cohort_form(
        cohort.programme, name="Renamed cohort", entry_route="frontline"))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).entry_route == "frontline"


def test_add_and_remove_candidates(client, org, lead):
    cohort = factories.cohort(org)
    candidate = factories.user(org, name="Amara Okafor")
    db.session.commit()
    response = client.post(f"/cohorts/{cohort.id}/candidates",
                           data={"candidate_email": candidate.email.upper()})
    assert response.status_code == 303
    body = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "Amara Okafor" in body
    membership = db.session.scalar(db.select(CohortMembership))
    response = client.post(f"/cohorts/{cohort.id}/candidates/{membership.id}/remove")
    assert response.status_code == 303
    assert db.session.scalar(db.select(db.func.count()).select_from(CohortMembership)) == 0
    actions = set(db.session.scalars(db.select(AuditEvent.action)))
    assert {"candidate_added_to_cohort", "candidate_removed_from_cohort"} <= actions


def test_only_candidates_of_this_council_can_join(client, org, lead):
    cohort = factories.cohort(org)
    assessor = factories.user(org, roles=["assessor"])
    stranger = factories.user(factories.organisation())
    db.session.commit()
    for person in (assessor, stranger):
        response = client.post(f"/cohorts/{cohort.id}/candidates",
                               data={"candidate_email": person.email})
        assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(CohortMembership)) == 0


def test_close_and_reopen(client, org, lead):
    cohort = factories.cohort(org)
    db.session.commit()
    client.post(f"/cohorts/{cohort.id}/close")
    db.session.expire_all()
    assert not db.session.get(Cohort, cohort.id).active
    client.post(f"/cohorts/{cohort.id}/reopen")
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).active


@pytest.mark.parametrize("method,suffix", [
    ("get", ""), ("get", "/edit"), ("post", "/edit"), ("post", "/close"), ("post", "/reopen"),
    ("post", "/candidates"), ("post", "/candidates/1/remove"),
])
def test_another_councils_cohort_is_not_found(client, org, lead, method, suffix):
    foreign = factories.cohort(factories.organisation())
    db.session.commit()
    assert getattr(client, method)(f"/cohorts/{foreign.id}{suffix}").status_code == 404


def test_a_membership_of_another_cohort_is_not_found(client, org, lead):
    mine = factories.cohort(org)
    other = factories.cohort(org)
    membership = factories.membership(other, factories.user(org))
    db.session.commit()
    response = client.post(f"/cohorts/{mine.id}/candidates/{membership.id}/remove")
    assert response.status_code == 404


def test_cohort_pages_have_bounded_queries(client, org, lead):
    cohort = factories.cohort(org)
    team = factories.team(org)
    for _ in range(3):
        factories.membership(cohort, factories.user(org, team_id=team.id))
    db.session.commit()

    def queries(url):
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    few_show, few_index = queries(f"/cohorts/{cohort.id}"), queries("/cohorts/")
    for _ in range(30):
        factories.membership(cohort, factories.user(org, team_id=team.id))
        factories.cohort(org, cohort.programme)
    db.session.commit()
    assert queries(f"/cohorts/{cohort.id}") == few_show
    assert queries("/cohorts/") == few_index
    assert few_show <= 7  # user, cohort with programme, count, page, portfolios, assessors


def test_an_unknown_candidate_email_is_explained_and_kept(client, org, lead):
    cohort = factories.cohort(org)
    db.session.commit()
    response = client.post(f"/cohorts/{cohort.id}/candidates",
                           data={"candidate_email": "nobody@example.org"})
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == [
        "There is no candidate with that email address in your organisation"]
    assert soup.select_one("#candidate_email")["value"] == "nobody@example.org"


def test_members_are_listed_by_name_a_page_at_a_time_and_follow_a_rename(client, org, lead):
    from portal.accounts.operations import UserDetails, update_user
    from portal.accounts.roles import Role

    cohort = factories.cohort(org)
    names = [f"Member {n:02d}" for n in range(30)]
    people = {}
    for name in reversed(names):  # made in reverse: the list must sort, not keep order
        people[name] = factories.user(org, roles=["candidate"], name=name)
        factories.membership(cohort, people[name])
    db.session.commit()

    def listed(query=""):
        soup = page(client.get(f"/cohorts/{cohort.id}{query}"))
        return [row.select("td")[0].get_text(strip=True) for row in soup.select("tbody tr")]

    first, second = listed(), listed("?page=2")
    assert first + second == names
    assert len(first) == 25
    assert listed("?page=9") == []  # past the end: an empty page, not an error

    admin = factories.user(org, roles=["administrator"])
    renamed = people["Member 00"]
    update_user(admin, renamed, UserDetails(name="zara Member", email=renamed.email,
                                            roles={Role.CANDIDATE}, team_id=None))
    db.session.commit()
    assert listed("?page=2")[-1] == "zara Member"
    assert listed()[0] == "Member 01"
