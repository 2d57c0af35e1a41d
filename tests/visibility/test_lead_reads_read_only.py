"""A programme lead reads every portfolio of their council, read-only: they reach it from
the cohort's page, every page it leads to opens without a single thing to change, and
the changes those pages would offer the candidate are refused."""

from urllib.parse import urlparse

from portal.core.db import db
from portal.evidence.models import EvidenceEntry
from portal.portfolios import operations as portfolio_operations
from portal.portfolios.models import SupervisionRecord
from tests import factories
from tests.conftest import page, sign_in
from tests.visibility.world import MARKER, World

# Where a candidate's work can be opened from the portfolio's pages.
PORTFOLIO_PAGES = ("/portfolios/", "/evidence/", "/reports/", "/observations/",
                   "/assess/candidates/")
CHANGING_WORDS = ("/edit", "/delete", "/new", "/remove", "/withdraw", "/submit")


def _a_full_year(world: World):
    entry = factories.evidence_entry(world.candidate, title="Home visit", reflection=MARKER)
    portfolio_operations.include_entry(world.candidate, world.portfolio, entry, None)
    factories.attachment(entry)
    factories.support_agreement(world.portfolio)
    factories.development_plan(world.portfolio)
    factories.supervision(world.portfolio)
    factories.protected_time(world.portfolio)
    factories.kss_self_assessment(world.portfolio, world.first_kss_statement())
    factories.observation(world.candidate, world.assessor)
    return entry, world.draft_report()


def _links(soup) -> set[str]:
    return {urlparse(a["href"]).path for a in soup.select("main a[href]")
            if a["href"].startswith(PORTFOLIO_PAGES)}


# Asking for a PDF of what the lead reads (a portfolio pack), or starting an anonymised
# copy of a submission for moderation, changes nothing of the candidate's: each is a POST
# only because it makes a new record of the lead's own and is audited.
READING_FORMS = ("/pack", "/pack/download", "/anonymised-copy")


def _post_forms(soup) -> list[str]:
    return [form.get("action") for form in soup.select("main form")
            if form.get("method", "get").lower() == "post"
            and not form.get("action", "").endswith(READING_FORMS)]


def test_the_lead_opens_the_portfolio_from_the_cohort_page(app, org):
    world = World(org)
    db.session.commit()
    client = app.test_client()
    sign_in(client, world.lead)
    cohort = page(client.get(f"/cohorts/{world.portfolio.membership.cohort_id}"))
    assert world.url() in {a["href"] for a in cohort.select("a[href]")}
    assert client.get(world.url()).status_code == 200

    # An administrator manages the cohort but does not read the candidates' work.
    admin = app.test_client()
    sign_in(admin, world.admin)
    cohort = page(admin.get(f"/cohorts/{world.portfolio.membership.cohort_id}"))
    assert world.url() not in {a["href"] for a in cohort.select("a[href]")}
    assert admin.get(world.url()).status_code == 404


def test_every_page_the_lead_reaches_has_nothing_to_change(app, org):
    world = World(org)
    _a_full_year(world)
    db.session.commit()
    client = app.test_client()
    sign_in(client, world.lead)
    seen, waiting = set(), [world.url()]
    while waiting:
        url = waiting.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        if not response.mimetype.startswith("text/html"):
            continue
        soup = page(response)
        assert _post_forms(soup) == [], url
        links = _links(soup)
        assert not [link for link in links if link.endswith(CHANGING_WORDS)], url
        waiting.extend(links - seen)
    # It reached the records, the evidence, its file, the report and the observation.
    # The KSS ratings are read side by side on /records/kss (no per-stage page needed).
    for part in ("/records/supervision", "/records/kss", "/records/agreement",
                 "/sufficiency", "/evidence/", "/attachments/", "/reports/", "/observations/"):
        assert any(part in url for url in seen), part


def test_the_changes_a_candidate_makes_are_refused_to_the_lead(app, org):
    world = World(org)
    entry, report = _a_full_year(world)
    record = db.session.scalar(db.select(SupervisionRecord))
    db.session.commit()
    client = app.test_client()
    sign_in(client, world.lead)
    refused = [
        (f"/evidence/{entry.id}/edit", {"title": "Mine"}),
        (f"/evidence/{entry.id}/delete", {}),
        (world.url("/records/agreement"), {"agreed_on": ["1", "10", "2026"]}),
        (world.url("/records/supervision/new"), {"topics": "Mine"}),
        (world.url(f"/records/supervision/{record.id}/delete"), {}),
        (world.url("/records/kss/beginning"), world.kss_form()),
        (world.url("/withdraw"), {}),
        (world.url("/submit"), {"target": "panel"}),
        (f"/reports/{report.id}", {"summary": "Mine", "action": "save"}),
        (f"/reports/start/{world.portfolio.id}", {}),
        (f"/evidence/{entry.id}/feedback", {"body": "Mine"}),
    ]
    for url, form in refused:
        assert client.post(url, data=form).status_code in {403, 404}, url
    assert db.session.get(EvidenceEntry, entry.id).title == "Home visit"
    assert db.session.get(SupervisionRecord, record.id) is not None
