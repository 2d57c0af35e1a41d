"""Long text is never lost: autosaved drafts and expired sessions."""


from portal.core.db import db
from portal.evidence.models import EvidenceDraft, EvidenceEntry
from tests import factories
from tests.conftest import page, sign_in


def test_autosave_keeps_a_new_entry_and_refills_the_form(client, candidate):
    response = client.htmx_post("/evidence/drafts/new", data={
        "title": "Half-written", "reflection": "A long reflection\n\nwith paragraphs",
        "occurred_on": ["3", "10", "2026"], "links-0-reason": "because",
        "csrf_token": client.csrf_token()})
    assert response.status_code == 200
    assert "Draft saved at" in response.get_data(as_text=True)
    draft = db.session.scalar(db.select(EvidenceDraft))
    assert "csrf_token" not in draft.fields
    soup = page(client.get("/evidence/new"))
    assert soup.select_one("#title")["value"] == "Half-written"
    assert soup.select_one("#reflection").get_text() == "A long reflection\n\nwith paragraphs"
    assert soup.select_one("#occurred_on-day")["value"] == "3"
    assert soup.select_one("#links-0-reason")["value"] == "because"
    assert "We have put back the unsaved changes" in soup.get_text()


def test_saving_the_entry_clears_the_draft(client, candidate):
    client.htmx_post("/evidence/drafts/new", data={"title": "Draft"})
    response = client.post("/evidence/new", data={
        "title": "Done", "occurred_on": ["3", "10", "2026"], "evidence_type": "training"})
    assert response.status_code == 303
    assert db.session.scalar(db.select(db.func.count(EvidenceDraft.id))) == 0


def test_discarding_a_draft(client, candidate):
    client.htmx_post("/evidence/drafts/new", data={"title": "Draft"})
    assert client.post("/evidence/drafts/new/discard").status_code == 303
    assert page(client.get("/evidence/new")).select_one("#title").get("value", "") == ""


def test_an_edit_draft_is_kept_separately(client, candidate):
    entry = factories.evidence_entry(candidate, title="Saved title")
    db.session.commit()
    client.htmx_post(f"/evidence/drafts/entry-{entry.id}", data={"title": "Edited, unsaved"})
    assert page(client.get(f"/evidence/{entry.id}/edit")).select_one("#title")["value"] == \
        "Edited, unsaved"
    assert page(client.get("/evidence/new")).select_one("#title").get("value", "") == ""
    db.session.expire_all()
    assert db.session.get(EvidenceEntry, entry.id).title == "Saved title"


def test_drafts_are_private(client, candidate, org, app):
    client.htmx_post("/evidence/drafts/new", data={"title": "My private draft"})
    other, _ = factories.candidate_with_framework(org)
    other_client = app.test_client()
    sign_in(other_client, other)
    body = other_client.get("/evidence/new").get_data(as_text=True)
    assert "My private draft" not in body


def test_a_bad_draft_key_is_not_found(client, candidate):
    assert client.htmx_post("/evidence/drafts/entry-abc", data={}).status_code == 404
    assert client.htmx_post("/evidence/drafts/entry-999999", data={}).status_code == 404


def test_an_expired_session_while_writing_keeps_the_page(app, client, candidate):
    # The session cookie is gone (expired); the htmx save is refused without replacing
    # the form: the message goes to the live region instead.
    client.delete_cookie("portal_session")
    response = client.htmx_post("/evidence/drafts/new", data={"title": "Unsaved words"},
                                csrf_header=False)
    assert response.status_code in {400, 401}
    assert response.headers["HX-Retarget"] == "#notifications"
    assert "Your session has ended" in response.get_data(as_text=True)


def test_an_expired_session_on_submit_keeps_the_page(client, candidate):
    client.delete_cookie("portal_session")
    response = client.post("/evidence/new", data={"title": "x"},
                           headers={"HX-Request": "true"}, csrf=False)
    assert response.headers["HX-Retarget"] == "#notifications"
