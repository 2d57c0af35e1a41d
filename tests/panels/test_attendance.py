"""A decision only on or after the panel's date, with attendance recorded by the chair,
the chair present and a quorum; and deactivating a member of an upcoming panel warns
about its quorum."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditEvent
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.panels import attendance, decisions
from portal.panels.errors import PanelError
from portal.panels.models import PanelDecision, PanelMember
from tests import factories
from tests.conftest import error_summary, page
from tests.panels.conftest import approval, client_for, new_panel, ready_for_panel


def _decide(council, item, today):
    return decisions.record_decision(council["chair"], item, item.version, approval(item),
                                     today)


def _present(panel, *people) -> set[int]:
    return {person.id for person in people}


def _decisions() -> int:
    return db.session.scalar(select(func.count(PanelDecision.id)))


def test_no_decision_before_the_panels_date(app, council, upcoming_panel_with_item):
    panel, item = upcoming_panel_with_item
    with pytest.raises(PanelError, match="on or after the panel's date"):
        _decide(council, item, panel.sits_on - timedelta(days=1))
    db.session.rollback()
    chair = client_for(app, council["chair"])
    form = page(chair.get(f"/decisions/record/{panel.id}/{item.id}"))
    assert "on or after the panel's date" in form.select_one("#not-ready").get_text()
    assert form.select_one("#rationale") is None
    posted = chair.post(f"/decisions/record/{panel.id}/{item.id}", data={
        "version": str(item.version), "code": "approved", "rationale": "Kept words",
        "domain_ids": [str(i) for i in approval(item).domain_ids]})
    assert posted.status_code == 400
    soup = page(posted)
    assert any("on or after the panel's date" in e for e in error_summary(soup))
    assert soup.select_one("#rationale").get_text() == "Kept words"
    assert _decisions() == 0


def test_attendance_is_recorded_by_the_chair_on_or_after_the_date(app, council,
                                                                  upcoming_panel_with_item):
    panel, _item = upcoming_panel_with_item
    everyone = {m.user_id for m in panel.members}
    with pytest.raises(PanelError, match="on or after the panel's date"):
        attendance.record_attendance(council["chair"], panel, everyone,
                                     panel.sits_on - timedelta(days=1))
    with pytest.raises(PanelError, match="Only the panel chair"):
        attendance.record_attendance(council["members"][0], panel, everyone, panel.sits_on)
    outsider = factories.user(council["org"], roles=["panel_member"])
    with pytest.raises(PanelError, match="Choose members of this panel"):
        attendance.record_attendance(council["chair"], panel, everyone | {outsider.id},
                                     panel.sits_on)
    attendance.record_attendance(council["chair"], panel, everyone - {council["members"][1].id},
                                 panel.sits_on)
    db.session.commit()
    present = dict(db.session.execute(select(PanelMember.user_id, PanelMember.present).where(
        PanelMember.panel_id == panel.id)).all())
    assert present == {council["chair"].id: True, council["members"][0].id: True,
                       council["members"][1].id: False}
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "panel_attendance_recorded")) == 1


def test_the_attendance_page_is_the_chairs(app, council, panel_with_item):
    panel, item = panel_with_item
    url = f"/panels/{panel.id}/attendance"
    for person in [council["members"][0], council["lead"], council["assessor"]]:
        assert client_for(app, person).get(url).status_code == 404
    chair = client_for(app, council["chair"])
    form = page(chair.get(url))
    assert len(form.select("input[name=present_ids][checked]")) == 3
    assert form.select_one("legend").get_text(strip=True) == "Who is present"
    assert "at least 3 members are present" in form.get_text(" ")
    outsider = factories.user(council["org"], roles=["panel_member"])
    db.session.commit()
    junk = chair.post(url, data={"present_ids": [str(council["chair"].id), str(outsider.id)]})
    assert junk.status_code == 400
    assert error_summary(page(junk)) == ["Choose members of this panel"]
    done = chair.post(url, data={"present_ids": [str(council["chair"].id),
                                                 str(council["members"][0].id)]})
    assert done.status_code == 303 and done.headers["Location"] == f"/panels/{panel.id}"
    db.session.expire_all()
    quorum = attendance.item_quorum(db.session.get(type(item), item.id))
    assert (quorum.recorded, quorum.sitting, quorum.met) == (True, 2, False)


def test_no_decision_without_attendance_the_chair_or_a_quorum(council):
    portfolio = ready_for_panel(council["org"], council["lead"], council["assessor"])
    panel = new_panel(council, portfolio.programme_id)
    from portal.panels import agenda

    item = agenda.place_on_agenda(council["lead"], panel, portfolio)
    today = today_in_england()
    chair, first, second = council["chair"], *council["members"]
    with pytest.raises(PanelError, match="Record who is present"):
        _decide(council, item, today)
    attendance.record_attendance(chair, panel, _present(panel, first, second), today)
    with pytest.raises(PanelError, match="The chair must be recorded as present"):
        _decide(council, item, today)
    attendance.record_attendance(chair, panel, _present(panel, chair, first), today)
    with pytest.raises(PanelError, match=r"not quorate.*needs 3 members.*has 2"):
        _decide(council, item, today)
    attendance.record_attendance(chair, panel, _present(panel, chair, first, second), today)
    assert _decide(council, item, today).outcome == "approved"
    with pytest.raises(PanelError, match="can no longer change"):
        attendance.record_attendance(chair, panel, _present(panel, chair), today)


def test_a_smaller_quorum_is_the_panels_choice(council):
    """A panel made with a quorum of two decides with the chair and one member."""
    from portal.panels import agenda

    portfolio = ready_for_panel(council["org"], council["lead"], council["assessor"])
    panel = new_panel(council, portfolio.programme_id, min_members=2)
    item = agenda.place_on_agenda(council["lead"], panel, portfolio)
    attendance.record_attendance(council["chair"], panel,
                                 _present(panel, council["chair"], council["members"][0]),
                                 today_in_england())
    assert _decide(council, item, today_in_england()).outcome == "approved"


# Deactivating a member of an upcoming panel ------------------------------------------------
def test_deactivating_a_member_warns_about_the_quorum(app, council, upcoming_panel_with_item):
    panel, _item = upcoming_panel_with_item
    admin = factories.user(council["org"], roles=["administrator"])
    member = council["members"][0]
    db.session.commit()
    client = client_for(app, admin)
    warning = (f"'{panel.title}' on {panel.sits_on.day} {panel.sits_on:%B %Y} would have 2 "
               "active members, fewer than its quorum of 3: add a member to it.")
    shown = page(client.get(f"/admin/users/{member.id}"))
    assert warning in shown.select_one(".govuk-warning-text").get_text(" ")
    done = client.post(f"/admin/users/{member.id}/deactivate", follow_redirects=True)
    assert warning in page(done).get_text(" ")
    # The chair's panel needs a new chair; a past or cancelled panel says nothing.
    assert page(client.get(f"/admin/users/{council['chair'].id}")).find(
        string=lambda s: s and "Margaret Doyle chairs" in s) is not None


def test_no_warning_for_past_panels_or_a_panel_that_keeps_its_quorum(app, council,
                                                                     panel_with_item):
    panel, _item = panel_with_item
    panel.sits_on = today_in_england() - timedelta(days=1)
    bigger = new_panel(council, panel.programmes[0].id,
                       sits_on=today_in_england() + timedelta(days=5),
                       member_ids=[m.id for m in council["members"]] + [
                           factories.user(council["org"], roles=["panel_member"]).id])
    db.session.commit()
    assert bigger.has_member(council["members"][0].id)
    assert attendance.deactivation_warnings(council["members"][0]) == []
