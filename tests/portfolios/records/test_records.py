"""Structured portfolio records: support agreement, development plans, supervision,
protected time and KSS self-assessments."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.roles import Role
from portal.core.audit import AuditEvent
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.frameworks.queries import load_shipped_frameworks
from portal.portfolios.models import (
    DevelopmentPlan,
    KssRating,
    KssSelfAssessment,
    ProtectedTimeRecord,
    SupervisionRecord,
    SupportAgreement,
)
from portal.portfolios.operations import enrol
from portal.portfolios.records import operations as records
from portal.portfolios.records import queries as record_queries
from portal.programmes.templates import install_template
from tests import factories
from tests.conftest import (
    assert_no_duplicate_ids,
    count_queries,
    error_summary,
    page,
    sign_in,
)


def _make_portfolio(org, template: str = "asye-child-family", candidate=None):
    """A candidate enrolled on a programme installed from a shipped template."""
    load_shipped_frameworks()
    programme = install_template(org, template)
    cohort = factories.cohort(org, programme)
    candidate = candidate or factories.user(org, roles=[Role.CANDIDATE])
    portfolio = enrol(None, factories.membership(cohort, candidate))
    db.session.flush()
    return portfolio


@pytest.fixture
def portfolio(client, org):
    """An ASYE child and family portfolio whose candidate is signed in."""
    made = _make_portfolio(org)
    sign_in(client, made.candidate)
    return made


def _url(portfolio, rest: str = "") -> str:
    return f"/portfolios/{portfolio.id}/records{rest}"


def _day(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def _actions() -> list[str]:
    return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


TOMORROW = today_in_england() + timedelta(days=1)


# The records page ------------------------------------------------------------------------
def test_the_records_page_lists_every_kind(client, portfolio):
    response = client.get(_url(portfolio))
    assert response.status_code == 200
    soup = page(response)
    assert soup.h1.get_text() == "Your portfolio records"
    keys = [dt.get_text(strip=True) for dt in soup.select(".govuk-summary-list__key")]
    assert keys == ["Support and assessment agreement", "Professional development plans",
                    "Supervision", "Protected development time", "KSS self-assessment"]
    text = soup.get_text(" ", strip=True)
    assert "0 of 4 stages planned" in text
    assert "0 of 3 completed" in text
    assert soup.select_one(".govuk-back-link")["href"] == f"/portfolios/{portfolio.id}"
    assert_no_duplicate_ids(soup)


def test_the_records_page_summarises_what_exists(client, portfolio):
    records.save_support_agreement(portfolio.candidate, portfolio, records.AgreementDetails(
        date(2026, 9, 8), "Weekly", "10% fewer cases", "Friday afternoons"))
    records.save_development_plan(portfolio.candidate, portfolio, "beginning",
                                  records.PlanDetails(date(2026, 9, 8), "Learn the law"))
    for day in (10, 24):
        records.add_supervision(portfolio.candidate, portfolio, records.SupervisionDetails(
            date(2026, 9, day), "Sam Lee", "Caseload"))
    records.add_protected_time(portfolio.candidate, portfolio, records.ProtectedTimeDetails(
        date(2026, 9, 11), 150, "Reading"))
    records.add_protected_time(portfolio.candidate, portfolio, records.ProtectedTimeDetails(
        date(2026, 9, 18), 60, "Workshop"))
    db.session.commit()
    text = page(client.get(_url(portfolio))).get_text(" ", strip=True)
    assert "Agreed on 8 September 2026" in text
    assert "1 of 4 stages planned" in text
    assert "2 records, latest on 24 September 2026" in text
    assert "3 hours 30 minutes over 2 sessions" in text


def _fill(portfolio, supervision: int, protected: int, plans=("beginning",)) -> None:
    actor = portfolio.candidate
    for n in range(supervision):
        records.add_supervision(actor, portfolio, records.SupervisionDetails(
            date(2026, 9, 8) + timedelta(days=n), f"Supervisor {n}", "Topics"))
    for n in range(protected):
        records.add_protected_time(actor, portfolio, records.ProtectedTimeDetails(
            date(2026, 9, 8) + timedelta(days=n), 30, "Reading"))
    for code in plans:
        records.save_development_plan(actor, portfolio, code,
                                      records.PlanDetails(date(2026, 9, 8), "Goals"))
    db.session.commit()


def test_the_records_page_runs_a_fixed_number_of_queries(client, portfolio):
    _fill(portfolio, supervision=1, protected=1)
    with count_queries() as few:
        assert client.get(_url(portfolio)).status_code == 200
    _fill(portfolio, supervision=25, protected=25, plans=("early", "middle", "final"))
    with count_queries() as many:
        assert client.get(_url(portfolio)).status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 15


# Support and assessment agreement ------------------------------------------------------
def _agreement_form(**overrides):
    data = {
        "agreed_on": ["8", "9", "2026"],
        "supervision_arrangements": "Weekly for six weeks, then fortnightly.",
        "workload_reduction": "A 10% lighter caseload.",
        "protected_time": "Friday afternoons.",
        "development_priorities": "Court skills.",
    }
    data.update(overrides)
    return data


def test_a_candidate_records_and_changes_the_agreement(client, portfolio):
    response = client.post(_url(portfolio, "/agreement"), data=_agreement_form())
    assert response.status_code == 303
    assert response.headers["Location"] == _url(portfolio)
    agreement = db.session.scalar(select(SupportAgreement))
    assert agreement.portfolio_id == portfolio.id
    assert agreement.agreed_on == date(2026, 9, 8)
    assert agreement.workload_reduction == "A 10% lighter caseload."

    soup = page(client.get(_url(portfolio, "/agreement")))
    assert soup.select_one("#protected_time").get_text() == "Friday afternoons."
    assert int(soup.select_one("#agreed_on-day")["value"]) == 8

    response = client.post(_url(portfolio, "/agreement"),
                           data=_agreement_form(protected_time="Thursday mornings."))
    assert response.status_code == 303
    db.session.expire_all()
    assert _count(SupportAgreement) == 1
    assert db.session.scalar(select(SupportAgreement.protected_time)) == "Thursday mornings."
    actions = _actions()
    assert actions[-3:] == ["support_agreement_created", "review_point_completed",
                            "support_agreement_updated"]
    updated = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert updated.details == {"portfolio_id": portfolio.id, "changed": ["protected_time"]}
    assert updated.actor_id == portfolio.candidate_id
    assert updated.organisation_id == portfolio.organisation_id


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"agreed_on": ["", "", ""]}, "Enter the date the agreement was made"),
        ({"agreed_on": ["31", "2", "2026"]}, "Enter a real date, like 27 3 2026"),
        ({"agreed_on": _day(TOMORROW)}, "The date must be today or in the past"),
        ({"supervision_arrangements": "  "}, "Enter the supervision arrangements"),
        ({"workload_reduction": ""}, "Enter how your workload will be reduced"),
        ({"protected_time": "x" * 10_001},
         "Protected development time must be 10,000 characters or fewer"),
    ],
)
def test_agreement_problems_are_explained_and_input_kept(client, portfolio, overrides,
                                                         message):
    data = _agreement_form(**overrides)
    response = client.post(_url(portfolio, "/agreement"), data=data)
    assert response.status_code == 400
    soup = page(response)
    assert message in error_summary(soup)
    assert soup.title.text.startswith("Error: ")
    assert soup.select_one("#development_priorities").get_text() == "Court skills."
    assert _count(SupportAgreement) == 0



def test_a_refusal_by_the_operation_is_shown_in_the_error_summary(client, portfolio,
                                                                  monkeypatch):
    """A form that passes its own checks can still be refused when saved: the refusal is
    one of the form's errors, so the page says it (400, "Error: " title) and keeps what
    was typed."""
    def refuse(*_args, **_kwargs):
        raise records.RecordError("This record belongs to another portfolio")

    monkeypatch.setattr(records, "save_support_agreement", refuse)
    response = client.post(_url(portfolio, "/agreement"), data=_agreement_form())
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == ["This record belongs to another portfolio"]
    assert soup.title.text.startswith("Error: ")
    assert soup.select_one("#development_priorities").get_text() == "Court skills."
    assert _count(SupportAgreement) == 0


# Development plans -------------------------------------------------------------------------
def test_development_plans_are_kept_per_stage(client, portfolio):
    soup = page(client.get(_url(portfolio, "/development-plans")))
    assert [h.get_text() for h in soup.select(".govuk-summary-card__title")] == [
        "Beginning (first month)", "1 to 3 months", "3 to 6 months", "6 to 12 months"]

    data = {"agreed_on": ["1", "10", "2026"], "goals": "Learn court skills",
            "actions": "Shadow a colleague", "review_on": ["1", "12", "2026"]}
    response = client.post(_url(portfolio, "/development-plans/early"), data=data)
    assert response.status_code == 303
    plan = db.session.scalar(select(DevelopmentPlan))
    assert (plan.stage_code, plan.goals, plan.review_on) == (
        "early", "Learn court skills", date(2026, 12, 1))

    data["goals"] = "Learn court skills and report writing"
    data["review_on"] = ["", "", ""]
    assert client.post(_url(portfolio, "/development-plans/early"),
                       data=data).status_code == 303
    db.session.expire_all()
    plan = db.session.scalar(select(DevelopmentPlan))
    assert plan.goals == "Learn court skills and report writing"
    assert plan.review_on is None
    assert _count(DevelopmentPlan) == 1
    assert _actions()[-2:] == ["development_plan_created", "development_plan_updated"]
    text = page(client.get(_url(portfolio, "/development-plans"))).get_text(" ", strip=True)
    assert "Learn court skills and report writing" in text


def test_a_development_plan_needs_goals_and_a_sensible_review_date(client, portfolio):
    data = {"agreed_on": ["1", "10", "2026"], "goals": "", "actions": "Shadow a colleague",
            "review_on": ["1", "9", "2026"]}
    response = client.post(_url(portfolio, "/development-plans/early"), data=data)
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == [
        "Enter your development goals",
        "The review date must be on or after the date the plan was agreed"]
    assert soup.select_one("#actions").get_text() == "Shadow a colleague"
    assert _count(DevelopmentPlan) == 0


def test_an_unknown_stage_is_not_found(client, portfolio):
    assert client.get(_url(portfolio, "/development-plans/nonsense")).status_code == 404
    with pytest.raises(records.RecordError):
        records.save_development_plan(portfolio.candidate, portfolio, "nonsense",
                                      records.PlanDetails(date(2026, 10, 1), "Goals"))


# Supervision -------------------------------------------------------------------------------
def _supervision_form(**overrides):
    data = {"held_on": ["14", "9", "2026"], "supervisor_name": "Sam Lee",
            "topics": "Caseload and a complex assessment",
            "agreed_actions": "Read the practice guidance"}
    data.update(overrides)
    return data


def test_a_candidate_adds_changes_and_deletes_supervision(client, portfolio):
    response = client.post(_url(portfolio, "/supervision/new"), data=_supervision_form())
    assert response.status_code == 303
    assert response.headers["Location"] == _url(portfolio, "/supervision")
    record = db.session.scalar(select(SupervisionRecord))
    assert (record.held_on, record.supervisor_name) == (date(2026, 9, 14), "Sam Lee")

    listing = page(client.get(_url(portfolio, "/supervision")))
    assert "Caseload and a complex assessment" in listing.get_text()
    assert listing.select_one(".govuk-table__caption").get_text() == "1 session recorded"

    edit_url = _url(portfolio, f"/supervision/{record.id}/edit")
    assert page(client.get(edit_url)).select_one("#supervisor_name")["value"] == "Sam Lee"
    response = client.post(edit_url, data=_supervision_form(supervisor_name="Alex Kaur"))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(SupervisionRecord, record.id).supervisor_name == "Alex Kaur"

    delete_url = _url(portfolio, f"/supervision/{record.id}/delete")
    confirm = page(client.get(delete_url))
    assert "Are you sure you want to delete this supervision record?" in confirm.h1.get_text()
    assert "14 September 2026 with Alex Kaur" in confirm.get_text()
    response = client.post(delete_url)
    assert response.status_code == 303
    assert _count(SupervisionRecord) == 0
    assert _actions()[-3:] == ["supervision_recorded", "supervision_updated",
                               "supervision_deleted"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"held_on": ["", "", ""]}, "Enter the date of the supervision"),
        ({"held_on": _day(TOMORROW)}, "The date of the supervision must be today or in the past"),
        ({"supervisor_name": ""}, "Enter your supervisor’s name"),
        ({"supervisor_name": "S" * 201}, "Supervisor’s name must be 200 characters or fewer"),
        ({"topics": ""}, "Enter the topics you discussed"),
        ({"agreed_actions": "a" * 10_001},
         "Agreed actions (optional) must be 10,000 characters or fewer"),
    ],
)
def test_supervision_problems_are_explained_and_input_kept(client, portfolio, overrides,
                                                           message):
    data = _supervision_form(**overrides)
    response = client.post(_url(portfolio, "/supervision/new"), data=data)
    assert response.status_code == 400
    soup = page(response)
    assert message in error_summary(soup)
    assert soup.title.text.startswith("Error: ")
    assert soup.select_one("#topics").get_text() == data["topics"]
    assert soup.select_one("#supervisor_name")["value"] == data["supervisor_name"]
    assert _count(SupervisionRecord) == 0


def test_text_is_escaped(client, portfolio):
    attack = '<script>alert("x")</script>'
    response = client.post(_url(portfolio, "/supervision/new"),
                           data=_supervision_form(supervisor_name=attack, topics=attack))
    assert response.status_code == 303
    body = client.get(_url(portfolio, "/supervision")).get_data(as_text=True)
    assert attack not in body
    assert "&lt;script&gt;" in body
    record = db.session.scalar(select(SupervisionRecord))
    body = client.get(_url(portfolio, f"/supervision/{record.id}/delete")).get_data(
        as_text=True)
    assert attack not in body


# Protected time ------------------------------------------------------------------------------
def _time_form(**overrides):
    data = {"taken_on": ["18", "9", "2026"], "hours": "2", "minutes": "30",
            "activity": "Read research on neglect", "workload_reduction_confirmed": "y"}
    data.update(overrides)
    return data


def test_a_candidate_logs_changes_and_deletes_protected_time(client, portfolio):
    response = client.post(_url(portfolio, "/protected-time/new"), data=_time_form())
    assert response.status_code == 303
    assert response.headers["Location"] == _url(portfolio, "/protected-time")
    record = db.session.scalar(select(ProtectedTimeRecord))
    assert (record.minutes, record.workload_reduction_confirmed) == (150, True)
    client.post(_url(portfolio, "/protected-time/new"),
                data=_time_form(hours="", minutes="45", workload_reduction_confirmed=""))
    listing = page(client.get(_url(portfolio, "/protected-time")))
    assert listing.select_one("#protected-time-total").get_text() == \
        "Total: 3 hours 15 minutes"
    assert "Not confirmed" in listing.get_text()

    edit_url = _url(portfolio, f"/protected-time/{record.id}/edit")
    form = page(client.get(edit_url))
    assert (form.select_one("#hours")["value"], form.select_one("#minutes")["value"]) == (
        "2", "30")
    assert client.post(edit_url, data=_time_form(hours="1", minutes="0")).status_code == 303
    db.session.expire_all()
    assert db.session.get(ProtectedTimeRecord, record.id).minutes == 60

    assert client.post(_url(portfolio, f"/protected-time/{record.id}/delete")).status_code \
        == 303
    assert _count(ProtectedTimeRecord) == 1
    assert _actions()[-4:] == ["protected_time_recorded", "protected_time_recorded",
                               "protected_time_updated", "protected_time_deleted"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hours": "", "minutes": ""}, "Enter how long you took, in hours and minutes"),
        ({"hours": "two"}, "Hours must be a whole number, like 2"),
        ({"minutes": "-5"}, "Minutes must be a whole number, like 2"),
        ({"minutes": "75"}, "Minutes must be 59 or fewer"),
        ({"hours": "25", "minutes": ""}, "Hours must be 24 or fewer"),
        ({"hours": "24", "minutes": "30"}, "Enter a length of time between 1 minute and 24 hours"),
        ({"hours": "0", "minutes": "0"}, "Enter a length of time between 1 minute and 24 hours"),
        ({"activity": ""}, "Enter what you used the time for"),
        ({"taken_on": _day(TOMORROW)}, "The date must be today or in the past"),
    ],
)
def test_protected_time_problems_are_explained_and_input_kept(client, portfolio, overrides,
                                                              message):
    data = _time_form(**overrides)
    response = client.post(_url(portfolio, "/protected-time/new"), data=data)
    assert response.status_code == 400
    soup = page(response)
    assert message in error_summary(soup)
    assert soup.select_one("#hours")["value"] == data["hours"]
    assert soup.select_one("#activity").get_text() == data["activity"]
    assert _count(ProtectedTimeRecord) == 0


# KSS self-assessment ----------------------------------------------------------------------
def _statements(portfolio):
    return record_queries.kss_statements(record_queries.kss_framework(portfolio))


def _kss_form(portfolio, skip=(), completed=("20", "9", "2026")):
    data = {"completed_on": list(completed)}
    for n, statement in enumerate(_statements(portfolio)):
        if statement.code in skip:
            continue
        data[f"rating_{statement.id}"] = str(n % 4 + 1)
        data[f"comment_{statement.id}"] = f"Comment on {statement.code}"
    return data


def test_kss_is_offered_at_the_stages_the_programme_asks_for(client, portfolio):
    soup = page(client.get(_url(portfolio, "/kss")))
    assert [dt.get_text() for dt in soup.select(".govuk-summary-list__key")] == [
        "Beginning (first month)", "3 to 6 months", "6 to 12 months"]
    assert client.get(_url(portfolio, "/kss/early")).status_code == 404


def test_a_candidate_rates_every_statement(client, portfolio):
    form = page(client.get(_url(portfolio, "/kss/beginning")))
    statements = _statements(portfolio)
    assert len(statements) == 10
    legends = [legend.get_text(strip=True) for legend in
               form.select(".portal-link-row legend")]
    assert legends[0] == "1 Relationships and effective direct work"
    assert len(legends) == 10
    labels = [label.get_text(strip=True) for label in
              form.select(f"input[name=rating_{statements[0].id}] + label")]
    assert labels == ["1 Not yet", "2 Developing", "3 Confident", "4 Strong"]
    assert_no_duplicate_ids(form)

    response = client.post(_url(portfolio, "/kss/beginning"), data=_kss_form(portfolio))
    assert response.status_code == 303
    assert response.headers["Location"] == _url(portfolio, "/kss")
    assessment = db.session.scalar(select(KssSelfAssessment))
    assert (assessment.stage_code, assessment.completed_on) == ("beginning", date(2026, 9, 20))
    assert [(r.element.code, r.rating) for r in assessment.ratings][:3] == [
        ("1", 1), ("2", 2), ("3", 3)]
    assert _actions()[-1] == "kss_self_assessment_created"

    shown = page(client.get(_url(portfolio, "/kss/beginning")))
    assert shown.select_one(f"#comment_{statements[1].id}").get_text() == "Comment on 2"
    assert shown.select_one(f"input[name=rating_{statements[1].id}][checked]")["value"] == "2"

    data = _kss_form(portfolio)
    data[f"rating_{statements[0].id}"] = "4"
    assert client.post(_url(portfolio, "/kss/beginning"), data=data).status_code == 303
    db.session.expire_all()
    assert _count(KssSelfAssessment) == 1
    assert _count(KssRating) == 10
    assert db.session.scalar(select(KssRating.rating).where(
        KssRating.element_id == statements[0].id)) == 4
    assert _actions()[-1] == "kss_self_assessment_updated"
    assert "Completed on 20 September 2026" in page(
        client.get(_url(portfolio, "/kss"))).get_text()


def test_every_statement_needs_a_rating_and_input_is_kept(client, portfolio):
    data = _kss_form(portfolio, skip={"3", "7"})
    statements = _statements(portfolio)
    data[f"comment_{statements[2].id}"] = "Still learning about attachment"
    response = client.post(_url(portfolio, "/kss/beginning"), data=data)
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == [
        "Choose a rating for statement 3 Child development",
        "Choose a rating for statement 7 Analysis, decision-making, planning and review"]
    assert soup.select_one(".govuk-error-summary a")["href"] == f"#rating_{statements[2].id}"
    assert soup.select_one(f"#comment_{statements[2].id}").get_text() == \
        "Still learning about attachment"
    assert soup.select_one(f"input[name=rating_{statements[0].id}][checked]")["value"] == "1"
    assert _count(KssSelfAssessment) == 0


def test_ratings_outside_one_to_four_are_refused(client, portfolio):
    statements = _statements(portfolio)
    data = _kss_form(portfolio)
    data[f"rating_{statements[0].id}"] = "5"
    response = client.post(_url(portfolio, "/kss/beginning"), data=data)
    assert response.status_code == 400
    assert _count(KssSelfAssessment) == 0


def test_the_operation_requires_every_statement(portfolio):
    statements = _statements(portfolio)
    ratings = {s.id: (3, "") for s in statements[1:]}
    with pytest.raises(records.RecordError, match="every statement"):
        records.save_kss_self_assessment(portfolio.candidate, portfolio, "beginning",
                                         date(2026, 9, 20), ratings)
    other = factories.framework(code="kss-other", elements=1)
    ratings = {s.id: (3, "") for s in statements} | {other.elements[0].id: (2, "")}
    with pytest.raises(records.RecordError, match="Rate only"):
        records.save_kss_self_assessment(portfolio.candidate, portfolio, "beginning",
                                         date(2026, 9, 20), ratings)
    assert _count(KssSelfAssessment) == 0


def test_a_programme_without_the_kss_has_no_self_assessment(client, org):
    portfolio = _make_portfolio(org, template="epd")
    sign_in(client, portfolio.candidate)
    assert "does not use the Knowledge and Skills Statements" in page(
        client.get(_url(portfolio))).get_text()
    assert "does not use the Knowledge and Skills Statements" in page(
        client.get(_url(portfolio, "/kss"))).get_text()
    stage = record_queries.programme_stages(portfolio)[0].code
    assert client.get(_url(portfolio, f"/kss/{stage}")).status_code == 404
    with pytest.raises(records.RecordError, match="does not use"):
        records.save_kss_self_assessment(portfolio.candidate, portfolio, stage,
                                         date(2026, 9, 20), {})


def test_without_a_kss_component_every_stage_is_offered(org):
    portfolio = _make_portfolio(org, template="asye-adults")
    assert record_queries.kss_framework(portfolio).code == "kss-adults"
    stages = record_queries.programme_stages(portfolio)
    component = [c for c in portfolio.programme.components
                 if c.record_kind == "kss_self_assessment"]
    if component:
        component[0].per_stage = None
    assert record_queries.kss_stages(portfolio) == stages


# Access ------------------------------------------------------------------------------------
def _another_candidates_records(org):
    other = _make_portfolio(org)
    actor = other.candidate
    supervision = records.add_supervision(actor, other, records.SupervisionDetails(
        date(2026, 9, 10), "Their supervisor", "Their topics"))
    protected = records.add_protected_time(actor, other, records.ProtectedTimeDetails(
        date(2026, 9, 11), 60, "Their reading"))
    db.session.commit()
    return other, supervision, protected


def test_another_candidates_portfolio_is_not_found(client, portfolio, org):
    other, supervision, protected = _another_candidates_records(org)
    for rest in ["", "/agreement", "/development-plans", "/development-plans/early",
                 "/supervision", "/supervision/new", f"/supervision/{supervision.id}/edit",
                 f"/supervision/{supervision.id}/delete", "/protected-time",
                 "/protected-time/new", f"/protected-time/{protected.id}/edit",
                 f"/protected-time/{protected.id}/delete", "/kss", "/kss/beginning"]:
        assert client.get(_url(other, rest)).status_code == 404, rest
    for rest in ["/agreement", "/supervision/new", f"/supervision/{supervision.id}/edit",
                 f"/supervision/{supervision.id}/delete",
                 f"/protected-time/{protected.id}/delete", "/kss/beginning"]:
        assert client.post(_url(other, rest), data=_supervision_form()).status_code == 404, \
            rest
    assert _count(SupervisionRecord) == 1
    assert _count(ProtectedTimeRecord) == 1


def test_another_portfolios_record_through_my_portfolio_is_not_found(client, portfolio, org):
    _other, supervision, protected = _another_candidates_records(org)
    for rest in [f"/supervision/{supervision.id}/edit", f"/supervision/{supervision.id}/delete",
                 f"/protected-time/{protected.id}/edit",
                 f"/protected-time/{protected.id}/delete", "/supervision/999999/edit"]:
        assert client.get(_url(portfolio, rest)).status_code == 404, rest
        assert client.post(_url(portfolio, rest), data=_time_form()).status_code == 404, rest
    db.session.expire_all()
    assert db.session.get(SupervisionRecord, supervision.id).supervisor_name == \
        "Their supervisor"
    assert _count(ProtectedTimeRecord) == 1
    with pytest.raises(records.RecordError):
        records.delete_supervision(portfolio.candidate, portfolio, supervision)


def test_another_councils_portfolio_is_not_found(client, portfolio):
    elsewhere = _make_portfolio(factories.organisation())
    db.session.commit()
    assert client.get(_url(elsewhere)).status_code == 404


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.CANDIDATE])
def test_other_roles_are_refused(client, org, role):
    """Nobody but the candidate changes the records; reading them is the visibility
    table's business (a programme lead reads them, unassigned staff find nothing)."""
    portfolio = _make_portfolio(org)
    record = records.add_supervision(portfolio.candidate, portfolio, records.SupervisionDetails(
        date(2026, 9, 10), "Sam Lee", "Topics"))
    person = factories.user(org, roles=[role])
    sign_in(client, person)
    for rest in [f"/supervision/{record.id}/edit", f"/supervision/{record.id}/delete",
                 "/protected-time/new"]:
        assert client.get(_url(portfolio, rest)).status_code == 403, rest
    reading = 200 if role is Role.PROGRAMME_LEAD else 404
    for rest in ["", "/agreement", "/supervision", "/kss/beginning"]:
        assert client.get(_url(portfolio, rest)).status_code == reading, rest
    assert client.post(_url(portfolio, f"/supervision/{record.id}/delete")).status_code == 403
    assert client.post(_url(portfolio, "/agreement")).status_code == 404
    assert _count(SupervisionRecord) == 1


def test_signed_out_people_are_sent_to_sign_in(client, org):
    portfolio = _make_portfolio(org)
    db.session.commit()
    response = client.get(_url(portfolio))
    assert response.status_code in {302, 303}
    assert "/sign-in" in response.headers["Location"]


def test_htmx_requests_get_the_fragment(client, portfolio):
    response = client.htmx_get(_url(portfolio, "/supervision"))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert "Supervision records" in body


def test_making_the_agreement_completes_the_agreement_review_point(org):
    from datetime import date as _date

    from portal.portfolios.records import operations as records
    from tests.portfolios.conftest import make_portfolio

    portfolio = make_portfolio(org)
    records.save_support_agreement(portfolio.candidate, portfolio, records.AgreementDetails(
        agreed_on=_date(2026, 1, 9), supervision_arrangements="Weekly",
        workload_reduction="10%", protected_time="Wednesdays", development_priorities=""))
    point = next(p for p in portfolio.review_points if p.code == "agreement")
    assert point.completed_on == _date(2026, 1, 9)
