"""Second review: a line manager sees their candidate's portfolio, not the evidence log's
reflections (portal/assessment/access.py, portal/evidence/access.py, and the assessor's
candidate page, where `sees_evidence` is False for line managers).

The submitted snapshot holds the reflections themselves, and
/portfolios/<id>/snapshots/<snapshot_id> uses `can_view_portfolio`, which lets the line
manager in, so the manager reads every reflection (and attachment name) that was
submitted.
"""

from datetime import date

from portal.assessment.models import AssignmentRole
from portal.assessment.operations import assign
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
    # The policy: the live entry is refused to the line manager...
    assert client.get(f"/evidence/{entry.id}").status_code == 404
    # ...but the frozen copy of the same reflection is shown.
    response = client.get(f"/portfolios/{portfolio.id}/snapshots/{snapshot.id}")
    assert SECRET not in response.get_data(as_text=True), (
        "the line manager reads the candidate's reflection in the snapshot")
