"""Recording, reading, correcting and reviewing panel decisions through the web pages."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.core.db import db
from portal.notifications.models import Notification
from portal.panels import agenda, corrections, decision_views, decisions
from portal.panels import operations as panels
from portal.panels.models import DecisionReviewRequest, PanelDecision
from portal.portfolios.models import Portfolio
from tests import factories
from tests.conftest import assert_no_duplicate_ids, error_summary, page, sign_in

SOON = date.today() + timedelta(days=60)


def _client(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def _domains(item):
    from portal.assessment.reports.operations import pcf_domains

    return pcf_domains(item.portfolio)


def date_boxes(text: str) -> list[str]:
    """A date as the day, month and year boxes send it ('2027-06-01' or '31/02/2027')."""
    if "-" in text:
        year, month, day = text.split("-")
    else:
        day, month, year = text.split("/")
    return [day, month, year]


def _form(item, code="approved", rationale="Consistent, reflective practice.", actions=(),
          due="", domains=2):
    data = {"version": str(item.version), "code": code, "rationale": rationale,
            "domain_ids": [str(d.id) for d in _domains(item)[:domains]]}
    if due:
        data["evidence_due_on"] = date_boxes(due)
    for number, (what, who, by) in enumerate(actions, start=1):
        data.update({f"action_{number}-description": what, f"action_{number}-owner": who,
                     f"action_{number}-due_on": date_boxes(by)})
    return data


def _record_url(item):
    return f"/decisions/record/{item.panel_id}/{item.id}"


def _text(response) -> str:
    return re.sub(r"\s+", " ", page(response).get_text(" "))


def _state(item) -> str:
    db.session.expire_all()
    return db.session.get(Portfolio, item.portfolio_id).state


def _decisions() -> int:
    db.session.commit()
    return db.session.scalar(select(func.count(PanelDecision.id)))


def _decide(council, item, **kwargs):
    """A decision recorded directly (not through the form); committed."""
    details = decisions.DecisionDetails(
        code=kwargs.pop("code", "approved"), rationale=kwargs.pop("rationale", "Good."),
        domain_ids=[d.id for d in _domains(item)[:2]], **kwargs)
    decision = decisions.record_decision(council["chair"], item, item.version, details,
                                      date.today())
    db.session.commit()
    return decision


ACTION = ("Complete a third observation", "Candidate", SOON.isoformat())


@pytest.mark.parametrize(("code", "label", "extra", "state"), [
    ("approved", "Approved", {}, "decided"),
    ("approved-with-actions", "Approved with development actions",
     {"actions": [ACTION]}, "decided"),
    ("deferred", "Deferred: more evidence needed by a date",
     {"actions": [ACTION], "due": SOON.isoformat()}, "returned"),
    ("not-approved", "Not approved", {"actions": [ACTION]}, "decided"),
])
def test_the_chair_records_each_kind_of_decision(app, council, panel_with_item, code, label,
                                                 extra, state):
    _panel, item = panel_with_item
    chair = _client(app, council["chair"])
    form = chair.get(_record_url(item))
    assert form.status_code == 200
    soup = page(form)
    assert_no_duplicate_ids(soup)
    assert soup.select_one("input[name=version]")["value"] == str(item.version)
    assert len(soup.select("input[name=domain_ids]")) == 9
    # Every group of fields has its question above it.
    legends = {legend.get_text(strip=True) for legend in soup.select("legend")}
    assert {"Decision", "If deferred: further evidence due by", "Action 1", "By when",
            "PCF domains the rationale refers to"} <= legends
    response = chair.post(_record_url(item), data=_form(item, code=code, **extra))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    decision = db.session.scalar(select(PanelDecision))
    assert response.headers["Location"] == f"/decisions/{decision.id}"
    assert (decision.decision_code, len(decision.domains)) == (code, 2)
    assert _state(item) == state
    shown = chair.get(f"/decisions/{decision.id}")
    assert shown.status_code == 200 and label in shown.get_data(as_text=True)
    # The form is not offered again once the decision is recorded.
    assert chair.get(_record_url(item)).status_code == 303


def test_problems_are_explained_and_everything_typed_is_kept(app, council, panel_with_item):
    _panel, item = panel_with_item
    chair = _client(app, council["chair"])
    response = chair.post(_record_url(item), data=_form(
        item, code="", rationale="Careful words about practice", actions=[ACTION]))
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.string.startswith("Error: ")
    assert error_summary(soup) == ["Choose a decision"]
    assert soup.select_one(".govuk-error-summary a")["href"] == "#code"
    assert soup.select_one("#code") is not None
    assert soup.select_one("#rationale").get_text() == "Careful words about practice"
    assert len(soup.select("input[name=domain_ids][checked]")) == 2
    assert soup.select_one("#action_1-description").get_text() == ACTION[0]
    assert soup.select_one("#action_1-owner")["value"] == "Candidate"
    assert [soup.select_one(f"#action_1-due_on-{part}")["value"]
            for part in ("day", "month", "year")] == date_boxes(ACTION[2])
    assert_no_duplicate_ids(soup)

    response = chair.post(_record_url(item), data=_form(item, code="approved-with-actions"))
    assert error_summary(page(response)) == [
        "Add at least one action with an owner and a deadline"]
    assert page(response).select_one(".govuk-error-summary a")["href"] == \
        "#action_1-description"

    response = chair.post(_record_url(item), data=_form(item, code="deferred",
                                                         actions=[ACTION]))
    soup = page(response)
    assert error_summary(soup) == ["Enter a future date by which the further evidence is due"]
    assert soup.select_one("#evidence_due_on") is not None
    assert soup.select_one("input[name=code][value=deferred]").has_attr("checked")

    response = chair.post(_record_url(item), data=_form(
        item, code="not-approved", actions=[("Repeat", "Lead", "31/02/2027")]))
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Enter a real date for action 1"]

    response = chair.post(_record_url(item), data=_form(item, domains=0))
    assert error_summary(page(response)) == [
        "Choose the framework domains the rationale refers to"]
    assert page(response).select_one("#domain_ids")["type"] == "checkbox"
    assert _decisions() == 0


def test_members_and_everyone_else_get_404_on_the_form(app, council, panel_with_item):
    _panel, item = panel_with_item
    other_org = factories.organisation()
    outsiders = [council["members"][0], council["lead"], council["assessor"],
                 factories.user(council["org"], roles=["panel_chair"]),
                 factories.user(other_org, roles=["panel_chair"])]
    for person in outsiders:
        client = _client(app, person)
        assert client.get(_record_url(item)).status_code == 404
        assert client.post(_record_url(item), data=_form(item)).status_code == 404
    wrong_panel = _client(app, council["chair"]).get(f"/decisions/record/999/{item.id}")
    assert wrong_panel.status_code == 404
    assert _decisions() == 0


def test_a_stale_page_gets_a_conflict_with_the_text_kept(app, council, panel_with_item):
    _panel, item = panel_with_item
    stale = _form(item, code="not-approved", rationale="My lost rationale",
                  actions=[("Write it again", "Chair", SOON.isoformat())])
    chair = _client(app, council["chair"])
    _decide(council, item, rationale="The winning rationale")
    response = chair.post(_record_url(item), data=stale)
    assert response.status_code == 409
    soup = page(response)
    text = soup.get_text()
    assert "Another decision was recorded" in text
    assert soup.select_one("#rationale-kept").get_text() == "My lost rationale"
    assert "Write it again" in text
    assert "The winning rationale" in text and "Approved" in text
    assert_no_duplicate_ids(soup)
    assert _decisions() == 1


def test_a_double_submit_records_one_decision(app, council, panel_with_item):
    _panel, item = panel_with_item
    chair = _client(app, council["chair"])
    data = _form(item)
    first = chair.post(_record_url(item), data=data)
    second = chair.post(_record_url(item), data=data)
    assert (first.status_code, second.status_code) == (303, 409)
    assert "Another decision was recorded" in second.get_data(as_text=True)
    assert _decisions() == 1


def test_the_unique_index_refusing_a_racing_submit_is_a_conflict(app, council,
                                                                  panel_with_item,
                                                                  monkeypatch):
    _panel, item = panel_with_item

    def racing(*args, **kwargs):
        raise IntegrityError("INSERT INTO panel_decision", {}, Exception("unique"))

    monkeypatch.setattr(decisions, "record_decision", racing)
    response = _client(app, council["chair"]).post(_record_url(item), data=_form(item))
    assert response.status_code == 409
    assert "Another decision was recorded" in response.get_data(as_text=True)
    assert _decisions() == 0


def test_a_deferral_reopens_the_portfolio_and_the_candidate_sees_what_to_do(
        app, council, panel_with_item):
    _panel, item = panel_with_item
    response = _client(app, council["chair"]).post(_record_url(item), data=_form(
        item, code="deferred", actions=[ACTION], due=SOON.isoformat()))
    assert response.status_code == 303
    assert _state(item) == "returned"
    candidate = _client(app, item.portfolio.candidate)
    shown = candidate.get(response.headers["Location"])
    text = page(shown).get_text(" ")
    assert "Your panel decision" in text and "reopened" in text
    assert ACTION[0] in text
    assert f"{SOON.day} {SOON:%B %Y}" in text
    mine = candidate.get("/decisions/mine").get_data(as_text=True)
    assert "Deferred: more evidence needed by a date" in mine
    assert f"Further evidence due by {SOON.day} {SOON:%B %Y}" in mine


def test_the_candidate_downloads_the_outcome_letter(app, council, panel_with_item):
    _panel, item = panel_with_item
    decision = _decide(council, item, code="approved-with-actions",
                       actions=[("Lead a team discussion", "Candidate", SOON)])
    candidate = _client(app, item.portfolio.candidate)
    shown = page(candidate.get(f"/decisions/{decision.id}"))
    link = shown.find("a", string="Download your outcome letter (PDF)")
    assert link["href"] == f"/decisions/{decision.id}/letter.pdf"
    response = candidate.get(link["href"])
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    assert _client(app, council["lead"]).get(link["href"]).status_code == 200

    another = factories.user(council["org"], roles=["candidate"])
    assert _client(app, another).get(link["href"]).status_code == 404
    assert _client(app, council["members"][0]).get(link["href"]).status_code == 404


def test_the_letter_says_who_what_and_the_level_reached(app, council, panel_with_item):
    _panel, item = panel_with_item
    decision = _decide(council, item)
    with app.test_request_context():
        from flask import render_template

        from portal.organisations.models import Organisation
        from portal.panels.models import CareerLevelRecord

        html = render_template(
            "panels/letter.html", decision=decision, portfolio=item.portfolio,
            council=db.session.get(Organisation, council["org"].id),
            level=db.session.scalar(select(CareerLevelRecord)),
            approvals=decision_views.APPROVALS)
    for expected in (council["org"].name, item.portfolio.candidate.name,
                     item.portfolio.programme.name, "Approved", "Career level reached",
                     f"{date.today().day} {date.today():%B %Y}"):
        assert expected in html
    assert "http" not in html and "<link" not in html and "<img" not in html


def test_a_correction_is_a_new_record_and_the_chain_is_shown(app, council, panel_with_item):
    _panel, item = panel_with_item
    original = _decide(council, item)
    chair = _client(app, council["chair"])
    form = chair.get(f"/decisions/{original.id}/correct")
    assert form.status_code == 200
    assert page(form).select_one("#rationale").get_text() == "Good."
    missing_reason = chair.post(f"/decisions/{original.id}/correct", data=_form(item))
    assert missing_reason.status_code == 400
    assert error_summary(page(missing_reason)) == [
        "Explain why the decision is being corrected"]
    response = chair.post(f"/decisions/{original.id}/correct", data={
        **_form(item, code="not-approved", actions=[ACTION]),
        "reason": "The wrong code was chosen in the meeting"})
    assert response.status_code == 303
    correction = db.session.scalar(select(PanelDecision).where(
        PanelDecision.corrects_id == original.id))
    db.session.expire_all()
    assert db.session.get(PanelDecision, original.id).decision_code == "approved"
    new_page = _text(chair.get(f"/decisions/{correction.id}"))
    assert f"corrects decision {original.id}" in new_page
    assert "The wrong code was chosen in the meeting" in new_page
    old_page = _text(chair.get(f"/decisions/{original.id}"))
    assert f"corrected by decision {correction.id}" in old_page
    # Only the latest decision can be corrected; members cannot correct at all.
    again = chair.post(f"/decisions/{original.id}/correct", data={
        **_form(item), "reason": "Again"})
    assert again.status_code == 400
    assert "Only the portfolio&#39;s latest decision" in again.get_data(as_text=True)
    member = _client(app, council["members"][0])
    assert member.get(f"/decisions/{correction.id}/correct").status_code == 404
    assert _decisions() == 2


def test_review_requests_within_the_window_once(app, council, panel_with_item, monkeypatch):
    _panel, item = panel_with_item
    decision = _decide(council, item)
    url = f"/decisions/{decision.id}/review-request"
    candidate = _client(app, item.portfolio.candidate)
    assert "Ask for a review" in candidate.get(f"/decisions/{decision.id}").get_data(
        as_text=True)
    empty = candidate.post(url, data={"reasons": " "})
    assert empty.status_code == 400
    assert error_summary(page(empty)) == ["Explain why you are asking for a review"]
    assert candidate.post(url, data={"reasons": "The panel missed my observation"}
                          ).status_code == 303
    shown = candidate.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert "Waiting for the programme lead" in shown
    twice = candidate.post(url, data={"reasons": "Again"})
    assert twice.status_code == 400 and "already asked" in twice.get_data(as_text=True)
    assert db.session.scalar(select(func.count(DecisionReviewRequest.id))) == 1
    lead_notes = db.session.scalars(select(Notification).where(
        Notification.recipient_id == council["lead"].id,
        Notification.message.contains("review"))).all()
    assert len(lead_notes) == 1
    # Other people cannot ask on the candidate's behalf.
    assert _client(app, council["lead"]).post(url, data={"reasons": "x"}).status_code == 404


def test_a_review_request_after_the_window_is_refused(app, council, panel_with_item,
                                                       monkeypatch):
    _panel, item = panel_with_item
    decision = _decide(council, item)
    late = date.today() + timedelta(days=app.config["REVIEW_WINDOW_DAYS"] + 1)
    monkeypatch.setattr(decision_views, "today_in_england", lambda: late)
    candidate = _client(app, item.portfolio.candidate)
    shown = candidate.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert "The time to ask for a review" in shown and 'name="reasons"' not in shown
    response = candidate.post(f"/decisions/{decision.id}/review-request",
                              data={"reasons": "Too late?"})
    assert response.status_code == 400
    assert "has passed" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(DecisionReviewRequest.id))) == 0


def test_the_programme_lead_records_the_review_outcome(app, council, panel_with_item):
    _panel, item = panel_with_item
    decision = _decide(council, item)
    review = corrections.request_review(item.portfolio.candidate, decision, "Please look again",
                                   date.today())
    db.session.commit()
    lead = _client(app, council["lead"])
    listing = lead.get("/decisions/reviews")
    assert listing.status_code == 200
    assert item.portfolio.candidate.name in listing.get_data(as_text=True)
    assert "Waiting" in listing.get_data(as_text=True)
    assert page(lead.get(f"/decisions/reviews/{review.id}")).select_one(
        "legend").get_text(strip=True) == "Outcome"
    no_choice = lead.post(f"/decisions/reviews/{review.id}", data={"outcome_notes": "Hmm"})
    assert no_choice.status_code == 400
    assert error_summary(page(no_choice)) == ["Choose the outcome of the review"]
    assert page(no_choice).select_one("#outcome_notes").get_text() == "Hmm"
    done = lead.post(f"/decisions/reviews/{review.id}",
                     data={"outcome": "upheld", "outcome_notes": "The decision stands"})
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(DecisionReviewRequest, review.id).outcome == "upheld"
    candidate_notes = db.session.scalars(select(Notification.message).where(
        Notification.recipient_id == item.portfolio.candidate_id)).all()
    assert "The review of your panel decision has been decided." in candidate_notes
    # Members, chairs and other councils' leads do not see review requests.
    assert _client(app, council["chair"]).get("/decisions/reviews").status_code == 403
    other_lead = factories.user(factories.organisation(), roles=["programme_lead"])
    assert _client(app, other_lead).get(f"/decisions/reviews/{review.id}").status_code == 404


def test_recording_a_decision_notifies_candidate_assessor_and_leads(app, council,
                                                                    panel_with_item):
    _panel, item = panel_with_item
    response = _client(app, council["chair"]).post(_record_url(item), data=_form(item))
    link = response.headers["Location"]
    recipients = {n.recipient_id for n in db.session.scalars(select(Notification).where(
        Notification.link == link))}
    assert {item.portfolio.candidate_id, council["lead"].id} <= recipients
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.recipient_id == council["assessor"].id,
        Notification.message.contains("panel decision"))) == 1


def test_members_see_the_reference_not_the_name_until_revealed(app, council,
                                                                panel_with_item):
    _panel, item = panel_with_item
    decision = _decide(council, item)
    name = item.portfolio.candidate.name
    member = _client(app, council["members"][0])
    before = member.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert item.reference in before and name not in before
    assert name not in _client(app, council["chair"]).get(
        f"/decisions/{decision.id}").get_data(as_text=True)
    assert name in _client(app, council["lead"]).get(
        f"/decisions/{decision.id}").get_data(as_text=True)
    agenda.reveal_identity(council["chair"], db.session.get(type(item), item.id))
    db.session.commit()
    assert name in member.get(f"/decisions/{decision.id}").get_data(as_text=True)


def test_who_may_read_a_decision(app, council, panel_with_item):
    _panel, item = panel_with_item
    decision = _decide(council, item)
    url = f"/decisions/{decision.id}"
    allowed = [council["chair"], council["members"][0], council["lead"], council["assessor"],
               item.portfolio.candidate]
    refused = [factories.user(council["org"], roles=["candidate"]),
               factories.user(council["org"], roles=["panel_member"]),
               factories.user(factories.organisation(), roles=["programme_lead"])]
    for person in allowed:
        assert _client(app, person).get(url).status_code == 200, person.roles
    for person in refused:
        assert _client(app, person).get(url).status_code == 404, person.roles
    assert _client(app, council["chair"]).get("/decisions/999999").status_code == 404


def test_a_rationale_with_markup_is_shown_as_text(app, council, panel_with_item):
    _panel, item = panel_with_item
    chair = _client(app, council["chair"])
    response = chair.post(_record_url(item), data=_form(
        item, rationale='<script>alert("x")</script><b>bold</b>'))
    body = chair.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in body and "<b>bold" not in body
    assert "&lt;script&gt;alert(" in body


def test_a_resubmission_goes_to_a_later_panel_with_the_history(app, council,
                                                                panel_with_item):
    from portal.assessment.reports import operations as reports
    from portal.portfolios import operations as portfolio_operations

    _panel, item = panel_with_item
    deferral = _decide(council, item, code="deferred", evidence_due_on=SOON,
                       actions=[("Add a third observation", "Candidate", SOON)])
    portfolio = db.session.get(Portfolio, item.portfolio_id)
    portfolio_operations.submit_for_panel(portfolio.candidate, portfolio, [])
    report = reports.start_assessment(council["assessor"], portfolio)
    reports.save_draft(council["assessor"], report, reports.ReportContent(
        summary="Now complete.", ratings={d.id: ("on_track", "") for d in _domains(item)},
        holistic_assessment="Meets the level.", recommendation="pass"))
    reports.sign_off(council["assessor"], report)
    later = panels.create_panel(council["lead"], panels.PanelDetails(
        title="ASYE panel, April", sits_on=SOON, chair_id=council["chair"].id,
        member_ids=[m.id for m in council["members"]],
        programme_ids=[portfolio.programme_id]))
    next_item = agenda.place_on_agenda(council["lead"], later, portfolio)
    db.session.commit()
    form = _client(app, council["chair"]).get(_record_url(next_item))
    assert form.status_code == 200
    text = _text(form)
    assert "Earlier panel decisions on this portfolio" in text
    assert "Add a third observation" in text
    assert page(form).find("a", href=f"/decisions/{deferral.id}") is not None


def test_two_submits_at_the_same_moment_record_one_decision(app, council, panel_with_item):
    """Two tabs (or a double click) post the same page at once: one decision, no 500."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row-level concurrency is exercised on PostgreSQL (SQLite locks the file)")
    import threading

    _panel, item = panel_with_item
    data = _form(item)
    clients = [_client(app, council["chair"]) for _ in range(2)]
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    url = _record_url(item)

    def submit(client, token):
        with app.app_context():
            barrier.wait()
            statuses.append(client.post(url, data={**data, "csrf_token": token}).status_code)

    threads = [threading.Thread(target=submit, args=(c, c.csrf_token())) for c in clients]
    db.session.commit()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [303, 409]
    assert _decisions() == 1
