"""Creating, editing, linking and deleting evidence entries."""

from datetime import date, timedelta

import pytest

from portal.core.audit import AuditEvent
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.evidence.models import EvidenceEntry, EvidenceLink
from tests import factories
from tests.conftest import assert_no_duplicate_ids, error_summary, page, sign_in


def _form(**overrides):
    data = {
        "title": "Home visit with a family under a child in need plan",
        "occurred_on": ["3", "10", "2026"],
        "evidence_type": "critical_reflection",
        "reflection": "First paragraph.\r\n\r\nSecond paragraph.",
        "anonymised_confirmed": "y",
    }
    data.update(overrides)
    return data


def _links(fw, *pairs):
    data = {}
    for index, (position, reason) in enumerate(pairs):
        data[f"links-{index}-element_id"] = str(fw.elements[position].id)
        data[f"links-{index}-reason"] = reason
    return data


def test_a_candidate_records_an_entry_with_links(client, candidate):
    fw = candidate.test_framework
    response = client.post("/evidence/new", data=_form(**_links(
        fw, (0, "I explained my role plainly"), (2, "I weighed the risks"))))
    assert response.status_code == 303, page(response).get_text()[:500]
    entry = db.session.scalar(db.select(EvidenceEntry))
    assert response.headers["Location"] == f"/evidence/{entry.id}"
    assert entry.candidate_id == candidate.id
    assert entry.occurred_on == date(2026, 10, 3)
    assert entry.reflection == "First paragraph.\n\nSecond paragraph."
    assert entry.anonymised_confirmed
    assert [(link.element.code, link.reason) for link in entry.links] == [
        ("1", "I explained my role plainly"), ("3", "I weighed the risks")]
    assert "evidence_created" in db.session.scalars(db.select(AuditEvent.action)).all()
    shown = page(client.get(f"/evidence/{entry.id}"))
    assert [p.get_text() for p in shown.select(".portal-reflection p")] == [
        "First paragraph.", "Second paragraph."]


def test_the_form_offers_only_the_programmes_framework(client, candidate, org):
    other = factories.framework(code="kss", elements=2, title="Other framework")
    db.session.commit()
    soup = page(client.get("/evidence/new"))
    groups = [g["label"] for g in soup.select("#links-0-element_id optgroup")]
    assert groups == [f"PCF {candidate.test_framework.version}"]
    response = client.post("/evidence/new", data=_form(**_links(other, (0, "Not mine"))))
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(EvidenceEntry.id))) == 0
    assert_no_duplicate_ids(soup)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Enter a title"),
        ({"title": "x" * 201}, "Title must be 200 characters or fewer"),
        ({"occurred_on": ["", "", ""]}, "Enter the date of the practice or learning"),
        ({"occurred_on": ["31", "2", "2026"]}, "Enter a real date, like 27 3 2026"),
        ({"evidence_type": ""}, "Select the type of evidence"),
        ({"evidence_type": "gossip"}, "Not a valid choice."),
        ({"reflection": "I <b>really</b> listened"},
         "Reflections are plain text: remove the HTML tags (such as <b> or <p>)"),
    ],
)
def test_bad_input_is_explained_and_everything_typed_is_kept(client, candidate, overrides,
                                                            message):
    data = _form(**overrides)
    data["reflection"] = overrides.get("reflection", "A long reflection I must not lose.")
    response = client.post("/evidence/new", data=data)
    assert response.status_code == 400
    soup = page(response)
    assert message in error_summary(soup)
    assert soup.select_one("#reflection").get_text() == data["reflection"]
    assert soup.select_one("#title")["value"] == data["title"]
    assert soup.title.text.startswith("Error: ")
    assert db.session.scalar(db.select(db.func.count(EvidenceEntry.id))) == 0


def test_a_future_date_is_refused(client, candidate):
    tomorrow = today_in_england() + timedelta(days=1)
    response = client.post("/evidence/new", data=_form(
        occurred_on=[str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)]))
    assert response.status_code == 400
    assert "The date must be today or in the past" in error_summary(page(response))


def test_today_is_allowed(client, candidate):
    today = today_in_england()
    response = client.post("/evidence/new", data=_form(
        occurred_on=[str(today.day), str(today.month), str(today.year)]))
    assert response.status_code == 303


class TestLinks:
    def test_each_link_needs_a_reason(self, client, candidate):
        fw = candidate.test_framework
        response = client.post("/evidence/new", data=_form(**_links(fw, (0, ""))))
        assert response.status_code == 400
        soup = page(response)
        assert "Say in one line why this entry shows this element" in error_summary(soup)
        assert soup.select_one(".govuk-error-summary a")["href"] == "#links-0-reason"

    def test_a_reason_needs_an_element(self, client, candidate):
        response = client.post("/evidence/new", data=_form(**{"links-1-reason": "Because"}))
        assert response.status_code == 400
        assert "Choose the element this reason is for" in error_summary(page(response))

    def test_the_same_element_twice_is_refused(self, client, candidate):
        fw = candidate.test_framework
        response = client.post("/evidence/new", data=_form(**_links(fw, (0, "a"), (0, "b"))))
        assert response.status_code == 400
        assert "You have chosen this element twice" in error_summary(page(response))

    def test_at_most_the_configured_number_of_links(self, app, client, candidate):
        fw = candidate.test_framework
        data = _form(**_links(fw, (0, "a"), (1, "b"), (2, "c"), (3, "d")))
        response = client.post("/evidence/new", data=data)
        assert response.status_code == 303
        entry = db.session.scalar(db.select(EvidenceEntry))
        assert len(entry.links) == 3  # the fourth row is not offered or read

    def test_the_limit_is_configurable(self, app, client, candidate):
        app.config["EVIDENCE_MAX_LINKS"] = 1
        try:
            soup = page(client.get("/evidence/new"))
        finally:
            app.config["EVIDENCE_MAX_LINKS"] = 3
        assert len(soup.select(".portal-link-row")) == 1
        assert "Framework links (up to 1)" in soup.get_text()


def test_edit_an_entry_and_its_links(client, candidate):
    fw = candidate.test_framework
    entry = factories.evidence_entry(candidate, links=[(fw.elements[0], "old reason")])
    db.session.commit()
    soup = page(client.get(f"/evidence/{entry.id}/edit"))
    assert soup.select_one("#links-0-reason")["value"] == "old reason"
    response = client.post(f"/evidence/{entry.id}/edit", data=_form(
        title="Renamed", **_links(fw, (1, "new reason"))))
    assert response.status_code == 303
    db.session.expire_all()
    entry = db.session.get(EvidenceEntry, entry.id)
    assert entry.title == "Renamed"
    assert [(link.element.code, link.reason) for link in entry.links] == [("2", "new reason")]
    audit = db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "evidence_updated"))
    assert "links" in audit.details["fields"] and "title" in audit.details["fields"]


def test_delete_an_entry_after_confirming(client, candidate):
    entry = factories.evidence_entry(candidate, links=[(candidate.test_framework.elements[0],
                                                        "r")])
    db.session.commit()
    assert "Are you sure" in client.get(f"/evidence/{entry.id}/delete").get_data(as_text=True)
    response = client.post(f"/evidence/{entry.id}/delete")
    assert response.status_code == 303
    assert db.session.scalar(db.select(db.func.count(EvidenceEntry.id))) == 0
    assert db.session.scalar(db.select(db.func.count(EvidenceLink.id))) == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", ""), ("get", "/edit"), ("post", "/edit"), ("get", "/delete"), ("post", "/delete")],
)
def test_another_candidates_entry_is_not_found(client, candidate, org, method, path):
    other = factories.user(org, roles=["candidate"])
    entry = factories.evidence_entry(other, title="Someone else's reflection")
    db.session.commit()
    response = getattr(client, method)(f"/evidence/{entry.id}{path}")
    assert response.status_code == 404
    assert "Someone else" not in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(EvidenceEntry, entry.id) is not None


def test_another_candidates_entry_is_not_found_through_htmx(client, candidate, org):
    other = factories.user(org, roles=["candidate"])
    entry = factories.evidence_entry(other)
    db.session.commit()
    assert client.htmx_get(f"/evidence/{entry.id}").status_code == 404
    assert client.htmx_post(f"/evidence/drafts/entry-{entry.id}",
                            data={"title": "x"}).status_code == 404


@pytest.mark.parametrize("role", ["assessor", "administrator", "panel_member"])
def test_the_evidence_log_is_for_candidates(client, org, role):
    sign_in(client, factories.user(org, roles=[role]))
    assert client.get("/evidence/").status_code == 403
    assert client.get("/evidence/new").status_code == 403


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_titles_and_reasons_are_escaped_everywhere(client, candidate):
    fw = candidate.test_framework
    entry = factories.evidence_entry(candidate, title=XSS, reflection=XSS,
                                     links=[(fw.elements[0], XSS)])
    db.session.commit()
    for url in ("/evidence/", f"/evidence/{entry.id}", f"/evidence/{entry.id}/edit",
                f"/evidence/{entry.id}/delete", "/evidence/coverage", "/evidence/?q=script"):
        body = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in body, url
        assert "<img src=x" not in body, url


def test_too_many_files_at_once_is_refused_and_the_text_kept(app, client, candidate):
    import io

    app.config["MAX_FILES_PER_UPLOAD"] = 2
    try:
        files = [(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), f"plan{n}.pdf") for n in range(3)]
        response = client.post("/evidence/new", data={**_form(), "files": files},
                               content_type="multipart/form-data")
    finally:
        app.config["MAX_FILES_PER_UPLOAD"] = 5
    assert response.status_code == 400
    soup = page(response)
    assert "Choose 2 files or fewer at a time" in error_summary(soup)
    assert soup.select_one(".govuk-error-summary a")["href"] == "#files"
    assert "govuk-form-group--error" in soup.select_one("#files").parent["class"]
    assert page(response).select_one("#title")["value"] == _form()["title"]
    assert db.session.scalar(db.select(db.func.count(EvidenceEntry.id))) == 0
