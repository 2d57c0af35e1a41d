"""The counts-and-months page changes a draft version only (issue 22): a version a cohort
started on is shown, not changed, with the way forward (a new version), and a save sent
from a page opened before it froze changes nothing."""

import pytest
from sqlalchemy import select

from portal.core.db import db
from portal.programmes import building, operations
from portal.programmes.models import ComponentRequirement
from tests import factories
from tests.conftest import error_summary, page
from tests.portfolios.conftest import make_portfolio


@pytest.fixture
def in_use(org):
    programme = make_portfolio(org).programme
    db.session.commit()
    return programme


def _counts(programme) -> list[int]:
    db.session.expire_all()
    return db.session.scalars(select(ComponentRequirement.min_count).where(
        ComponentRequirement.programme_id == programme.id)
        .order_by(ComponentRequirement.id)).all()


def test_a_version_a_cohort_uses_is_shown_without_inputs(client, lead, in_use):
    soup = page(client.get(f"/programmes/{in_use.id}"))
    assert soup.select("input[name^=component-], input[name^=review-]") == []
    assert "A cohort uses this version" in soup.select_one(".govuk-inset-text").get_text()
    start = soup.select_one("form#new-version")
    assert start["action"] == f"/programmes/{in_use.id}/new-version"
    shown = {row.th.get_text(strip=True): row.select("td")[-1].get_text(strip=True)
             for row in soup.select("table")[1].select("tbody tr")}
    assert shown == {c.title: str(c.min_count) for c in in_use.components}


def test_a_save_to_a_version_a_cohort_uses_changes_nothing(client, lead, in_use):
    before = _counts(in_use)
    data = {f"component-{c.id}": "9" for c in in_use.components}
    response = client.post(f"/programmes/{in_use.id}", data=data)
    assert response.status_code == 409
    assert error_summary(page(response)) == [
        "A cohort uses this version, so its counts and months cannot change. Start a new "
        "version to make changes."]
    assert _counts(in_use) == before


def test_the_operation_refuses_a_version_a_cohort_uses(org, in_use):
    lead = factories.user(org, roles=["programme_lead"])
    first = in_use.components[0]
    with pytest.raises(building.ProgrammeFrozen):
        operations.update_settings(lead, in_use, {first.id: first.min_count + 1}, {})


def test_a_draft_version_keeps_its_inputs(client, lead, in_use):
    draft = building.new_version(lead, in_use)
    db.session.commit()
    soup = page(client.get(f"/programmes/{draft.id}"))
    assert len(soup.select("input[name^=component-]")) == len(draft.components)
    assert soup.select_one("form#new-version") is None
