"""A lead cannot save a programme whose required parts are all 0 without confirming it
(issue 18): the save comes back with a warning and a box to tick."""

import pytest
from sqlalchemy import select

from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.programmes import building, operations
from portal.programmes.models import ComponentRequirement
from tests import factories
from tests.conftest import assert_no_duplicate_ids, error_summary, page, sign_in
from tests.portfolios.conftest import make_portfolio


@pytest.fixture
def programme(org):
    """A draft version of a programme a cohort uses: only a draft's counts can change."""
    in_use = make_portfolio(org).programme
    programme = building.new_version(factories.user(org, roles=["programme_lead"]), in_use)
    db.session.commit()
    return programme


@pytest.fixture
def lead(client, org):
    user = factories.user(org, roles=["programme_lead"])
    sign_in(client, user)
    return user


def _form(programme, count=None, **extra):
    data = {f"component-{c.id}": str(c.min_count if count is None else count)
            for c in programme.components}
    data.update({f"review-{p.id}": str(p.due_month) for p in programme.review_points})
    data.update(extra)
    return data


def _counts(programme) -> list[int]:
    db.session.expire_all()
    return db.session.scalars(select(ComponentRequirement.min_count).where(
        ComponentRequirement.programme_id == programme.id)).all()


def test_all_zero_comes_back_with_a_warning_and_the_typed_numbers(client, programme, lead):
    before = _counts(programme)
    response = client.post(f"/programmes/{programme.id}", data=_form(programme, count=0))
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == [operations.NOTHING_REQUIRED]
    assert soup.title.get_text().startswith("Error: ")
    box = soup.select_one("input[type=checkbox][name=confirm_nothing_required]")
    assert box is not None and not box.has_attr("checked")
    summary_link = soup.select_one(".govuk-error-summary a")["href"]
    assert soup.select_one(summary_link) is not None  # the summary leads to the box
    first = programme.components[0]
    assert soup.select_one(f"#component-{first.id}")["value"] == "0"
    assert_no_duplicate_ids(soup)
    assert _counts(programme) == before


def test_the_box_is_not_shown_until_it_is_needed(client, programme, lead):
    soup = page(client.get(f"/programmes/{programme.id}"))
    assert soup.select_one("input[name=confirm_nothing_required]") is None


def test_confirming_saves_all_zero(client, programme, lead):
    response = client.post(f"/programmes/{programme.id}", data=_form(
        programme, count=0, confirm_nothing_required="y"))
    assert response.status_code == 303
    assert set(_counts(programme)) == {0}
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.action == "programme_settings_changed")) is not None


def test_some_zero_and_later_saves_of_an_all_zero_programme_do_not_ask(client, programme,
                                                                       lead):
    first = programme.components[0]
    data = _form(programme, count=0)
    data[f"component-{first.id}"] = "1"
    assert client.post(f"/programmes/{programme.id}", data=data).status_code == 303
    operations.update_settings(lead, programme, dict.fromkeys(
        (c.id for c in programme.components), 0), {}, nothing_required_confirmed=True)
    db.session.commit()
    point = programme.review_points[0]
    months = _form(programme, count=0, **{f"review-{point.id}": str(point.due_month + 1)})
    assert client.post(f"/programmes/{programme.id}", data=months).status_code == 303


def test_the_operation_refuses_without_confirmation(programme, org):
    lead = factories.user(org, roles=["programme_lead"])
    before = _counts(programme)
    with pytest.raises(operations.ProgrammeError) as refused:
        operations.update_settings(lead, programme, dict.fromkeys(
            (c.id for c in programme.components), 0), {})
    assert refused.value.field == "confirm_nothing_required"
    db.session.rollback()
    assert _counts(programme) == before
