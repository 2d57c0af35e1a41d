"""Records that are agreed, not just typed: the agreement's three signatures and its signed
versions, the assessor's review of a development plan, and KSS ratings side by side."""

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.portfolios.models import AgreementState, Portfolio, SupportAgreement
from portal.portfolios.records import agreeing
from portal.portfolios.records import operations as records
from portal.portfolios.records import queries as record_queries
from tests import factories
from tests.conftest import assert_no_duplicate_ids, error_summary, page, sign_in
from tests.portfolios.conftest import make_portfolio

DETAILS = records.AgreementDetails(date(2026, 1, 5), "Weekly", "10% fewer cases",
                                   "Friday afternoons")


@pytest.fixture
def people(org):
    """A portfolio with an agreement, the candidate's assessor and line manager."""
    portfolio = make_portfolio(org)
    lead = factories.user(org, roles=[Role.PROGRAMME_LEAD])
    assessor = factories.user(org, roles=[Role.ASSESSOR], name="Asha Assessor")
    manager = factories.user(org, roles=[Role.LINE_MANAGER], name="Manon Manager")
    assign(lead, portfolio.candidate, assessor, AssignmentRole.ASSESSOR, date(2026, 1, 5))
    assign(lead, portfolio.candidate, manager, AssignmentRole.LINE_MANAGER, date(2026, 1, 5))
    agreement = records.save_support_agreement(portfolio.candidate, portfolio, DETAILS)
    db.session.flush()
    return {"portfolio": portfolio, "candidate": portfolio.candidate, "assessor": assessor,
            "manager": manager, "agreement": agreement, "lead": lead}


def _sign_all(people):
    portfolio, agreement = people["portfolio"], people["agreement"]
    version = None
    for role, who in (("candidate", "candidate"), ("assessor", "assessor"),
                      ("line_manager", "manager")):
        version = agreeing.sign_agreement(people[who], portfolio, agreement, role,
                                          agreement.revision)
    return version


def _actions():
    return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def _url(portfolio, rest=""):
    return f"/portfolios/{portfolio.id}/records{rest}"


# The agreement's signatures --------------------------------------------------------------
def test_the_state_follows_the_signatures_and_the_third_keeps_a_version(people):
    agreement = people["agreement"]
    assert agreement.signing_state == AgreementState.NOT_SIGNED
    portfolio = people["portfolio"]
    assert agreeing.sign_agreement(people["candidate"], portfolio, agreement, "candidate",
                                   1) is None
    assert agreement.signing_state == AgreementState.BEING_SIGNED
    assert agreement.candidate_signed_by_id == people["candidate"].id
    agreeing.sign_agreement(people["assessor"], portfolio, agreement, "assessor", 1)
    version = agreeing.sign_agreement(people["manager"], portfolio, agreement,
                                      "line_manager", 1)
    assert agreement.signing_state == AgreementState.SIGNED
    assert version.number == 1
    assert (version.supervision_arrangements, version.workload_reduction) == (
        "Weekly", "10% fewer cases")
    assert version.assessor_signed_by_id == people["assessor"].id
    assert version.line_manager_signed_at == agreement.line_manager_signed_at
    assert _actions()[-4:] == ["support_agreement_signed", "support_agreement_signed",
                               "support_agreement_signed", "support_agreement_version_kept"]


def test_a_change_after_signing_clears_the_signatures_and_keeps_the_signed_version(people):
    _sign_all(people)
    portfolio, agreement = people["portfolio"], people["agreement"]
    records.save_support_agreement(people["candidate"], portfolio, records.AgreementDetails(
        date(2026, 1, 5), "Fortnightly", "10% fewer cases", "Friday afternoons"))
    assert agreement.signing_state == AgreementState.NOT_SIGNED
    assert agreement.revision == 2
    assert all(getattr(agreement, f"{role}_signed_by_id") is None
               for role in ("candidate", "assessor", "line_manager"))
    assert _actions()[-2:] == ["support_agreement_updated",
                               "support_agreement_signatures_cleared"]
    [kept] = agreeing.signed_versions(agreement)
    assert kept.supervision_arrangements == "Weekly"
    # Signing the new wording keeps a second version; the first stays as it was.
    _sign_all(people)
    assert [(v.number, v.supervision_arrangements)
            for v in agreeing.signed_versions(agreement)] == [(2, "Fortnightly"), (1, "Weekly")]


def test_saving_the_same_wording_keeps_the_signatures(people):
    _sign_all(people)
    records.save_support_agreement(people["candidate"], people["portfolio"], DETAILS)
    assert people["agreement"].signing_state == AgreementState.SIGNED
    assert people["agreement"].revision == 1


@pytest.mark.parametrize("who, role", [
    ("candidate", "assessor"), ("assessor", "line_manager"), ("manager", "candidate"),
    ("lead", "assessor"),
])
def test_nobody_signs_for_someone_else(people, who, role):
    with pytest.raises(PermissionError):
        agreeing.sign_agreement(people[who], people["portfolio"], people["agreement"], role, 1)


def test_a_former_assessor_no_longer_signs(people, org):
    newcomer = factories.user(org, roles=[Role.ASSESSOR])
    assign(people["lead"], people["candidate"], newcomer, AssignmentRole.ASSESSOR,
           date(2026, 2, 1))
    with pytest.raises(PermissionError):
        agreeing.sign_agreement(people["assessor"], people["portfolio"], people["agreement"],
                                "assessor", 1)


def test_signing_wording_that_changed_meanwhile_or_twice_is_refused(people):
    portfolio, agreement = people["portfolio"], people["agreement"]
    with pytest.raises(records.RecordError, match="changed while you were reading"):
        agreeing.sign_agreement(people["assessor"], portfolio, agreement, "assessor", 0)
    agreeing.sign_agreement(people["assessor"], portfolio, agreement, "assessor", 1)
    with pytest.raises(records.RecordError, match="already signed"):
        agreeing.sign_agreement(people["assessor"], portfolio, agreement, "assessor", 1)


def test_the_assessor_signs_on_the_page_with_a_confirmation(client, people):
    portfolio = people["portfolio"]
    sign_in(client, people["assessor"])
    soup = page(client.get(_url(portfolio, "/agreement/signatures")))
    assert soup.select_one("#agreement-state").get_text(strip=True) == "Not signed yet"
    form = soup.select_one(f"form[action='{_url(portfolio, '/agreement/sign/assessor')}']")
    assert form is not None and form.select_one("input[type=checkbox][name=confirm]")
    assert_no_duplicate_ids(soup)

    refused = client.post(_url(portfolio, "/agreement/sign/assessor"), data={"revision": 1})
    assert refused.status_code == 400
    assert error_summary(page(refused)) == [
        "Confirm that you have read the agreement and agree to it"]
    assert people["agreement"].assessor_signed_at is None

    done = client.post(_url(portfolio, "/agreement/sign/assessor"),
                       data={"revision": 1, "confirm": "y"})
    assert done.status_code == 303
    db.session.expire_all()
    text = page(client.get(_url(portfolio, "/agreement/signatures"))).get_text(" ", strip=True)
    assert "Waiting for signatures" in text
    assert "Assessor Asha Assessor" in text


def test_the_page_shows_the_signed_versions(client, people):
    _sign_all(people)
    records.save_support_agreement(people["candidate"], people["portfolio"],
                                   records.AgreementDetails(date(2026, 1, 5), "Monthly",
                                                            "None", "None"))
    sign_in(client, people["manager"])
    soup = page(client.get(_url(people["portfolio"], "/agreement/signatures")))
    summaries = [s.get_text(strip=True) for s in soup.select(".govuk-details__summary-text")]
    assert len(summaries) == 1 and summaries[0].startswith("Version 1, signed by everyone on")
    assert "Weekly" in soup.select_one(".govuk-details").get_text()
    assert soup.select_one("#agreement-state").get_text(strip=True) == "Not signed yet"


def test_someone_elses_agreement_and_a_role_they_do_not_hold_are_404(client, people, org):
    other_manager = factories.user(org, roles=[Role.LINE_MANAGER])
    sign_in(client, other_manager)
    url = _url(people["portfolio"], "/agreement/signatures")
    assert client.get(url).status_code == 404
    client.post("/sign-out")
    sign_in(client, people["manager"])
    assert client.post(_url(people["portfolio"], "/agreement/sign/assessor"),
                       data={"revision": 1, "confirm": "y"}).status_code == 404


@pytest.mark.postgres_only
def test_the_last_two_signing_at_once_keep_one_version(app, people):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("two transactions racing need PostgreSQL")
    portfolio, agreement = people["portfolio"], people["agreement"]
    agreeing.sign_agreement(people["candidate"], portfolio, agreement, "candidate", 1)
    db.session.commit()
    ids = (portfolio.id, agreement.id)
    barrier = threading.Barrier(2)
    kept = []

    def sign(user_id, role):
        with app.app_context():
            signer = db.session.get(User, user_id)
            mine = db.session.get(Portfolio, ids[0])
            barrier.wait()
            kept.append(agreeing.sign_agreement(signer, mine, db.session.get(
                SupportAgreement, ids[1]), role, 1) is not None)
            db.session.commit()

    threads = [threading.Thread(target=sign, args=(people["assessor"].id, "assessor")),
               threading.Thread(target=sign, args=(people["manager"].id, "line_manager"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(kept) == [False, True]
    db.session.expire_all()
    assert agreement.signing_state == AgreementState.SIGNED
    assert len(agreeing.signed_versions(agreement)) == 1


# Development plans -----------------------------------------------------------------------
def test_the_assessor_reviews_a_plan_and_a_later_change_shows(client, people):
    portfolio, candidate = people["portfolio"], people["candidate"]
    plan = records.save_development_plan(candidate, portfolio, "beginning",
                                         records.PlanDetails(date(2026, 1, 5), "Learn"))
    sign_in(client, people["assessor"])
    soup = page(client.get(_url(portfolio, "/development-plans")))
    assert "Not reviewed yet" in soup.get_text()
    assert not soup.select(f"a[href='{_url(portfolio, '/development-plans/beginning')}']")
    response = client.post(_url(portfolio, "/development-plans/beginning/review"))
    assert response.status_code == 303
    db.session.expire_all()
    assert plan.reviewed_by_id == people["assessor"].id
    assert not plan.changed_since_reviewed
    assert "development_plan_reviewed" in _actions()
    text = page(client.get(_url(portfolio, "/development-plans"))).get_text(" ", strip=True)
    assert f"Asha Assessor, {plan.reviewed_at.day}" in text
    assert "Changed since reviewed" not in text

    records.save_development_plan(candidate, portfolio, "beginning",
                                  records.PlanDetails(date(2026, 1, 5), "Learn more"))
    db.session.commit()
    assert plan.changed_since_reviewed
    text = page(client.get(_url(portfolio, "/development-plans"))).get_text(" ", strip=True)
    assert "Changed since reviewed" in text


def test_only_the_current_assessor_reviews_a_plan(client, people):
    portfolio = people["portfolio"]
    plan = records.save_development_plan(people["candidate"], portfolio, "beginning",
                                         records.PlanDetails(date(2026, 1, 5), "Learn"))
    with pytest.raises(PermissionError):
        agreeing.review_development_plan(people["candidate"], portfolio, plan)
    sign_in(client, people["candidate"])
    assert client.post(_url(portfolio, "/development-plans/beginning/review")).status_code \
        == 403
    assert plan.reviewed_at is None


# KSS side by side ------------------------------------------------------------------------
def _rate(portfolio, stage_code, rating):
    framework = record_queries.kss_framework(portfolio)
    statements = record_queries.kss_statements(framework)
    records.save_kss_self_assessment(
        portfolio.candidate, portfolio, stage_code, date(2026, 1, 5) + timedelta(days=1),
        {s.id: (rating, "") for s in statements})
    return statements


def test_kss_ratings_side_by_side_in_a_labelled_scrolling_region(client, people):
    portfolio = people["portfolio"]
    stages = record_queries.kss_stages(portfolio)
    statements = _rate(portfolio, stages[0].code, 1)
    _rate(portfolio, stages[-1].code, 3)
    sign_in(client, people["assessor"])
    soup = page(client.get(_url(portfolio, "/kss")))
    region = soup.select_one("[role=region][aria-labelledby=kss-progress-heading]")
    assert region is not None and region["tabindex"] == "0"
    assert "portal-scroll-region" in region["class"]
    headers = [th.get_text(" ", strip=True) for th in region.select("thead th")]
    assert headers[0] == "Statement" and len(headers) == len(stages) + 1
    rows = region.select("tbody tr")
    assert len(rows) == len(statements)
    cells = [td.get_text(" ", strip=True) for td in rows[0].select("td")]
    assert cells[0] == "1 Not yet" and cells[-1] == "3 Confident"
    assert all(cell == "Not rated" for cell in cells[1:-1])
    assert_no_duplicate_ids(soup)


def test_staff_find_the_agreed_records_from_the_portfolio_page(client, people):
    portfolio = people["portfolio"]
    sign_in(client, people["assessor"])
    links = [a["href"] for a in page(client.get(f"/portfolios/{portfolio.id}"))
             .select("#agreed-records a")]
    assert links == [_url(portfolio, "/agreement/signatures"),
                     _url(portfolio, "/development-plans"), _url(portfolio, "/kss")]


def test_before_the_agreement_is_recorded_its_page_says_so(client, org):
    portfolio = make_portfolio(org)
    sign_in(client, portfolio.candidate)
    soup = page(client.get(_url(portfolio, "/agreement/signatures")))
    assert soup.select_one("#agreement-state").get_text(strip=True) == (
        "You have not recorded the agreement yet.")
    assert client.post(_url(portfolio, "/agreement/sign/candidate"),
                       data={"revision": 1, "confirm": "y"}).status_code == 404


def test_the_candidate_is_warned_and_told_to_sign_again_after_changing(client, people):
    _sign_all(people)
    portfolio = people["portfolio"]
    sign_in(client, people["candidate"])
    form = page(client.get(_url(portfolio, "/agreement")))
    assert "the signatures are removed" in form.select_one(".govuk-warning-text").get_text()
    response = client.post(_url(portfolio, "/agreement"), data={
        "agreed_on": ["5", "1", "2026"],
        "supervision_arrangements": "Fortnightly", "workload_reduction": "10% fewer cases",
        "protected_time": "Friday afternoons", "development_priorities": ""})
    assert response.status_code == 303
    assert response.headers["Location"] == _url(portfolio, "/agreement/signatures")
    db.session.expire_all()
    assert people["agreement"].signing_state == AgreementState.NOT_SIGNED
