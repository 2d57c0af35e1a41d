"""The candidate's portfolio pages, submission through the browser's forms, and the
programme lead's pages for dates and programme settings."""

from datetime import date

import pytest

from portal.core.db import db
from portal.portfolios.models import Portfolio, PortfolioEntry, PortfolioSnapshot
from portal.programmes import building
from portal.programmes.models import ComponentRequirement, ReviewPointDefinition
from tests import factories
from tests.conftest import count_queries, error_summary, page, sign_in
from tests.portfolios.conftest import make_portfolio


@pytest.fixture
def mine(client, org):
    portfolio = make_portfolio(org, start=date(2026, 1, 5))
    sign_in(client, portfolio.candidate)
    return portfolio


def test_the_portfolio_page_shows_review_points_and_status(client, mine):
    soup = page(client.get(f"/portfolios/{mine.id}"))
    rows = [[c.get_text(" ", strip=True) for c in row.select("td")]
            for row in soup.select("table")[0].select("tbody tr")]
    assert rows[0][0] == "Support and assessment agreement"
    assert "Overdue" in rows[1][2]  # the 3-month review of January 2026 has passed
    assert "In progress" in soup.get_text()


def test_portfolios_index_goes_straight_to_the_only_portfolio(client, mine):
    response = client.get("/portfolios/")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/portfolios/{mine.id}"


def test_choose_evidence_for_a_section_and_take_it_out(client, mine):
    entry = factories.evidence_entry(mine.candidate, title="Observed home visit",
                                     evidence_type="direct_observation")
    db.session.commit()
    soup = page(client.get(f"/portfolios/{mine.id}/evidence"))
    assert soup.select_one(f"#section-{entry.id} option[selected]")["value"] == \
        "direct-observations"
    response = client.post(f"/portfolios/{mine.id}/evidence/{entry.id}",
                           data={"section": "direct-observations"})
    assert response.status_code == 303
    item = db.session.scalar(db.select(PortfolioEntry))
    assert item.section == "direct-observations"
    assert "Observed home visit" in client.get(f"/portfolios/{mine.id}").get_data(as_text=True)
    assert client.post(f"/portfolios/{mine.id}/evidence/{item.id}/remove").status_code == 303
    assert db.session.scalar(db.select(db.func.count(PortfolioEntry.id))) == 0


def test_an_unknown_section_is_refused(client, mine):
    entry = factories.evidence_entry(mine.candidate)
    db.session.commit()
    client.post(f"/portfolios/{mine.id}/evidence/{entry.id}", data={"section": "made-up"})
    assert db.session.scalar(db.select(db.func.count(PortfolioEntry.id))) == 0


def test_submitting_too_early_explains_exactly_what_is_missing(client, mine):
    response = client.post(f"/portfolios/{mine.id}/submit", data={"target": "panel"})
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == ["Your portfolio is not ready to submit"]
    missing = [li.get_text(" ", strip=True) for li in soup.select("#missing li")]
    assert any("Direct observations" in text for text in missing)
    assert any("Supervision" in text for text in missing)
    assert db.session.scalar(db.select(db.func.count(PortfolioSnapshot.id))) == 0


def test_submit_for_a_review_point_then_withdraw(client, mine, monkeypatch):
    from portal.portfolios.sufficiency import measures as sufficiency

    monkeypatch.setattr(sufficiency, "missing_for_review_point", lambda p, code: [])
    response = client.post(f"/portfolios/{mine.id}/submit", data={"target": "review:three-month"})
    assert response.status_code == 303
    snapshot = db.session.scalar(db.select(PortfolioSnapshot))
    assert response.headers["Location"] == f"/portfolios/{mine.id}/snapshots/{snapshot.id}"
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert snapshot.sha256 in shown and "Unchanged since submission" in shown
    assert client.post(f"/portfolios/{mine.id}/withdraw").status_code == 303
    db.session.expire_all()
    assert db.session.get(Portfolio, mine.id).state == "draft"


def test_a_bad_submission_target_is_refused(client, mine):
    response = client.post(f"/portfolios/{mine.id}/submit", data={"target": "review:nope"})
    assert response.status_code == 400


@pytest.mark.parametrize(("method", "path"), [
    ("get", ""), ("get", "/evidence"), ("post", "/submit"), ("post", "/withdraw"),
    ("get", "/snapshots/1"), ("post", "/evidence/1"), ("post", "/evidence/1/remove"),
    ("get", "/sufficiency"), ("get", "/records"),
])
def test_another_candidates_portfolio_is_not_found(client, mine, org, method, path):
    other = make_portfolio(org, candidate=factories.user(org, roles=["candidate"]))
    db.session.commit()
    assert getattr(client, method)(f"/portfolios/{other.id}{path}").status_code == 404


def test_another_candidates_entry_cannot_be_put_in_my_portfolio(client, mine, org):
    stranger = factories.evidence_entry(factories.user(org, roles=["candidate"]))
    db.session.commit()
    assert client.post(f"/portfolios/{mine.id}/evidence/{stranger.id}",
                       data={"section": ""}).status_code == 404


def test_the_portfolio_page_has_bounded_queries(client, mine):
    url = f"/portfolios/{mine.id}"  # read outside the count: a commit expires `mine`

    def queries():
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    for n in range(3):
        entry = factories.evidence_entry(mine.candidate, title=f"E{n}")
        db.session.add(PortfolioEntry(portfolio_id=mine.id, entry_id=entry.id))
    db.session.commit()
    queries()  # the first request fills the per-process configuration caches
    few = queries()
    # user, portfolio, the evidence (which completeness counts too), its records,
    # submissions and reports
    assert few <= 6, few
    for n in range(40):
        entry = factories.evidence_entry(mine.candidate, title=f"F{n}")
        db.session.add(PortfolioEntry(portfolio_id=mine.id, entry_id=entry.id))
    db.session.commit()
    assert queries() == few


def test_submissions_newest_first_and_the_current_reference_for_a_line_manager(client, org):
    """The candidate sees every submission, withdrawn ones marked; their line manager sees
    the current submission's reference but not the list (nor the evidence)."""
    from portal.assignments.models import AssignmentRole
    from portal.assignments.operations import assign
    from portal.portfolios import operations

    portfolio = make_portfolio(org)
    candidate = portfolio.candidate
    first = operations.submit_for_review_point(candidate, portfolio, "three-month", [])
    operations.withdraw_submission(candidate, portfolio)
    entry = factories.evidence_entry(candidate, title="Added since")
    db.session.add(PortfolioEntry(portfolio_id=portfolio.id, entry_id=entry.id))
    db.session.flush()
    second = operations.submit_for_review_point(candidate, portfolio, "three-month", [])
    manager = factories.user(org, roles=["line_manager"])
    assign(factories.user(org, roles=["programme_lead"]), candidate, manager,
           AssignmentRole.LINE_MANAGER, date(2026, 1, 5))
    db.session.commit()

    sign_in(client, candidate)
    soup = page(client.get(f"/portfolios/{portfolio.id}"))
    rows = soup.select("table")[-1].select("tbody tr")
    assert [row.select_one("code").get_text()[:16] for row in rows] == [
        second.sha256[:16], first.sha256[:16]]
    assert "Withdrawn" in rows[1].get_text() and "Withdrawn" not in rows[0].get_text()
    assert second.sha256 in soup.select_one(".govuk-inset-text").get_text()

    manager_client = client.application.test_client()
    sign_in(manager_client, manager)
    soup = page(manager_client.get(f"/portfolios/{portfolio.id}"))
    assert second.sha256 in soup.select_one(".govuk-inset-text").get_text()
    assert first.sha256 != second.sha256
    assert not soup.find("h2", string="Submissions") and first.sha256[:16] not in str(soup)


# Programme leads ------------------------------------------------------------------------
@pytest.fixture
def lead(app, org):
    return factories.user(org, roles=["programme_lead"])


def test_a_lead_moves_a_candidates_dates_for_part_time_working(client, org, lead):
    portfolio = make_portfolio(org, start=date(2026, 1, 5))
    sign_in(client, lead)
    url = f"/cohorts/{portfolio.membership.cohort_id}/candidates/{portfolio.membership_id}/dates"
    assert "Change review dates" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"kind": "part_time", "percent": "80",
                                      "reason": "Works four days a week"})
    assert response.status_code == 303
    db.session.expire_all()
    final = next(p for p in db.session.get(Portfolio, portfolio.id).review_points
             if p.code == "final")
    assert (final.due_on - final.base_due_on).days == 91


def test_a_date_change_needs_a_reason_and_a_number(client, org, lead):
    portfolio = make_portfolio(org)
    sign_in(client, lead)
    url = f"/cohorts/{portfolio.membership.cohort_id}/candidates/{portfolio.membership_id}/dates"
    response = client.post(url, data={"kind": "absence", "days": "", "reason": ""})
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Enter the number of days",
                                             "Explain the reason for the change"]


def test_another_councils_candidate_dates_are_not_found(client, org, lead):
    other_org = factories.organisation()
    portfolio = make_portfolio(other_org)
    sign_in(client, lead)
    url = f"/cohorts/{portfolio.membership.cohort_id}/candidates/{portfolio.membership_id}/dates"
    assert client.get(url).status_code == 404


def test_a_lead_changes_required_counts_and_review_months(client, org, lead):
    programme = building.new_version(lead, make_portfolio(org).programme)
    db.session.commit()
    observations = next(c for c in programme.components if c.code == "direct-observations")
    nine = next(p for p in programme.review_points if p.code == "nine-month")
    sign_in(client, lead)
    form = {f"component-{c.id}": str(c.min_count) for c in programme.components}
    form.update({f"review-{p.id}": str(p.due_month) for p in programme.review_points})
    form[f"component-{observations.id}"] = "4"
    form[f"review-{nine.id}"] = "8"
    response = client.post(f"/programmes/{programme.id}", data=form)
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(ComponentRequirement, observations.id).min_count == 4
    assert db.session.get(ReviewPointDefinition, nine.id).due_month == 8


def test_bad_programme_numbers_are_explained_and_kept(client, org, lead):
    programme = building.new_version(lead, make_portfolio(org).programme)
    db.session.commit()
    sign_in(client, lead)
    form = {f"component-{c.id}": str(c.min_count) for c in programme.components}
    form.update({f"review-{p.id}": str(p.due_month) for p in programme.review_points})
    first = programme.components[0]
    form[f"component-{first.id}"] = "lots"
    response = client.post(f"/programmes/{programme.id}", data=form)
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == ["Enter a whole number"]
    assert soup.select_one(f"#component-{first.id}")["value"] == "lots"


@pytest.mark.parametrize("role", ["candidate", "assessor", "panel_chair"])
def test_programme_settings_are_for_leads(client, org, role):
    portfolio = make_portfolio(org)
    sign_in(client, factories.user(org, roles=[role]))
    assert client.get(f"/programmes/{portfolio.programme_id}").status_code == 403


def test_another_councils_programme_is_not_found(client, org, lead):
    other = make_portfolio(factories.organisation())
    sign_in(client, lead)
    assert client.get(f"/programmes/{other.programme_id}").status_code == 404
