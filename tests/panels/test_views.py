"""Panel pages: leads create panels and set agendas; members read anonymised portfolios and
record notes; only members see a panel; only the chair reveals; leads read the timeline."""

from datetime import date

import pytest
from sqlalchemy import select

from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.panels import agenda, decisions
from portal.panels.models import AgendaItem, MemberNote, Panel
from tests import factories
from tests.conftest import (
    assert_no_duplicate_ids,
    count_queries,
    error_summary,
    page,
    sign_in,
)
from tests.panels.conftest import ready_for_panel

CANDIDATE_NAME = "Olusegun Babatunde"
TEAM_NAME = "Riverside Family Safeguarding"
ASSESSOR_NAME = "Helen Shaw"  # the council fixture's assessor
IDENTIFYING = (CANDIDATE_NAME, TEAM_NAME, ASSESSOR_NAME)
TODAY = date(2027, 1, 20)


def _identify_candidate(council, item: AgendaItem) -> None:
    """Give the candidate a distinctive name and team, so a leak is easy to spot."""
    candidate = item.portfolio.candidate
    candidate.name = CANDIDATE_NAME
    candidate.team_id = factories.team(council["org"], TEAM_NAME).id
    db.session.commit()


def _decide(council, item: AgendaItem) -> None:
    from portal.assessment.reports.operations import pcf_domains

    item = db.session.get(AgendaItem, item.id)
    domains = pcf_domains(item.portfolio)
    decisions.record_decision(council["chair"], item, item.version, decisions.DecisionDetails(
        code="approved", rationale="Consistent, reflective practice.",
        domain_ids=[d.id for d in domains[:2]]), TODAY)
    db.session.commit()


def _panel_form(council, programme_id, **changes) -> dict:
    data = {
        "title": "ASYE panel, March", "sits_on": ["17", "3", "2027"],
        "programme_ids": [str(programme_id)],
        "chair_id": str(council["chair"].id),
        "member_ids": [str(m.id) for m in council["members"]], "min_members": "3",
    }
    data.update(changes)
    return data


def _signed_in(app, user):
    """A fresh client signed in as `user` (signing in again on one client keeps the first
    person signed in)."""
    client = app.test_client()
    sign_in(client, user)
    return client


def _assert_anonymous(html: str) -> None:
    for name in IDENTIFYING:
        assert name not in html, f"{name!r} appears in the page"


# Creating panels -----------------------------------------------------------------------
def test_a_lead_creates_a_panel(client, council):
    portfolio = ready_for_panel(council["org"], council["lead"], council["assessor"])
    sign_in(client, council["lead"])
    form_page = client.get("/panels/new")
    assert form_page.status_code == 200
    assert_no_duplicate_ids(page(form_page))
    assert "Margaret Doyle" in form_page.get_data(as_text=True)

    response = client.post("/panels/new", data=_panel_form(council, portfolio.programme_id))
    assert response.status_code == 303
    panel = db.session.scalar(select(Panel))
    assert response.headers["Location"] == f"/panels/{panel.id}/manage"
    assert (panel.title, panel.sits_on, panel.min_members) == (
        "ASYE panel, March", date(2027, 3, 17), 3)
    assert len(panel.members) == 3
    listing = client.get("/panels/")
    assert "ASYE panel, March" in listing.get_data(as_text=True)
    assert "Create a panel" in listing.get_data(as_text=True)


@pytest.mark.parametrize(("changes", "message"), [
    ({"member_ids": []}, "A panel needs at least 3 members including the chair"),
    ({"chair_id": ""}, "Select the chair of the panel"),
    ({"min_members": "4"}, "A panel needs at least 4 members including the chair"),
    ({"sits_on": ["31", "2", "2027"]}, "Enter the date of the panel as a real date"),
])
def test_panel_form_errors_keep_what_was_typed(client, council, changes, message):
    portfolio = ready_for_panel(council["org"], council["lead"], council["assessor"])
    sign_in(client, council["lead"])
    response = client.post("/panels/new",
                           data=_panel_form(council, portfolio.programme_id, **changes))
    assert response.status_code == 400
    soup = page(response)
    assert any(message in problem for problem in error_summary(soup))
    assert soup.title.get_text().startswith("Error:")
    assert soup.select_one("input[name=title]")["value"] == "ASYE panel, March"
    assert soup.select_one("input[name=programme_ids]").has_attr("checked")
    assert_no_duplicate_ids(soup)
    assert db.session.scalar(select(Panel)) is None


def test_only_leads_and_administrators_organise_panels(client, council):
    sign_in(client, council["members"][0])
    assert client.get("/panels/").status_code == 403
    assert client.get("/panels/new").status_code == 403


# The agenda ------------------------------------------------------------------------------
def test_a_lead_places_a_portfolio_on_the_agenda(client, council, panel_with_item):
    panel, _item = panel_with_item
    waiting = ready_for_panel(council["org"], council["lead"], council["assessor"])
    waiting.candidate.name = "Fatima Hussain"
    db.session.commit()
    sign_in(client, council["lead"])
    manage = client.get(f"/panels/{panel.id}/manage")
    assert manage.status_code == 200
    assert "Fatima Hussain" in manage.get_data(as_text=True)
    assert_no_duplicate_ids(page(manage))

    response = client.post(f"/panels/{panel.id}/agenda", data={"portfolio_id": waiting.id})
    assert response.status_code == 303
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.portfolio_id == waiting.id))
    assert item.panel_id == panel.id
    db.session.refresh(waiting)
    assert waiting.state == "at_panel"
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "agenda_item_added", AuditEvent.object_id == item.id))
    manage = client.get(f"/panels/{panel.id}/manage").get_data(as_text=True)
    assert item.reference in manage and "Fatima Hussain" in manage
    assert f"/panels/timeline/{waiting.id}" in manage

    # Already on an open agenda: refused with a message, nothing added.
    again = client.post(f"/panels/{panel.id}/agenda", data={"portfolio_id": waiting.id},
                        follow_redirects=True)
    assert "already on an open agenda" in again.get_data(as_text=True)
    assert len(db.session.scalars(select(AgendaItem)).all()) == 2


# Who sees a panel --------------------------------------------------------------------
def _panel_urls(panel, item):
    return [f"/panels/{panel.id}", f"/panels/{panel.id}/items/{item.id}"]


def test_non_members_get_404(app, client, council, panel_with_item):
    panel, item = panel_with_item
    outsider = factories.user(council["org"], roles=["panel_member"])
    for person in (outsider, council["lead"], council["assessor"], item.portfolio.candidate):
        client = _signed_in(app, person)
        for url in _panel_urls(panel, item):
            assert client.get(url).status_code == 404, (person.name, url)
        assert client.post(f"/panels/{panel.id}/items/{item.id}/notes",
                           data={"notes": "x"}).status_code == 404
        assert client.post(f"/panels/{panel.id}/items/{item.id}/reveal").status_code == 404
    assert db.session.scalar(select(MemberNote)) is None


def test_another_councils_people_get_404(app, client, panel_with_item):
    panel, item = panel_with_item
    other = factories.organisation()
    for roles in (["panel_chair", "panel_member"], ["programme_lead"], ["administrator"]):
        client = _signed_in(app, factories.user(other, roles=roles))
        urls = _panel_urls(panel, item)
        if "panel_chair" not in roles:
            urls += [f"/panels/{panel.id}/manage", f"/panels/timeline/{item.portfolio_id}"]
        for url in urls:
            assert client.get(url).status_code == 404, (roles, url)
        assert client.post(f"/panels/{panel.id}/agenda", data={
            "portfolio_id": item.portfolio_id}).status_code == (403 if "panel_chair" in roles
                                                                else 404)


def test_members_see_their_panels(client, council, panel_with_item):
    panel, item = panel_with_item
    sign_in(client, council["members"][1])
    mine = client.get("/panels/mine").get_data(as_text=True)
    assert "ASYE panel, January" in mine
    agenda = client.get(f"/panels/{panel.id}")
    assert agenda.status_code == 200
    assert item.reference in agenda.get_data(as_text=True)
    assert_no_duplicate_ids(page(agenda))


# Anonymity ---------------------------------------------------------------------------------
def test_anonymity_holds_everywhere_until_the_chair_reveals(app, client, council, panel_with_item):
    panel, item = panel_with_item
    _identify_candidate(council, item)
    member = council["members"][0]
    sign_in(client, member)
    item_url = f"/panels/{panel.id}/items/{item.id}"

    agenda = client.get(f"/panels/{panel.id}").get_data(as_text=True)
    item_page = client.get(item_url)
    assert item_page.status_code == 200
    assert_no_duplicate_ids(page(item_page))
    item_html = item_page.get_data(as_text=True)
    assert item.reference in item_html and "The assessor" in item_html
    assert "Meets the ASYE level." in item_html  # the final report's holistic assessment
    fragment = client.htmx_post(f"{item_url}/notes", {"notes": "Clear analysis.",
                                                       "provisional_view": "approved"})
    assert fragment.status_code == 200
    invalid = client.htmx_post(f"{item_url}/notes", {"provisional_view": "maybe"})
    assert invalid.status_code == 400
    for html in (agenda, item_html, fragment.get_data(as_text=True),
                 invalid.get_data(as_text=True),
                 client.htmx_get(item_url).get_data(as_text=True),
                 client.get("/panels/mine").get_data(as_text=True)):
        _assert_anonymous(html)

    # Decided but not yet revealed: still anonymous.
    _decide(council, item)
    for url in (f"/panels/{panel.id}", item_url):
        _assert_anonymous(client.get(url).get_data(as_text=True))

    client = _signed_in(app, council["chair"])
    waiting_page = client.get(item_url).get_data(as_text=True)
    assert "Record the panel" not in waiting_page  # decided: no decision link any more
    chair_page = client.get(item_url).get_data(as_text=True)
    _assert_anonymous(chair_page)
    assert "Reveal identity" in chair_page
    assert client.post(f"{item_url}/reveal").status_code == 303
    assert db.session.get(AgendaItem, item.id).identity_revealed_at is not None

    client = _signed_in(app, member)
    for url in (f"/panels/{panel.id}", item_url):
        html = client.get(url).get_data(as_text=True)
        assert CANDIDATE_NAME in html and TEAM_NAME in html and ASSESSOR_NAME in html


def test_names_in_free_text_are_blanked_for_members(council, panel_with_item, app):
    from portal.panels.anonymity import anonymiser

    _panel, item = panel_with_item
    _identify_candidate(council, item)
    anonymise = anonymiser(db.session.get(AgendaItem, item.id))
    text = (f"{CANDIDATE_NAME} ({TEAM_NAME}) talked with Helen; Babatunde agreed with "
            f"{ASSESSOR_NAME}.")
    hidden = anonymise(text)
    for word in (*IDENTIFYING, "Helen", "Babatunde", "Riverside"):
        assert word not in hidden
    assert item.reference in hidden


# Notes and provisional views ------------------------------------------------------------
def test_a_member_saves_notes_and_a_provisional_view(app, client, council, panel_with_item):
    panel, item = panel_with_item
    member = council["members"][0]
    sign_in(client, member)
    url = f"/panels/{panel.id}/items/{item.id}/notes"

    response = client.post(url, data={"notes": "Strong on analysis.",
                                      "provisional_view": "approved_with_actions"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/items/{item.id}#member-notes")
    note = db.session.scalar(select(MemberNote))
    assert (note.member_id, note.notes, note.provisional_view) == (
        member.id, "Strong on analysis.", "approved_with_actions")
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "provisional_view_recorded"))
    assert (event.actor_id, event.object_id, event.details["view"]) == (
        member.id, item.id, "approved_with_actions")

    agenda = client.get(f"/panels/{panel.id}").get_data(as_text=True)
    assert "Approve with development actions" in agenda
    item_page = page(client.get(f"/panels/{panel.id}/items/{item.id}"))
    assert item_page.select_one("textarea[name=notes]").get_text().strip() == \
        "Strong on analysis."

    # With htmx: only the form comes back, with the confirmation for the live region.
    fragment = client.htmx_post(url, {"notes": "Changed my mind.", "provisional_view": ""})
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200
    assert "<html" not in html
    assert 'id="member-notes-status" hx-swap-oob="innerHTML"' in html
    assert "Your notes have been saved." in html
    db.session.expire_all()
    assert db.session.scalar(select(MemberNote)).provisional_view is None

    # Another member cannot read them.
    client = _signed_in(app, council["members"][1])
    assert "Changed my mind." not in client.get(
        f"/panels/{panel.id}/items/{item.id}").get_data(as_text=True)


def test_a_bad_view_is_refused_without_javascript(client, council, panel_with_item):
    panel, item = panel_with_item
    sign_in(client, council["members"][0])
    response = client.post(f"/panels/{panel.id}/items/{item.id}/notes",
                           data={"notes": "Kept", "provisional_view": "maybe"})
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Error:")
    assert "Choose a provisional view" in " ".join(error_summary(soup))
    assert soup.select_one("textarea[name=notes]").get_text().strip() == "Kept"
    assert db.session.scalar(select(MemberNote)) is None


def test_only_the_chair_is_offered_the_decision_form(app, council, panel_with_item):
    panel, item = panel_with_item
    url = f"/panels/{panel.id}/items/{item.id}"
    with app.test_request_context():
        from flask import url_for

        decision_url = url_for("decisions.record", panel_id=panel.id, item_id=item.id)
    chair_page = _signed_in(app, council["chair"]).get(url).get_data(as_text=True)
    assert f'href="{decision_url}"' in chair_page
    member_page = _signed_in(app, council["members"][0]).get(url).get_data(as_text=True)
    assert decision_url not in member_page


# Revealing identity ---------------------------------------------------------------------------
def test_members_cannot_reveal_and_the_chair_only_after_the_decision(app, client, council,
                                                                     panel_with_item):
    panel, item = panel_with_item
    url = f"/panels/{panel.id}/items/{item.id}/reveal"
    sign_in(client, council["chair"])
    refused = client.post(url, follow_redirects=True)
    assert "once the panel has decided" in refused.get_data(as_text=True)
    assert "Reveal identity" not in client.get(
        f"/panels/{panel.id}/items/{item.id}").get_data(as_text=True)

    _decide(council, item)
    client = _signed_in(app, council["members"][0])
    assert "Reveal identity" not in client.get(
        f"/panels/{panel.id}/items/{item.id}").get_data(as_text=True)
    refused = client.post(url, follow_redirects=True)
    assert "Only the chair" in refused.get_data(as_text=True)
    assert db.session.get(AgendaItem, item.id).identity_revealed_at is None
    assert not db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "identity_revealed"))


# The timeline ---------------------------------------------------------------------------------
def test_the_timeline_shows_every_step_to_leads_only(app, client, council, panel_with_item):
    _panel, item = panel_with_item
    agenda.save_member_note(council["members"][0], db.session.get(AgendaItem, item.id),
                            "Notes", "approved")
    db.session.commit()
    _decide(council, item)
    agenda.reveal_identity(council["chair"], db.session.get(AgendaItem, item.id))
    db.session.commit()
    url = f"/panels/timeline/{item.portfolio_id}"

    for person in (council["lead"], factories.user(council["org"], roles=["administrator"])):
        client = _signed_in(app, person)
        response = client.get(url)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        steps = ["Chair revealed the candidate", "Panel decision recorded",
                 "Panel member recorded notes and a provisional view",
                 "Placed on a panel agenda", "report signed off",
                 "Submitted for the panel"]
        assert all(step in html for step in steps), html
        positions = [html.index(step) for step in steps]
        assert positions == sorted(positions), "newest first"
        assert "Margaret Doyle" in html and "Grace Adeyemi" in html
        assert_no_duplicate_ids(page(response))

    for person in (council["chair"], council["members"][0], item.portfolio.candidate,
                   council["assessor"]):
        client = _signed_in(app, person)
        assert client.get(url).status_code == 404


# Queries ---------------------------------------------------------------------------------
def test_the_agenda_page_runs_a_bounded_number_of_queries(client, council, panel_with_item):
    panel, item = panel_with_item
    member = council["members"][0]
    sign_in(client, member)
    url = f"/panels/{panel.id}"
    client.get(url)
    with count_queries() as one_item:
        assert client.get(url).status_code == 200

    waiting_names = []
    for _ in range(3):
        portfolio = ready_for_panel(council["org"], council["lead"], council["assessor"])
        waiting_names.append(portfolio.candidate.name)
        added = agenda.place_on_agenda(council["lead"], db.session.get(Panel, panel.id),
                                       portfolio)
        agenda.save_member_note(member, added, "Notes", "deferred")
    db.session.commit()
    _decide(council, item)
    agenda.reveal_identity(council["chair"], db.session.get(AgendaItem, item.id))
    db.session.commit()
    with count_queries() as four_items:
        response = client.get(url)
    assert response.status_code == 200
    # user, panel, agenda, and the conflicts of interest (items, assignments)
    assert len(four_items) == len(one_item) <= 5, four_items

    rows = page(response).select("tbody tr")
    assert len(rows) == 4
    candidate = db.session.get(AgendaItem, item.id).portfolio.candidate
    revealed = rows[0].get_text(" ", strip=True)
    assert candidate.name in revealed and "Approve" in revealed
    assert f"assessor {council['assessor'].name}" in revealed
    for row, name in zip(rows[1:], waiting_names, strict=True):  # not revealed: no name
        text = row.get_text(" ", strip=True)
        assert "Defer: more evidence needed by a date" in text  # this member's view
        assert "Waiting for the panel" in text
        assert name not in text and council["assessor"].name not in text
