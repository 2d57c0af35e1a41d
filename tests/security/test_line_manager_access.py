"""A line manager sees their candidate's portfolio, but not the reflections in the evidence
log (portal/assignments/access.py, portal/evidence/access.py): neither the live entry nor
the copy of it frozen in a submitted snapshot, which holds the reflections themselves."""

from datetime import date

from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.db import db
from portal.portfolios import operations
from tests import factories
from tests.conftest import sign_in
from tests.portfolios.conftest import make_portfolio

SECRET = "The father disclosed his drinking during the visit"


def test_a_line_manager_cannot_read_reflections_through_a_submitted_snapshot(app, org):
    lead = factories.user(org, roles=["programme_lead"])
    manager = factories.user(org, roles=["line_manager"])
    portfolio = make_portfolio(org, start=date(2025, 9, 1))
    candidate = portfolio.candidate
    assign(lead, candidate, manager, AssignmentRole.LINE_MANAGER, date(2025, 9, 1))
    entry = factories.evidence_entry(candidate, reflection=SECRET)
    operations.include_entry(candidate, portfolio, entry, None)
    snapshot = operations.submit_for_panel(candidate, portfolio, [])
    db.session.commit()

    client = app.test_client()
    sign_in(client, manager)
    overview = client.get(f"/portfolios/{portfolio.id}")
    assert overview.status_code == 200  # the manager follows the portfolio...
    assert SECRET not in overview.get_data(as_text=True)
    # ...but neither the live entry nor its frozen copy in the submission opens.
    for url in (f"/evidence/{entry.id}", f"/portfolios/{portfolio.id}/snapshots/{snapshot.id}"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET not in response.get_data(as_text=True)
