"""The redaction assistant and the approved anonymised copy: proposals from every layer,
each reviewed, approval recording who and when, audit rows, access and CSRF."""

import re

from sqlalchemy import select

from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.packs.copies.models import AnonymisedCopy, Decision, RedactionDecision
from tests import factories
from tests.conftest import sign_in
from tests.packs.conftest import client_for, submission  # noqa: F401 (fixture)
from tests.panels.conftest import council  # noqa: F401 (fixture)


def _url(submission, tail: str = "") -> str:  # noqa: F811
    return (f"/portfolios/{submission.portfolio.id}/snapshots/{submission.snapshot.id}"
            f"/anonymised-copy{tail}")


def _actions() -> list[str]:
    return [event.action for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("anonymised_copy.%"))
        .order_by(AuditEvent.id))]


def _start(client, submission):  # noqa: F811
    page = client.get(_url(submission))
    assert page.status_code == 200 and "Find identifying details" in page.get_data(as_text=True)
    form_key = re.search(r'name="form_key"[^>]*value="([^"]+)"', page.get_data(as_text=True))[1]
    response = client.post(_url(submission), data={"form_key": form_key})
    assert response.status_code == 303
    return db.session.scalar(select(AnonymisedCopy))


def _review_data(copy, **overrides) -> dict:
    """Accept every pending proposal unless `overrides` says otherwise
    ({found: (choice, label)})."""
    data = {}
    pending = [d for d in copy.decisions if d.decision == Decision.PENDING]
    for index, decision in enumerate(pending):
        choice, label = overrides.get(decision.found, ("accepted", ""))
        data[f"proposals-{index}-decision_id"] = str(decision.id)
        data[f"proposals-{index}-choice"] = choice
        data[f"proposals-{index}-own_label"] = label
    return data


def test_the_assistant_proposes_known_names_in_every_form(app, submission, council):  # noqa: F811
    client = client_for(app, council["lead"])
    copy = _start(client, submission)
    found = {(d.found, d.kind, d.proposed_label) for d in copy.decisions}
    assert ("Aisha Singh", "candidate", "[Candidate]") in found  # the reflection
    assert ("Aisha_Singh", "candidate", "[Candidate]") in found  # Aisha_Singh_court-statement.pdf
    assert ("Helen Shaw", "assessor", "[Assessor]") in found
    assert all(d.decision == Decision.PENDING for d in copy.decisions)
    page = client.get(_url(submission)).get_data(as_text=True)
    assert "<mark>Aisha_Singh</mark>_court-statement.pdf" in page
    assert _actions() == ["anonymised_copy.started"]
    # Asking again (another tab) makes no second copy.
    assert _start_again(client, submission) == 1


def _start_again(client, submission) -> int:  # noqa: F811
    page = client.get(_url(submission)).get_data(as_text=True)
    assert "Find identifying details" not in page
    return db.session.scalar(select(db.func.count()).select_from(AnonymisedCopy))


def test_review_then_approve_records_who_and_when(app, submission, council):  # noqa: F811
    lead = council["lead"]
    client = client_for(app, lead)
    copy = _start(client, submission)

    refused = client.post(_url(submission, "/approve"), data={})
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "<title>Error:" in html and "still to decide" in html

    missing = client.post(_url(submission, "/decisions"),
                          data=_review_data(copy, **{"Helen Shaw": ("changed", "")}))
    assert missing.status_code == 400 and "Enter what to show instead" in missing.get_data(
        as_text=True)

    saved = client.post(_url(submission, "/decisions"), data=_review_data(
        copy, **{"Helen Shaw": ("changed", "[Practice educator]"),
                 "Aisha_Singh": ("rejected", "")}))
    assert saved.status_code == 303
    db.session.expire_all()
    by_found = {d.found: d for d in db.session.scalars(select(RedactionDecision))}
    assert by_found["Helen Shaw"].replacement == "[Practice educator]"
    assert by_found["Aisha_Singh"].decision == Decision.REJECTED
    assert by_found["Aisha Singh"].decided_by_id == lead.id

    own = client.post(_url(submission, "/own"), data={"phrase": "first home visit",
                                                      "label": "[Visit]"})
    assert own.status_code == 303
    nowhere = client.post(_url(submission, "/own"), data={"phrase": "Sunnybank Primary",
                                                          "label": "[School]"})
    assert nowhere.status_code == 400 and "Sunnybank Primary" in nowhere.get_data(as_text=True)

    assert client.get(_url(submission, "/approved")).status_code == 404  # not yet approved
    approved = client.post(_url(submission, "/approve"), data={})
    assert approved.status_code == 303
    copy = db.session.scalar(select(AnonymisedCopy))
    assert copy.approved and copy.approved_by_id == lead.id and copy.approved_at is not None

    html = client.get(_url(submission, "/approved")).get_data(as_text=True)
    assert "[Candidate] talked the visit through with [Practice educator]" in html
    assert "[Visit]" in html and "Aisha_Singh_court-statement.pdf" in html  # rejected: kept
    assert "Approved by Grace Adeyemi" in html
    assert _actions() == ["anonymised_copy.started", "anonymised_copy.decided",
                          "anonymised_copy.added", "anonymised_copy.approved",
                          "anonymised_copy.viewed"]
    # Approved: nothing changes any more.
    late = client.post(_url(submission, "/own"), data={"phrase": "calmer", "label": "[X]"})
    assert late.status_code == 400 and "can no longer change" in late.get_data(as_text=True)


def test_only_the_councils_leads_reach_the_copy(app, submission,  # noqa: F811
                                                                   council):  # noqa: F811
    other_org = factories.organisation()
    outsiders = [factories.user(other_org, roles=["programme_lead"]),
                 factories.user(other_org, roles=["administrator"]),
                 submission.candidate, council["assessor"], council["members"][0],
                 # Administrators read no snapshots in the visibility table.
                 factories.user(council["org"], roles=["administrator"])]
    db.session.commit()
    for person in outsiders:
        client = client_for(app, person)
        assert client.get(_url(submission)).status_code == 404, person.roles
        assert client.post(_url(submission), data={}).status_code == 404
        assert client.post(_url(submission, "/approve"), data={}).status_code == 404
    client = client_for(app, council["lead"])
    assert client.get(_url(submission)).status_code == 200
    wrong_portfolio = (f"/portfolios/{submission.portfolio.id + 999}/snapshots/"
                       f"{submission.snapshot.id}/anonymised-copy")
    assert client.get(wrong_portfolio).status_code == 404


def test_every_post_needs_its_csrf_token(app, submission, council):  # noqa: F811
    client = app.test_client()
    sign_in(client, council["lead"])
    assert client.post(_url(submission), data={}, csrf=False).status_code == 400
    assert db.session.scalar(select(AnonymisedCopy)) is None
    _start(client, submission)
    for tail in ("/decisions", "/own", "/approve"):
        assert client.post(_url(submission, tail), data={"phrase": "calmer", "label": "[X]"},
                           csrf=False).status_code == 400
    assert not db.session.scalar(select(AnonymisedCopy)).approved


def test_the_snapshot_page_links_leads_to_the_assistant(app, submission, council):  # noqa: F811
    snapshot_url = (f"/portfolios/{submission.portfolio.id}/snapshots/"
                    f"{submission.snapshot.id}")
    lead_page = client_for(app, council["lead"]).get(snapshot_url).get_data(as_text=True)
    assert "redaction assistant" in lead_page
    own_page = client_for(app, submission.candidate).get(snapshot_url).get_data(as_text=True)
    assert "redaction assistant" not in own_page
