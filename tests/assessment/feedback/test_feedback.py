"""The feedback thread on an evidence entry between the candidate and their assessor."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.assessment.models import EvidenceFeedback
from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.notifications.models import Notification
from tests import factories
from tests.conftest import assert_no_duplicate_ids, error_summary, page, sign_in


@pytest.fixture
def people(org):
    """A candidate with an entry linked to elements 1 and 2 (of three), and their assessor."""
    candidate, fw = factories.candidate_with_framework(org, elements=3)
    lead = factories.user(org, roles=["programme_lead"])
    assessor = factories.user(org, roles=["assessor"], name="Asha Assessor")
    assign(lead, candidate, assessor, AssignmentRole.ASSESSOR, date.today())
    first, second, third = fw.elements
    entry = factories.evidence_entry(candidate, links=[(first, "Why one"), (second, "Why two")])
    return {"candidate": candidate, "assessor": assessor, "lead": lead, "entry": entry,
            "linked": first, "also_linked": second, "unlinked": third}


def _messages(entry):
    db.session.expire_all()
    return db.session.scalars(select(EvidenceFeedback).where(
        EvidenceFeedback.entry_id == entry.id).order_by(EvidenceFeedback.id)).all()


def _notes(user):
    return db.session.scalars(select(Notification).where(
        Notification.recipient_id == user.id).order_by(Notification.id)).all()


def _url(entry):
    return f"/evidence/{entry.id}/feedback"


def test_assessor_and_candidate_write_to_each_other(client, people):
    entry, candidate, assessor = people["entry"], people["candidate"], people["assessor"]
    sign_in(client, assessor)
    response = client.post(_url(entry), data={"body": "Tell me more about the visit."})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/evidence/{entry.id}#feedback"
    notes = _notes(candidate)
    assert [(n.message, n.link) for n in notes][-1] == (
        "Your assessor replied about an entry", f"/evidence/{entry.id}")

    client.post("/sign-out")
    sign_in(client, candidate)
    response = client.post(_url(entry), data={"body": "I will add the plan."})
    assert response.status_code == 303
    assert _notes(assessor)[-1].link == f"/evidence/{entry.id}"
    assert [m.body for m in _messages(entry)] == ["Tell me more about the visit.",
                                                  "I will add the plan."]
    assert {m.kind for m in _messages(entry)} == {"comment"}

    soup = page(client.get(f"/evidence/{entry.id}"))
    thread = soup.select_one("#feedback")
    assert "Tell me more about the visit." in thread.get_text()
    assert "Asha Assessor" in thread.get_text()
    assert soup.select_one("#feedback form textarea[name=body]") is not None
    # The candidate is not offered the assessor's choices.
    assert soup.select_one("#feedback input[name=kind]") is None
    assert_no_duplicate_ids(soup)
    # Audit rows carry identifiers only, never the message.
    details = db.session.scalars(select(AuditEvent.details).where(
        AuditEvent.action == "evidence_feedback_added")).all()
    assert len(details) == 2
    assert all("Tell me" not in str(d) and "plan" not in str(d) for d in details)


def test_htmx_post_swaps_the_thread_and_announces_it(client, people):
    entry = people["entry"]
    sign_in(client, people["candidate"])
    response = client.htmx_post(_url(entry), data={"body": "First reply"})
    assert response.status_code == 200
    soup = page(response)
    assert soup.select_one("html") is None  # a fragment, not a page
    assert "First reply" in soup.get_text()
    status = soup.select_one("#feedback-status")
    assert status["hx-swap-oob"] == "innerHTML"
    assert status.get_text(strip=True) == "Message added"
    # The form comes back empty for the next message.
    assert soup.select_one("textarea[name=body]").get_text(strip=True) == ""
    assert "Vary" in response.headers and "HX-Request" in response.headers["Vary"]


def test_the_page_has_a_live_region_for_the_status(client, people):
    sign_in(client, people["candidate"])
    soup = page(client.get(f"/evidence/{people['entry'].id}"))
    status = soup.select_one("#feedback #feedback-status")
    assert status["role"] == "status"
    form = soup.select_one("#feedback form")
    assert form["action"] == form["hx-post"] == _url(people["entry"])
    assert form["hx-target"] == "#feedback-thread"


@pytest.mark.parametrize(("body", "message"), [
    ("", "Enter a message"),
    ("   ", "Enter a message"),
    ("x" * 5001, "Message must be 5,000 characters or fewer"),
])
def test_a_message_is_required_and_not_too_long(client, people, body, message):
    sign_in(client, people["candidate"])
    response = client.post(_url(people["entry"]), data={"body": body})
    assert response.status_code == 400
    soup = page(response)
    assert message in error_summary(soup)
    assert soup.title.get_text().startswith("Error: ")
    assert _messages(people["entry"]) == []

    response = client.htmx_post(_url(people["entry"]), data={"body": body})
    assert response.status_code == 400
    assert message in error_summary(page(response))


def test_five_thousand_characters_is_fine(client, people):
    sign_in(client, people["candidate"])
    assert client.post(_url(people["entry"]), data={"body": "y" * 5000}).status_code == 303


def test_the_assessor_accepts_an_entry_for_a_linked_element(client, people):
    entry, element = people["entry"], people["linked"]
    sign_in(client, people["assessor"])
    soup = page(client.get(f"/evidence/{entry.id}"))
    offered = {i["value"] for i in soup.select("#feedback input[name=element_id]")}
    assert offered == {str(people["linked"].id), str(people["also_linked"].id)}

    response = client.post(_url(entry), data={
        "body": "This shows it well.", "kind": "accepted", "element_id": str(element.id)})
    assert response.status_code == 303
    [message] = _messages(entry)
    assert (message.kind, message.element_id) == ("accepted", element.id)
    soup = page(client.get(f"/evidence/{entry.id}"))
    assert f"Accepted as evidence of {element.label}" in soup.select_one(
        "#feedback").get_text()


def test_the_assessor_asks_for_more(client, people):
    entry = people["entry"]
    sign_in(client, people["assessor"])
    client.post(_url(entry), data={"body": "Add your analysis.", "kind": "more_needed",
                                   "element_id": str(people["linked"].id)})
    [message] = _messages(entry)
    assert (message.kind, message.element_id) == ("more_needed", None)
    assert "More evidence needed" in page(client.get(f"/evidence/{entry.id}")).select_one(
        "#feedback").get_text()


@pytest.mark.parametrize("element", ["unlinked", "missing", "junk"])
def test_acceptance_only_for_an_element_the_entry_links_to(client, people, element):
    value = {"unlinked": str(people["unlinked"].id), "missing": "", "junk": "abc"}[element]
    sign_in(client, people["assessor"])
    response = client.post(_url(people["entry"]), data={
        "body": "Accepted", "kind": "accepted", "element_id": value})
    assert response.status_code == 400
    assert "Select the framework element this entry is evidence of" in error_summary(
        page(response))
    assert _messages(people["entry"]) == []


def test_an_unknown_kind_is_refused(client, people):
    sign_in(client, people["assessor"])
    response = client.post(_url(people["entry"]), data={"body": "Hi", "kind": "passed"})
    assert response.status_code == 400
    assert _messages(people["entry"]) == []


def test_a_candidate_cannot_write_assessor_fields(client, people):
    """Extra form fields from a candidate are ignored: their message is a plain comment."""
    entry = people["entry"]
    sign_in(client, people["candidate"])
    response = client.post(_url(entry), data={
        "body": "Please accept this", "kind": "accepted",
        "element_id": str(people["linked"].id)})
    assert response.status_code == 303
    [message] = _messages(entry)
    assert (message.kind, message.element_id, message.author_id) == (
        "comment", None, people["candidate"].id)


def test_an_unassigned_assessor_gets_404(client, people, org):
    other = factories.user(org, roles=["assessor"])
    sign_in(client, other)
    assert client.get(f"/evidence/{people['entry'].id}").status_code == 404
    assert client.post(_url(people["entry"]), data={"body": "Hi"}).status_code == 404
    assert _messages(people["entry"]) == []


def test_another_candidate_gets_404(client, people, org):
    sign_in(client, factories.user(org, roles=["candidate"]))
    assert client.post(_url(people["entry"]), data={"body": "Hi"}).status_code == 404


def test_a_previous_assessor_reads_but_cannot_post(client, people, org):
    entry = people["entry"]
    sign_in(client, people["assessor"])
    client.post(_url(entry), data={"body": "Before I handed over."})
    client.post("/sign-out")
    successor = factories.user(org, roles=["assessor"])
    assign(people["lead"], people["candidate"], successor, AssignmentRole.ASSESSOR,
           date.today() + timedelta(days=1))
    sign_in(client, people["assessor"])

    soup = page(client.get(f"/evidence/{entry.id}"))
    assert "Before I handed over." in soup.select_one("#feedback").get_text()
    assert soup.select_one("#feedback form") is None
    response = client.post(_url(entry), data={"body": "One more thing", "kind": "accepted",
                                              "element_id": str(people["linked"].id)})
    assert response.status_code == 404
    assert len(_messages(entry)) == 1


def test_the_new_assessor_is_told_when_the_candidate_replies(client, people, org):
    successor = factories.user(org, roles=["assessor"])
    assign(people["lead"], people["candidate"], successor, AssignmentRole.ASSESSOR,
           date.today() + timedelta(days=1))
    sign_in(client, people["candidate"])
    client.post(_url(people["entry"]), data={"body": "Hello"})
    assert len(_notes(successor)) == 2  # assigned, then the reply
    assert _notes(successor)[-1].link == f"/evidence/{people['entry'].id}"
    assert not any("replied" in n.message for n in _notes(people["assessor"]))


def test_signed_out_visitors_are_sent_to_sign_in(client, people):
    db.session.commit()
    response = client.post(_url(people["entry"]), data={"body": "Hi"})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in")


def test_what_is_typed_is_escaped_in_the_thread(client, people):
    entry = people["entry"]
    sign_in(client, people["candidate"])
    script = '<script>alert("x")</script>\n<img src=x onerror=alert(1)>'
    client.post(_url(entry), data={"body": script})
    for response in (client.get(f"/evidence/{entry.id}"),
                     client.htmx_post(_url(entry), data={"body": "again"})):
        html = response.get_data(as_text=True)
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert" in html


def test_each_message_sets_whose_turn_it_is_and_keeps_the_changed_time(people):
    """The work queue reads the entry's feedback_status instead of every thread; the
    entry's own "changed" time is the candidate's, so feedback leaves it alone."""
    from portal.assessment.feedback import operations as feedback

    entry, candidate, assessor = people["entry"], people["candidate"], people["assessor"]
    db.session.commit()
    changed = entry.updated_at
    assert entry.feedback_status is None
    for author, status in [(assessor, "awaiting_candidate"), (candidate, "awaiting_assessor"),
                           (assessor, "awaiting_candidate")]:
        feedback.add_message(author, entry, "A message")
        db.session.commit()
        db.session.refresh(entry)
        assert (entry.feedback_status, entry.updated_at) == (status, changed)


def test_the_database_refuses_an_unknown_feedback_status(people):
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    from portal.evidence.models import EvidenceEntry

    with pytest.raises(IntegrityError):
        db.session.execute(update(EvidenceEntry).where(EvidenceEntry.id == people["entry"].id)
                           .values(feedback_status="staff"))
    db.session.rollback()
