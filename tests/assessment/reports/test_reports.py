"""Review reports: start, rate, sign off and lock; return and resubmit keeping every round;
the line manager's confirmation; the candidate's response; support plans after concerns."""

from datetime import date

from portal.core.db import db
from portal.notifications.models import Notification
from portal.portfolios import operations
from portal.portfolios.models import Portfolio, PortfolioSnapshot
from portal.portfolios.reviews.models import ReviewReport, SupportPlan
from tests import factories
from tests.conftest import error_summary, page, sign_in


def _submit(people, code="three-month"):
    portfolio = people["portfolio"]
    if code == "panel":
        operations.submit_for_panel(people["candidate"], portfolio, [])
    else:
        operations.submit_for_review_point(people["candidate"], portfolio, code, [])
    db.session.commit()
    return portfolio


def _start(client, people, code="three-month"):
    portfolio = _submit(people, code)
    sign_in(client, people["assessor"])
    response = client.post(f"/reports/start/{portfolio.id}")
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return db.session.scalar(db.select(ReviewReport).order_by(ReviewReport.id.desc()))


def _domains(people):
    from portal.assessment.reports.operations import pcf_domains

    return pcf_domains(people["portfolio"])


def _full_form(people, rating="on_track", **extra):
    form = {"summary": "Good progress in the first three months.", "action": "sign_off"}
    for domain in _domains(people):
        form[f"rating-{domain.id}"] = rating
        form[f"commentary-{domain.id}"] = f"Commentary on {domain.title}"
    form.update(extra)
    return form


def _sign_off(client, report, form):
    """Save the complete draft with 'Sign off report', then confirm on the page that asks."""
    response = client.post(f"/reports/{report.id}", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    assert response.headers["Location"] == f"/reports/{report.id}/sign-off"
    return client.post(f"/reports/{report.id}/sign-off")


def test_an_assessor_starts_assessment_and_a_draft_opens(client, people):
    report = _start(client, people)
    assert report.state == "draft" and report.review_point_code == "three-month"
    db.session.expire_all()
    assert db.session.get(Portfolio, people["portfolio"].id).state == "under_assessment"
    assert "Start assessment" not in client.get(
        f"/portfolios/{people['portfolio'].id}").get_data(as_text=True)


def test_an_unassigned_assessor_cannot_start_or_see(client, people, org):
    portfolio = _submit(people)
    sign_in(client, factories.user(org, roles=["assessor"]))
    assert client.post(f"/reports/start/{portfolio.id}").status_code == 404
    assert client.get(f"/portfolios/{portfolio.id}").status_code == 404


def test_the_candidate_cannot_see_a_draft_report(app, client, people):
    report = _start(client, people)
    candidate_client = app.test_client()
    sign_in(candidate_client, people["candidate"])
    assert candidate_client.get(f"/reports/{report.id}").status_code == 404


def test_sign_off_needs_every_domain_and_explains_what_is_missing(client, people):
    report = _start(client, people)
    form = _full_form(people)
    first = _domains(people)[0]
    del form[f"rating-{first.id}"]
    response = client.post(f"/reports/{report.id}", data=form)
    assert response.status_code == 400
    assert error_summary(page(response)) == [f"Choose a rating for {first.code} {first.title}"]
    db.session.expire_all()
    stored = db.session.get(ReviewReport, report.id)
    assert stored.state == "draft"
    assert stored.summary == "Good progress in the first three months."  # kept


def test_sign_off_locks_the_report_and_completes_the_review(app, client, people):
    report = _start(client, people)
    response = _sign_off(client, report, _full_form(
        people, **{"action-0-description": "Lead an assessment", "action-0-due": "2026-06-01",
                   "action-0-owner": "Amara"}))
    assert response.status_code == 303
    db.session.expire_all()
    stored = db.session.get(ReviewReport, report.id)
    assert (stored.state, stored.outcome) == ("signed_off", "completed")
    assert [a.description for a in stored.actions] == ["Lead an assessment"]
    portfolio = db.session.get(Portfolio, people["portfolio"].id)
    assert portfolio.state == "draft"
    point = next(p for p in portfolio.review_points if p.code == "three-month")
    assert point.completed_on is not None
    # Locked: a further change is refused and nothing moves.
    again = client.post(f"/reports/{report.id}", data=_full_form(people, summary="Changed"))
    assert again.status_code == 400
    db.session.expire_all()
    assert db.session.get(ReviewReport, report.id).summary.startswith("Good progress")
    candidate_client = app.test_client()
    sign_in(candidate_client, people["candidate"])
    assert "Good progress" in candidate_client.get(f"/reports/{report.id}").get_data(
        as_text=True)
    assert db.session.scalar(db.select(db.func.count(Notification.id)).where(
        Notification.recipient_id == people["candidate"].id)) >= 2


def test_a_final_report_needs_a_holistic_assessment_and_recommendation(client, people):
    report = _start(client, people, code="panel")
    assert report.is_final
    response = client.post(f"/reports/{report.id}", data=_full_form(people))
    assert response.status_code == 400
    assert "Choose a recommendation" in error_summary(page(response))
    response = _sign_off(client, report, _full_form(
        people, holistic_assessment="Meets the ASYE level.", recommendation="pass"))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(ReviewReport, report.id).recommendation == "pass"
    # A final submission waits for the panel.
    assert db.session.get(Portfolio, people["portfolio"].id).state == "under_assessment"


def test_an_unknown_recommendation_is_refused(client, people):
    report = _start(client, people, code="panel")
    response = client.post(f"/reports/{report.id}", data=_full_form(
        people, holistic_assessment="x", recommendation="ready", action="save"))
    assert response.status_code == 400  # ASYE recommends pass or fail


def _sign_off_not_on_track(client, people):
    """Sign off a report with one domain not on track, which opens a support plan."""
    report = _start(client, people)
    domains = _domains(people)
    form = _full_form(people, **{f"rating-{domains[5].id}": "not_on_track",
                                 "action-0-description": "Weekly reflective supervision",
                                 "action-0-due": "2099-01-15"})
    assert _sign_off(client, report, form).status_code == 303
    return domains


def test_not_on_track_opens_a_visible_support_plan(app, client, people):
    domains = _sign_off_not_on_track(client, people)
    plan = db.session.scalar(db.select(SupportPlan))
    assert plan.review_on == date(2099, 1, 15)
    assert domains[5].title in plan.concerns
    candidate_client = app.test_client()
    sign_in(candidate_client, people["candidate"])
    body = candidate_client.get(f"/portfolios/{people['portfolio'].id}").get_data(as_text=True)
    assert "Support plan" in body and "15 January 2099" in body


def test_the_cohort_list_shows_the_open_plan_next_review_and_assessor(app, client, people):
    _sign_off_not_on_track(client, people)
    portfolio = db.session.get(Portfolio, people["portfolio"].id)
    cohort_id = portfolio.membership.cohort_id
    next_point = min((p for p in portfolio.review_points if p.completed_on is None),
                     key=lambda p: p.position)
    lead_client = app.test_client()
    sign_in(lead_client, people["lead"])
    row = next(r for r in page(lead_client.get(f"/cohorts/{cohort_id}")).select("tbody tr")
               if "Amara Okafor" in r.get_text())
    text = row.get_text(" ", strip=True)
    assert "Support plan" in text and "Helen Shaw" in text
    assert f"{next_point.due_on.day} {next_point.due_on:%B %Y}" in text
    plan = db.session.scalar(db.select(SupportPlan))
    plan.state, plan.closed_on = "closed", date(2099, 2, 1)
    db.session.commit()
    row = next(r for r in page(lead_client.get(f"/cohorts/{cohort_id}")).select("tbody tr")
               if "Amara Okafor" in r.get_text())
    assert "Support plan" not in row.get_text()


def test_return_and_resubmit_keep_every_round(client, people):
    report = _start(client, people)
    response = client.post(f"/reports/{report.id}/return",
                           data={"requests": "Add a reflection on the court hearing"})
    assert response.status_code == 303
    db.session.expire_all()
    portfolio = db.session.get(Portfolio, people["portfolio"].id)
    assert portfolio.state == "returned"
    operations.submit_for_review_point(people["candidate"], portfolio, "three-month", [])
    db.session.commit()
    assert client.post(f"/reports/start/{portfolio.id}").status_code == 303
    rounds = db.session.scalars(db.select(ReviewReport).order_by(ReviewReport.id)).all()
    assert [(r.outcome, r.state) for r in rounds] == [("returned", "signed_off"),
                                                      (None, "draft")]
    assert rounds[0].snapshot_id != rounds[1].snapshot_id
    assert db.session.scalar(db.select(db.func.count(PortfolioSnapshot.id))) == 2
    assert rounds[0].summary == "Add a reflection on the court hearing"


def test_returning_needs_requests(client, people):
    report = _start(client, people)
    response = client.post(f"/reports/{report.id}/return", data={"requests": "  "})
    assert response.status_code == 400
    assert "Say what the candidate needs to add or change" in error_summary(page(response))


def test_the_line_manager_confirms_support_once(app, client, people):
    report = _start(client, people)
    manager = app.test_client()
    sign_in(manager, people["manager"])
    response = manager.post(f"/reports/{report.id}/confirm", data={
        "supervision": "yes", "protected_time": "yes", "workload_reduction": "no",
        "line_manager_comment": "Caseload was high in March."})
    assert response.status_code == 303
    db.session.expire_all()
    stored = db.session.get(ReviewReport, report.id)
    assert (stored.supervision_confirmed, stored.workload_reduction_confirmed) == (True, False)
    manager.post(f"/reports/{report.id}/confirm", data={"supervision": "no"})
    db.session.expire_all()
    assert db.session.get(ReviewReport, report.id).supervision_confirmed is True


def test_the_candidate_responds_once_and_cannot_write_assessor_fields(app, client, people):
    report = _start(client, people)
    _sign_off(client, report, _full_form(people))
    candidate = app.test_client()
    sign_in(candidate, people["candidate"])
    tampered = candidate.post(f"/reports/{report.id}", data=_full_form(
        people, summary="I rate myself brilliant", action="save"))
    assert tampered.status_code == 404  # only the assessor writes the report
    db.session.expire_all()
    assert db.session.get(ReviewReport, report.id).summary.startswith("Good progress")
    assert candidate.post(f"/reports/{report.id}/respond",
                          data={"response": "Thank you, I agree."}).status_code == 303
    candidate.post(f"/reports/{report.id}/respond", data={"response": "Changed my mind"})
    db.session.expire_all()
    assert db.session.get(ReviewReport, report.id).candidate_response == "Thank you, I agree."


def test_another_councils_assessor_gets_not_found(app, client, people):
    report = _start(client, people)
    other_org = factories.organisation()
    stranger = app.test_client()
    sign_in(stranger, factories.user(other_org, roles=["assessor"]))
    assert stranger.get(f"/reports/{report.id}").status_code == 404


def test_text_in_reports_is_escaped(app, client, people):
    report = _start(client, people)
    _sign_off(client, report, _full_form(people, summary="<script>alert(1)</script>"))
    body = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body


def test_a_support_plan_shows_on_the_candidates_home_and_the_leads_cohort_page(app, client,
                                                                              people):
    report = _start(client, people)
    domains = _domains(people)
    _sign_off(client, report, _full_form(people, **{f"rating-{domains[0].id}": "not_on_track"}))
    candidate = app.test_client()
    sign_in(candidate, people["candidate"])
    assert "Support plan" in candidate.get("/home").get_data(as_text=True)
    lead = app.test_client()
    sign_in(lead, people["lead"])
    cohort_page = lead.get(f"/cohorts/{people['portfolio'].membership.cohort_id}")
    assert "Support plan" in cohort_page.get_data(as_text=True)


def test_a_closed_plan_leaves_the_portfolio_page_and_its_report_stays(app, client, people):
    """The page reads reports and their open plans in one query: closing the plan takes
    the banner away but not the report from the list."""
    _sign_off_not_on_track(client, people)
    candidate_client = app.test_client()
    sign_in(candidate_client, people["candidate"])
    url = f"/portfolios/{people['portfolio'].id}"
    soup = page(candidate_client.get(url))
    assert len(soup.select(".govuk-notification-banner")) == 1
    assert len(soup.select("a[href^='/reports/']")) == 2  # the banner's link and the list's
    plan = db.session.scalar(db.select(SupportPlan))
    plan.state, plan.closed_on = "closed", date(2099, 2, 1)
    db.session.commit()
    soup = page(candidate_client.get(url))
    assert soup.select(".govuk-notification-banner") == []
    assert len(soup.select("a[href^='/reports/']")) == 1


def test_a_nul_in_the_report_is_explained_and_the_text_comes_back(client, people):
    """PostgreSQL cannot store NUL: the field says so instead of a server error."""
    report = _start(client, people)
    summary = "Good progress\x00 in the first three months."
    response = client.post(f"/reports/{report.id}", data=_full_form(
        people, summary=summary, **{"action-0-description": "Shadow a\x00 senior",
                                    "action-0-due": "2026-06-01"}))
    assert response.status_code == 400
    soup = page(response)
    assert len(error_summary(soup)) == 2
    assert all("null character" in message for message in error_summary(soup))
    assert soup.select_one("textarea[name=summary]").get_text().strip() in {
        summary, summary.replace("\x00", "\ufffd")}
