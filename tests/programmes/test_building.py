"""Leads build a programme on pages (issue 22): create it blank or from a template, add,
change and remove its parts; a bad row comes back with the field and the reason, keeps
what was typed, and saves nothing. Only the council's leads and administrators get in."""

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.cohorts.operations import CohortDetails, CohortError, create_cohort
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.frameworks.loader import find_framework
from portal.organisations.models import EntryRoute
from portal.programmes import building
from portal.programmes.models import Programme, ReviewPointDefinition
from tests import factories
from tests.conftest import assert_no_duplicate_ids, error_summary, page, sign_in


def _create(client, **fields):
    soup = page(client.get("/programmes/new"))
    data = {"form_key": soup.select_one("input[name=form_key]")["value"], "name": "Local ASYE",
            "start_from": "blank", "kind": "asye", "duration_months": "12"}
    data.update(fields)
    return client.post("/programmes/new", data=data)


def _programme(name: str = "Local ASYE") -> Programme:
    db.session.expire_all()
    return db.session.scalar(select(Programme).where(Programme.name == name))


@pytest.fixture
def draft(client, lead):
    assert _create(client).status_code == 303
    return _programme()


def _review_point(**fields) -> dict:
    data = {"code": "three-month", "title": "3-month review", "due_month": "3", "needs": ""}
    data.update(fields)
    return data


def test_a_lead_creates_a_blank_draft_with_the_default_decision_codes(client, lead):
    response = _create(client)
    programme = _programme()
    assert response.headers["Location"].endswith(f"/programmes/{programme.id}/build")
    assert (programme.state, programme.version, programme.duration_months) == ("draft", 1, 12)
    assert [d.outcome for d in programme.decision_codes] == [
        "approved", "approved_with_actions", "deferred", "not_approved"]
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.action == "programme_created")) is not None
    soup = page(client.get(f"/programmes/{programme.id}/build"))
    assert soup.select_one("h1").get_text(strip=True) == "Local ASYE"
    assert soup.find("button", string=lambda s: s and "Publish version 1" in s)


def test_sending_the_create_form_twice_makes_one_programme(client, lead):
    soup = page(client.get("/programmes/new"))
    data = {"form_key": soup.select_one("input[name=form_key]")["value"], "name": "Twice",
            "start_from": "blank", "kind": "asye", "duration_months": "12"}
    first, second = client.post("/programmes/new", data=data), client.post(
        "/programmes/new", data=data)
    assert first.status_code == 303 and second.status_code in (302, 303)
    assert db.session.scalar(select(func.count()).select_from(Programme).where(
        Programme.name == "Twice")) == 1


def test_a_programme_from_the_ecdp_template_says_it_is_provisional(client, lead):
    assert _create(client, name="ECDP 2027", start_from="ecdp-child-family",
                   kind="", duration_months="").status_code == 303
    programme = _programme("ECDP 2027")
    assert programme.duration_months == 24 and len(programme.review_points) == 7
    text = page(client.get(f"/programmes/{programme.id}/build")).get_text(" ", strip=True)
    assert ("Provisional: check against the Department for Education's programme guidance "
            "when it is published") in text


def test_a_blank_programme_needs_a_kind_and_a_length(client, lead):
    response = _create(client, kind="", duration_months="")
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Error: ")
    assert error_summary(soup) == ["Select the kind of programme", "Enter the length in months"]
    assert soup.select_one("#name")["value"] == "Local ASYE"
    assert _programme() is None


def test_adding_a_review_point_and_changing_it(client, draft):
    url = f"/programmes/{draft.id}/review-points"
    assert client.post(f"{url}/new", data=_review_point(needs="Two observations")
                       ).status_code == 303
    assert client.post(f"{url}/0", data=_review_point(due_month="4", optional="y")
                       ).status_code == 303
    point = _programme().review_points[0]
    assert (point.due_month, point.optional, point.needs) == (4, True, "")
    soup = page(client.get(url))
    assert "3-month review" in soup.get_text()
    assert_no_duplicate_ids(soup)


def test_a_review_month_beyond_the_length_is_refused_on_its_field(client, draft):
    response = client.post(f"/programmes/{draft.id}/review-points/new",
                           data=_review_point(due_month="13"))
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Error: ")
    assert error_summary(soup) == ["Month 13 is beyond the programme's length (12 months)"]
    assert soup.select_one("#due_month")["value"] == "13"
    assert db.session.scalar(select(func.count()).select_from(ReviewPointDefinition)) == 0


def test_a_negative_minimum_is_refused_on_its_field(client, draft):
    response = client.post(f"/programmes/{draft.id}/components/new", data={
        "code": "observations", "title": "Direct observations",
        "counts": "evidence:direct_observation", "min_count": "-1"})
    assert response.status_code == 400
    assert error_summary(page(response)) == ["The minimum cannot be negative (-1)"]
    assert _programme().components == []


def test_a_duplicate_code_is_refused(client, draft):
    url = f"/programmes/{draft.id}/review-points"
    client.post(f"{url}/new", data=_review_point())
    response = client.post(f"{url}/new", data=_review_point(title="Another"))
    assert response.status_code == 400
    assert "Duplicate code 'three-month'" in error_summary(page(response))
    assert len(_programme().review_points) == 1


def test_shortening_the_programme_below_a_review_point_is_refused(client, draft):
    client.post(f"/programmes/{draft.id}/review-points/new", data=_review_point(due_month="9"))
    response = client.post(f"/programmes/{draft.id}/details", data={
        "name": "Local ASYE", "kind": "asye", "duration_months": "6"})
    assert response.status_code == 400
    assert error_summary(page(response)) == [
        "Review point 1, due month: month 9 is beyond the programme's length (6 months)"]
    assert _programme().duration_months == 12


def test_removing_a_stage_a_component_counts_in_is_refused(client, draft):
    client.post(f"/programmes/{draft.id}/stages/new", data={
        "code": "first", "title": "First months", "start_month": "0", "end_month": "3"})
    client.post(f"/programmes/{draft.id}/components/new", data={
        "code": "plans", "title": "Plans", "counts": "record:development_plan",
        "min_count": "1", "per_stage": "first"})
    response = client.post(f"/programmes/{draft.id}/stages/0/remove", data={"code": "first"})
    assert response.status_code == 400
    assert error_summary(page(response)) == [
        "Required part 1, per stage: unknown stage ['first']"]
    assert len(_programme().stages) == 1
    client.post(f"/programmes/{draft.id}/components/0/remove", data={"code": "plans"})
    assert client.post(f"/programmes/{draft.id}/stages/0/remove",
                       data={"code": "first"}).status_code == 303
    assert _programme().stages == []


def test_decision_codes_are_part_of_the_programme(client, draft):
    response = client.post(f"/programmes/{draft.id}/decision-codes/new", data={
        "code": "more-time", "label": "More time needed", "outcome": "deferred"})
    assert response.status_code == 303
    assert [d.code for d in _programme().decision_codes][-1] == "more-time"


def test_only_active_frameworks_can_be_chosen(client, draft):
    retired = find_framework("kss-adults", "2015")
    retired.status = "retired"
    pcf = find_framework("pcf", "2018")
    db.session.commit()
    soup = page(client.get(f"/programmes/{draft.id}/frameworks"))
    offered = {box["value"] for box in soup.select("input[name=framework_ids]")}
    assert str(pcf.id) in offered and str(retired.id) not in offered
    response = client.post(f"/programmes/{draft.id}/frameworks",
                           data={"framework_ids": [str(retired.id)]})
    assert response.status_code == 400
    assert client.post(f"/programmes/{draft.id}/frameworks",
                       data={"framework_ids": [str(pcf.id)]}).status_code == 303
    assert [f.code for f in _programme().frameworks] == ["pcf"]


def test_publishing_offers_the_programme_to_new_cohorts(client, draft):
    def offered():
        soup = page(client.get("/cohorts/new"))
        return [o.get_text() for o in soup.select("#programme_id option")]
    assert "Local ASYE" not in offered()
    assert client.post(f"/programmes/{draft.id}/publish").status_code == 303
    assert _programme().state == "published"
    assert "Local ASYE" in offered()


@pytest.mark.parametrize("path", [
    "build", "details", "review-points", "review-points/new", "frameworks"])
def test_another_councils_programme_is_not_found(client, lead, path):
    other = factories.programme(factories.organisation())
    db.session.commit()
    assert client.get(f"/programmes/{other.id}/{path}").status_code == 404
    assert client.post(f"/programmes/{other.id}/publish").status_code == 404


def test_candidates_cannot_reach_the_pages(client, org, frameworks):
    programme = factories.programme(org)
    sign_in(client, factories.user(org, roles=["candidate"]))
    db.session.commit()
    assert client.get("/programmes/new").status_code == 403
    assert client.get(f"/programmes/{programme.id}/build").status_code == 403
    assert client.post(f"/programmes/{programme.id}/publish").status_code == 403


def test_a_post_without_its_csrf_token_is_refused(client, draft):
    response = client.post(f"/programmes/{draft.id}/review-points/new",
                           data=_review_point(), csrf=False)
    assert response.status_code == 400
    assert client.post(f"/programmes/{draft.id}/publish", csrf=False).status_code == 400
    assert _programme().review_points == [] and _programme().state == "draft"


def test_a_cohort_cannot_start_on_a_draft(draft, lead):
    details = CohortDetails(name="September", programme_id=draft.id,
                            start_date=date(2027, 9, 6), entry_route=EntryRoute.UNIVERSITY)
    with pytest.raises(CohortError, match="Select a published programme"):
        create_cohort(lead, details)
    building.publish(lead, draft)
    assert create_cohort(lead, details).programme_id == draft.id


def _two_review_points(client, draft):
    for code, title in (("three-month", "3-month review"), ("six-month", "6-month review")):
        client.post(f"/programmes/{draft.id}/review-points/new",
                    data=_review_point(code=code, title=title))


def test_removing_a_row_asks_first_and_carries_the_row_it_asked_about(client, draft):
    _two_review_points(client, draft)
    soup = page(client.get(f"/programmes/{draft.id}/review-points"))
    link = next(a for a in soup.select("a") if a.get_text().startswith("Remove"))
    assert link["href"] == f"/programmes/{draft.id}/review-points/0/remove"
    assert not soup.select("form[action$='/remove']")  # no one-click removal
    question = page(client.get(link["href"]))
    assert question.select_one("h1").get_text(strip=True) == (
        "Remove the review point \u20183-month review\u2019?")
    assert question.select_one("form input[name=code]")["value"] == "three-month"
    assert [p.code for p in _programme().review_points] == ["three-month", "six-month"]
    response = client.post(link["href"], data={"code": "three-month"})
    assert response.status_code == 303
    assert [p.code for p in _programme().review_points] == ["six-month"]


def test_a_removal_confirmed_for_a_row_that_moved_removes_nothing(client, draft):
    """Two tabs: the first removes row 0, so the second tab's row 0 is another row now."""
    _two_review_points(client, draft)
    assert client.post(f"/programmes/{draft.id}/review-points/0/remove",
                       data={"code": "three-month"}).status_code == 303
    response = client.post(f"/programmes/{draft.id}/review-points/0/remove",
                           data={"code": "three-month"})
    assert response.status_code == 409
    assert error_summary(page(response)) == [
        "This list changed since you opened the page. Check it, then remove the row again."]
    assert [p.code for p in _programme().review_points] == ["six-month"]


def test_removing_a_row_beyond_the_list_is_not_found(client, draft):
    assert client.get(f"/programmes/{draft.id}/review-points/5/remove").status_code == 404
