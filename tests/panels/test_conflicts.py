"""Conflicts of interest: the candidate, their current and previous assessors and their
line manager cannot sit on, or decide, the candidate's agenda item. Warned when the panel
is made or changed and when the item is added; refused at the decision."""

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.accounts.models import UserRole
from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.db import db
from portal.panels import agenda, attendance, conflicts, decisions
from portal.panels.errors import PanelError
from portal.panels.models import PanelDecision
from tests import factories
from tests.conftest import page
from tests.panels.conftest import approval, client_for, everyone_present, new_panel, ready_for_panel


def grant(user, role: str) -> None:
    """Give an existing account one more role (an assessor who also sits on panels)."""
    user.role_grants.append(UserRole(role=role))
    db.session.flush()




def test_who_has_a_conflict_with_a_candidate(council):
    org, lead = council["org"], council["lead"]
    portfolio = ready_for_panel(org, lead, council["assessor"])
    candidate = portfolio.candidate
    earlier = factories.user(org, roles=["assessor", "panel_member"])
    manager = factories.user(org, roles=["line_manager", "panel_member"])
    old_manager = factories.user(org, roles=["line_manager", "panel_member"])
    assign(lead, candidate, earlier, AssignmentRole.ASSESSOR, date(2025, 6, 1))
    assign(lead, candidate, council["assessor"], AssignmentRole.ASSESSOR, date(2025, 9, 1))
    assign(lead, candidate, old_manager, AssignmentRole.LINE_MANAGER, date(2025, 6, 1))
    assign(lead, candidate, manager, AssignmentRole.LINE_MANAGER, date(2025, 9, 1))
    found = conflicts.conflicted_people({candidate.id})[candidate.id]
    assert found == {candidate.id: "candidate", council["assessor"].id: "assessor",
                     earlier.id: "previous_assessor", manager.id: "line_manager"}
    assert council["chair"].id not in found and old_manager.id not in found


def test_a_conflicted_member_is_warned_of_when_the_item_is_added(app, council):
    """The assessor also sits on panels: the lead is told when the portfolio goes on."""
    grant(council["assessor"], "panel_member")
    portfolio = ready_for_panel(council["org"], council["lead"], council["assessor"])
    panel = new_panel(council, portfolio.programme_id,
                      member_ids=[m.id for m in council["members"]] + [council["assessor"].id])
    db.session.commit()
    lead = client_for(app, council["lead"])
    # Once the panel is made, the portfolios ready for it show who would be conflicted.
    ready = page(lead.get(f"/panels/{panel.id}/manage"))
    row = ready.select_one(f"input[name=portfolio_id][value='{portfolio.id}']").find_parent("tr")
    assert "Helen Shaw" in row.get_text(" ")
    response = lead.post(f"/panels/{panel.id}/agenda", data={"portfolio_id": portfolio.id},
                         follow_redirects=True)
    text = page(response).get_text(" ")
    assert "Conflict of interest: Helen Shaw is the candidate's assessor" in text
    assert "They cannot sit on or decide that portfolio." in text
    # The manage page keeps saying so.
    manage = page(lead.get(f"/panels/{panel.id}/manage"))
    assert "Helen Shaw is the candidate's assessor" in manage.select_one("#conflicts").get_text()


def test_a_conflict_is_warned_of_when_the_panel_changes(app, council, panel_with_item):
    panel, item = panel_with_item
    grant(council["assessor"], "panel_member")
    db.session.commit()
    response = client_for(app, council["lead"]).post(f"/panels/{panel.id}/edit", data={
        "title": panel.title, "sits_on": [str(panel.sits_on.day), str(panel.sits_on.month),
                                          str(panel.sits_on.year)],
        "programme_ids": [str(item.portfolio.programme_id)], "chair_id": str(panel.chair_id),
        "member_ids": [str(m.id) for m in council["members"]] + [str(council["assessor"].id)],
        "min_members": "3"}, follow_redirects=True)
    assert response.status_code == 200
    assert f"Helen Shaw is the candidate's assessor ({item.reference})" in \
        page(response).get_text(" ")


def test_a_conflicted_member_does_not_sit_on_the_item(app, council):
    grant(council["assessor"], "panel_member")
    portfolio = ready_for_panel(council["org"], council["lead"], council["assessor"])
    panel = new_panel(council, portfolio.programme_id,
                      member_ids=[m.id for m in council["members"]] + [council["assessor"].id])
    item = agenda.place_on_agenda(council["lead"], panel, portfolio)
    db.session.commit()
    assessor = client_for(app, council["assessor"])
    agenda_page = page(assessor.get(f"/panels/{panel.id}"))
    assert "You have a conflict of interest" in agenda_page.get_text(" ")
    assert agenda_page.find("a", href=f"/panels/{panel.id}/items/{item.id}") is None
    assert assessor.get(f"/panels/{panel.id}/items/{item.id}").status_code == 404
    assert assessor.post(f"/panels/{panel.id}/items/{item.id}/notes",
                         data={"notes": "x"}).status_code == 404
    with pytest.raises(PanelError, match="conflict of interest"):
        agenda.save_member_note(council["assessor"], item, "x", None)
    # Other members sit on it as usual.
    member = client_for(app, council["members"][0])
    assert member.get(f"/panels/{panel.id}/items/{item.id}").status_code == 200


def test_a_conflicted_chair_cannot_decide(app, council):
    """The chair is the candidate's line manager: refused, and the page says why."""
    portfolio = ready_for_panel(council["org"], council["lead"], council["assessor"])
    grant(council["chair"], "line_manager")
    assign(council["lead"], portfolio.candidate, council["chair"], AssignmentRole.LINE_MANAGER,
           date(2025, 9, 1))
    panel = new_panel(council, portfolio.programme_id)
    item = agenda.place_on_agenda(council["lead"], panel, portfolio)
    everyone_present(panel)
    db.session.commit()
    with pytest.raises(PanelError, match="Margaret Doyle is the candidate's line manager"):
        decisions.record_decision(council["chair"], item, item.version, approval(item),
                                  panel.sits_on)
    db.session.rollback()
    chair = client_for(app, council["chair"])
    form = page(chair.get(f"/decisions/record/{panel.id}/{item.id}"))
    assert "conflict of interest" in form.select_one("#not-ready").get_text()
    assert form.select_one("form textarea#rationale") is None
    assert db.session.scalar(select(func.count(PanelDecision.id))) == 0


def test_conflicted_members_do_not_count_towards_the_quorum(council):
    """Three members and a quorum of three: one of them assesses the candidate."""
    grant(council["assessor"], "panel_member")
    portfolio = ready_for_panel(council["org"], council["lead"], council["assessor"])
    panel = new_panel(council, portfolio.programme_id,
                      member_ids=[council["members"][0].id, council["assessor"].id])
    item = agenda.place_on_agenda(council["lead"], panel, portfolio)
    everyone_present(panel)
    quorum = attendance.item_quorum(item)
    assert (quorum.sitting, quorum.needed, quorum.met) == (2, 3, False)
    with pytest.raises(PanelError, match="needs 3 members present without a conflict of "
                                         "interest, including the chair, and has 2"):
        decisions.record_decision(council["chair"], item, item.version, approval(item),
                                  panel.sits_on)
