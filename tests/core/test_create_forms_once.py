"""Every create form sent twice makes one record (issue 18): each form as its page draws
it, sent twice with the same one-time key, as a double click does. The second request is
sent to what the first made. Runs on SQLite and PostgreSQL; the race of two requests at
the same moment, on separate connections, is at the end (PostgreSQL)."""

import io
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.assessment.models import EvidenceFeedback, Observation
from portal.assignments.models import Assignment
from portal.core.db import db
from portal.core.once import SENT_TWICE, FormSubmission
from portal.evidence.models import Attachment, EvidenceEntry
from portal.notifications.email_models import OutgoingEmail
from portal.organisations.models import Cohort, CohortMembership
from portal.panels.models import AgendaItem, DecisionReviewRequest, MemberNote, Panel, PanelDecision
from portal.portfolios.models import (
    DevelopmentPlan,
    KssSelfAssessment,
    PortfolioEntry,
    PortfolioSnapshot,
    ProtectedTimeRecord,
    ScheduleChange,
    SupervisionRecord,
    SupportAgreement,
)
from portal.portfolios.records import queries as records
from portal.portfolios.reviews.models import ReviewReport
from tests import factories
from tests.conftest import page, sign_in
from tests.year import Year, a_year

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@dataclass
class CreateForm:
    actor: User
    page_url: str  # where the form is drawn
    action: str | None  # the form's action (None: it posts back to the page)
    model: type  # what it creates, counted before and after
    answers: dict | Callable[[], dict] = field(default_factory=dict)  # typed or chosen
    creates: bool = True  # False: it saves the one record of its kind (create or update)


def _day(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def _records(year: Year, rest: str) -> str:
    return f"/portfolios/{year.portfolio.id}/records{rest}"


# The create forms ---------------------------------------------------------------------------
def evidence_entry(year):
    return CreateForm(year.candidate, "/evidence/new", "/evidence/new", EvidenceEntry, {
        "title": "Home visit", "occurred_on": ["3", "2", "2026"],
        "evidence_type": "critical_reflection", "reflection": "What I learned."})


def attachment_upload(year):
    entry = factories.evidence_entry(year.candidate)
    db.session.commit()
    url = f"/evidence/{entry.id}/attachments"
    return CreateForm(year.candidate, url, url, Attachment,
                      lambda: {"files": (io.BytesIO(PDF), "Supervision notes.pdf")})


def feedback_message(year):
    entry = factories.evidence_entry(year.candidate)
    db.session.commit()
    return CreateForm(year.candidate, f"/evidence/{entry.id}", f"/evidence/{entry.id}/feedback",
                      EvidenceFeedback, {"body": "Could you look at my reflection?"})


def supervision_record(year):
    return CreateForm(year.candidate, _records(year, "/supervision/new"), None,
                      SupervisionRecord, {"held_on": ["14", "9", "2026"], "supervisor_name":
                                          "Sam Lee", "topics": "Caseload"})


def protected_time(year):
    return CreateForm(year.candidate, _records(year, "/protected-time/new"), None,
                      ProtectedTimeRecord, {"taken_on": ["15", "9", "2026"], "hours": "2",
                                            "minutes": "30", "activity": "Reading"})


def support_agreement(year):
    return CreateForm(year.candidate, _records(year, "/agreement"), None, SupportAgreement, {
        "agreed_on": ["8", "9", "2026"], "supervision_arrangements": "Weekly.",
        "workload_reduction": "A lighter caseload.", "protected_time": "Fridays."},
        creates=False)


def development_plan(year):
    stage = records.programme_stages(year.portfolio)[0].code
    return CreateForm(year.candidate, _records(year, f"/development-plans/{stage}"), None,
                      DevelopmentPlan, {"agreed_on": ["8", "9", "2026"], "goals": "Court skills.",
                                        "actions": "Shadow a hearing."}, creates=False)


def kss_self_assessment(year):
    stage = records.kss_stages(year.portfolio)[0].code
    answers = {"completed_on": ["20", "9", "2026"]}
    return CreateForm(year.candidate, _records(year, f"/kss/{stage}"), None, KssSelfAssessment,
                      answers, creates=False)


def observation(year):
    url = f"/observations/new?candidate={year.candidate.id}"
    return CreateForm(year.assessor, url, None, Observation, {
        "observer_id": str(year.assessor.id), "observed_on": ["10", "2", "2026"],
        "setting": "Home visit with a family", "what_was_observed": "A planned visit.",
        "links-0-element_id": str(year.elements[0].id), "links-0-reason": "Explained it"})


def start_assessment(year):
    portfolio = year.submitted()
    return CreateForm(year.assessor, f"/portfolios/{portfolio.id}",
                      f"/reports/start/{portfolio.id}", ReviewReport)


def submission(year):
    return CreateForm(year.candidate, f"/portfolios/{year.portfolio.id}",
                      f"/portfolios/{year.portfolio.id}/submit", PortfolioSnapshot,
                      {"target": "review:three-month"})


def evidence_in_portfolio(year):
    entry = factories.evidence_entry(year.candidate)
    db.session.commit()
    url = f"/portfolios/{year.portfolio.id}/evidence"
    return CreateForm(year.candidate, url, f"{url}/{entry.id}", PortfolioEntry, {"section": ""})


def schedule_change(year):
    membership = year.portfolio.membership
    url = f"/cohorts/{membership.cohort_id}/candidates/{membership.id}/dates"
    return CreateForm(year.lead, url, None, ScheduleChange,
                      {"kind": "absence", "days": "14", "reason": "Sickness absence"})


def cohort(year):
    programme_id = str(year.portfolio.programme_id)
    return CreateForm(year.lead, "/cohorts/new", None, Cohort, {
        "name": "ASYE March 2027", "programme_id": programme_id,
        "start_date": ["1", "3", "2027"], "entry_route": "step_up"})


def cohort_member(year):
    cohort_id = factories.cohort(year.org, name="ASYE March 2027").id
    newcomer = factories.user(year.org, name="Noor Patel")
    db.session.commit()
    return CreateForm(year.lead, f"/cohorts/{cohort_id}", f"/cohorts/{cohort_id}/candidates",
                      CohortMembership, {"candidate_email": newcomer.email})


def assignment(year):
    second = factories.user(year.org, roles=["assessor"], name="Tom Baker")
    db.session.commit()
    url = f"/assignments/candidates/{year.candidate.id}"
    return CreateForm(year.lead, url, url, Assignment,
                      {"role": "assessor", "assessor-staff_id": str(second.id)})


def user_account(year):
    return CreateForm(year.admin, "/admin/users/new", None, User, {
        "name": "Sam Reid", "email": "sam.reid@example.org", "team_id": "",
        "roles": ["assessor"]})


def user_import(year):
    csv = b"name,email,roles\nLee Chan,lee.chan@example.org,assessor\n"
    return CreateForm(year.admin, "/admin/users/import", None, User,
                      lambda: {"csv_file": (io.BytesIO(csv), "people.csv")})


def invitation(year):
    person = factories.user(year.org, roles=["assessor"], name="Ivy Newcomer")
    person.password_hash = None  # invited, has not set a password yet
    db.session.commit()
    return CreateForm(year.admin, f"/admin/users/{person.id}",
                      f"/admin/users/{person.id}/invitation", OutgoingEmail)


def panel(year):
    return CreateForm(year.lead, "/panels/new", None, Panel, {
        "title": "ASYE panel, March", "sits_on": _day(date(2027, 3, 10)),
        "programme_ids": [str(year.portfolio.programme_id)], "chair_id": str(year.chair.id),
        "member_ids": [str(m.id) for m in year.members], "min_members": "3"})


def agenda_item(year):
    created, _item = year.panel(with_portfolio=False)
    from tests.panels.conftest import ready_for_panel

    ready_for_panel(year.org, year.lead, year.assessor)
    db.session.commit()
    return CreateForm(year.lead, f"/panels/{created.id}/manage",
                      f"/panels/{created.id}/agenda", AgendaItem)


def member_notes(year):
    _panel, item = year.panel()
    url = f"/panels/{item.panel_id}/items/{item.id}"
    return CreateForm(year.members[0], url, url + "/notes", MemberNote,
                      {"notes": "Strong reflection on risk."}, creates=False)


def _decision_answers(item):
    from portal.assessment.reports.operations import pcf_domains

    return {"code": "approved", "rationale": "Consistent, reflective practice.",
            "domain_ids": [str(d.id) for d in pcf_domains(item.portfolio)[:2]]}


def panel_decision(year):
    _panel, item = year.panel()
    url = f"/decisions/record/{item.panel_id}/{item.id}"
    return CreateForm(year.chair, url, None, PanelDecision, _decision_answers(item))


def decision_correction(year):
    item = year.decided_item()
    decision = db.session.scalar(select(PanelDecision).where(PanelDecision.agenda_item_id
                                                             == item.id))
    url = f"/decisions/{decision.id}/correct"
    return CreateForm(year.chair, url, None, PanelDecision,
                      {**_decision_answers(item), "code": "not-approved",
                       "action_1-description": "Complete a third observation",
                       "action_1-owner": "Candidate", "action_1-due_on": ["30", "6", "2027"],
                       "reason": "The wrong code was chosen in the meeting"})


def review_request(year):
    item = year.decided_item()
    decision = db.session.scalar(select(PanelDecision).where(PanelDecision.agenda_item_id
                                                             == item.id))
    return CreateForm(item.portfolio.candidate, f"/decisions/{decision.id}",
                      f"/decisions/{decision.id}/review-request", DecisionReviewRequest,
                      {"reasons": "The panel did not see my last observation."})


CREATE_FORMS = [
    evidence_entry, attachment_upload, feedback_message, supervision_record, protected_time,
    support_agreement, development_plan, kss_self_assessment, observation, start_assessment,
    submission, evidence_in_portfolio, schedule_change, cohort, cohort_member, assignment,
    user_account, user_import, invitation, panel, agenda_item, member_notes, panel_decision,
    decision_correction, review_request,
]


# Reading and sending a form as the browser would ---------------------------------------------
def _form_on_page(soup, form: CreateForm):
    candidates = [f for f in soup.find_all("form", method="post")
                  if f.select_one("input[name=form_key]") is not None]
    if form.action is not None:
        candidates = [f for f in candidates if f.get("action") == form.action]
    assert candidates, f"no create form with a one-time key on {form.page_url}"
    return candidates[0]


def _as_drawn(html_form) -> dict:
    """What the browser sends if nobody types: hidden fields, ticked boxes, first radios."""
    data: dict = {}
    for field_input in html_form.find_all("input"):
        name, kind = field_input.get("name"), field_input.get("type", "text")
        if not name:
            continue
        if kind == "hidden":
            data[name] = field_input.get("value", "")
        elif kind == "radio" and name not in data:
            data[name] = field_input.get("value")
    return data


def _prepared(client, form: CreateForm) -> tuple[str, Callable[[], dict]]:
    """The form's address and a maker of what it sends (the same one-time key each time)."""
    soup = page(client.get(form.page_url))
    html_form = _form_on_page(soup, form)
    button = html_form.find("button")
    assert button is not None and button.get("data-prevent-double-click") == "true"
    drawn = _as_drawn(html_form)
    assert drawn.get("form_key")

    def answers():
        typed = form.answers() if callable(form.answers) else form.answers
        return {**drawn, **typed}

    return html_form.get("action") or form.page_url, answers


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def year(org):
    return a_year(org)


@pytest.fixture
def ready_to_submit(monkeypatch):
    """The three-month review point asks for nothing, so a submission goes through."""
    from portal.portfolios.sufficiency import measures as sufficiency

    monkeypatch.setattr(sufficiency, "missing_for_review_point", lambda portfolio, code: [])


@pytest.mark.parametrize("build", CREATE_FORMS, ids=lambda build: build.__name__)
def test_the_same_form_sent_twice_makes_one_record(client, year, ready_to_submit, build):
    form = build(year)
    sign_in(client, form.actor)
    url, answers = _prepared(client, form)
    before = _count(form.model)
    first = client.post(url, data=answers())
    assert first.status_code == 303, first.get_data(as_text=True)[:2000]
    made = _count(form.model)
    assert made == before + 1 if form.creates else made == 1
    second = client.post(url, data=answers())
    assert second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(form.model) == made
    assert SENT_TWICE in page(client.get(second.headers["Location"])).get_text(" ")


def test_a_new_page_draws_a_new_key_and_makes_another_record(client, year):
    sign_in(client, year.candidate)
    form = supervision_record(year)
    for _ in range(2):
        url, answers = _prepared(client, form)
        assert client.post(url, data=answers()).status_code == 303
    assert _count(SupervisionRecord) == 2


def test_a_refused_first_send_leaves_the_key_free_for_the_corrected_one(client, year):
    sign_in(client, year.candidate)
    url, answers = _prepared(client, supervision_record(year))
    refused = client.post(url, data={**answers(), "supervisor_name": ""})
    assert refused.status_code == 400
    assert client.post(url, data=answers()).status_code == 303
    assert _count(SupervisionRecord) == 1


def test_a_form_without_its_key_is_explained_and_drawn_again_with_one(client, year):
    sign_in(client, year.candidate)
    url, answers = _prepared(client, supervision_record(year))
    stale = {**answers(), "form_key": ""}  # a page drawn before create forms had keys
    response = client.post(url, data=stale)
    assert response.status_code == 400
    soup = page(response)
    assert "This page was out of date" in soup.select_one(".govuk-error-summary").get_text()
    assert soup.select_one("input[name=form_key]")["value"]
    assert soup.select_one("#supervisor_name")["value"] == "Sam Lee"  # what was typed stays
    assert _count(SupervisionRecord) == 0


def test_someone_elses_key_is_theirs_alone(app, client, year):
    """The key is claimed per person: another candidate sending the same key is not sent
    to the first candidate's record."""
    sign_in(client, year.candidate)
    url, answers = _prepared(client, evidence_entry(year))
    sent = answers()
    assert client.post(url, data=sent).status_code == 303
    other = app.test_client()
    sign_in(other, factories.user(year.org, name="Bea Other"))
    response = other.post(url, data={**sent, "csrf_token": other.csrf_token()})
    assert response.status_code == 303
    assert _count(EvidenceEntry) == 2
    assert _count(FormSubmission) == 2


# Two at the same moment, on separate connections (PostgreSQL) --------------------------------
RACES = [evidence_entry, supervision_record, cohort, cohort_member, panel_decision]


@pytest.mark.postgres_only
@pytest.mark.parametrize("build", RACES, ids=lambda build: build.__name__)
def test_two_sends_at_the_same_moment_make_one_record(app, year, build):
    """Both requests pass every check before either commits; the unique key makes the
    second wait for the first, then sends it to the first one's record."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent transactions are exercised on PostgreSQL (SQLite locks the "
                    "whole file)")
    form = build(year)
    clients = [app.test_client() for _ in range(2)]
    for each in clients:
        sign_in(each, form.actor)
    url, answers = _prepared(clients[0], form)
    before = _count(form.model)
    db.session.commit()
    db.session.remove()
    both_ready = threading.Barrier(2, timeout=10)
    responses = []

    def send(each):
        data = {**answers(), "csrf_token": each.csrf_token()}
        both_ready.wait()
        responses.append(each.post(url, data=data))

    threads = [threading.Thread(target=send, args=(each,)) for each in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [r.status_code for r in responses] == [303, 303]
    assert responses[0].headers["Location"] == responses[1].headers["Location"]
    assert _count(form.model) == before + 1
