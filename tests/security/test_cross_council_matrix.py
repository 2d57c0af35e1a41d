"""The cross-council access matrix: every URL that names an object by its id, asked for by
a person of each role in council B and in council C with council A's ids, must be "not
found" and change nothing of A's.

Three councils are built once for the module (each with one of everything: see
councils.py); the tests only read them, so they share them and empty the database at the
end. The three are also a teaching partnership, in which A shares everything it can
(panel membership, external moderation, partnership reports) with B, in force today, and
shared it with C until yesterday: a grant opens only what it is for, which none of these
addresses is, so B (grant in force) and C (grant ended) must both still be refused.

What is accepted, and why:
- 404 always: the id is treated as if it did not exist.
- 403 only when the same person gets 403 for the same page with their OWN council's ids:
  the page is closed to their role as such (a candidate on an administrator's page), so
  the answer says nothing about A's object.
- Never 200 or a redirect (which could show or act on A's data), never 400 (the form was
  read before the object was checked), never 500.
"""

import re
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.core.extensions import limiter
from portal.partnerships import operations as partnerships
from portal.partnerships.models import SharedPurpose
from tests.conftest import empty_database, sign_in
from tests.security.councils import Council, build_council

# Which kind of a council's object each URL argument names (the kinds are councils.py's).
BY_ARGUMENT = {
    "portfolio_id": "portfolio", "entry_id": "entry", "attachment_id": "attachment",
    "snapshot_id": "snapshot", "panel_id": "panel", "item_id": "agenda_item",
    "decision_id": "decision", "report_id": "report", "plan_id": "support_plan",
    "observation_id": "observation", "cohort_id": "cohort", "membership_id": "membership",
    "assignment_id": "assignment", "candidate_id": "candidate", "user_id": "candidate",
    "programme_id": "programme", "notification_id": "notification", "email_id": "email",
    "registration_id": "registration", "record_id": "supervision",
    "request_id": "review_request",
    "round_id": "moderation_round", "sample_id": "moderation_sample",
    "partnership_id": "partnership", "grant_id": "grant",
}
# Where an argument of the same name names another kind, so that every id in a URL is
# one of the same object's (only the council is wrong).
BY_ENDPOINT = {
    ("portfolios.snapshot", "portfolio_id"): "submitted_portfolio",
    ("packs.snapshot_page", "portfolio_id"): "submitted_portfolio",
    ("packs.snapshot_request", "portfolio_id"): "submitted_portfolio",
    ("packs.snapshot_download", "portfolio_id"): "submitted_portfolio",
    ("packs.snapshot_status", "portfolio_id"): "submitted_portfolio",
    ("timeline.show", "portfolio_id"): "submitted_portfolio",
    **{(endpoint, "portfolio_id"): "submitted_portfolio" for endpoint in (
        "copies.add_own", "copies.approve", "copies.assistant", "copies.decide",
        "copies.read", "copies.start", "packs.copy_download", "packs.copy_page",
        "packs.copy_request", "packs.copy_status")},
    ("portfolios.exclude", "item_id"): "portfolio_entry",
    # The panel's confirmation of the assessor's recommendation is for a decided item.
    ("panel_moderation.confirmation", "item_id"): "decided_item",
    ("records.protected_time_delete", "record_id"): "protected_time",
    ("records.protected_time_edit", "record_id"): "protected_time",
    ("outside.cancel", "request_id"): "feedback_request",
}
# Programme builder pages are for a draft version (a published one cannot be changed).
DRAFT_PROGRAMME_ENDPOINTS = "programme_builder."
# Numbers that are not database ids: a row of a programme part, a file of an agenda item.
POSITIONS = {"index": 0, "number": 1}
# Frameworks, their elements and the mappings between them are national, shared by every
# council: seeing them is not a leak. A URL naming only these is left out of the matrix; a
# framework pair next to a council's object (a cohort's framework move) uses A's frameworks.
NATIONAL = {"framework_id", "element_id", "mapping_id"}
FRAMEWORK_PAIR = {"from_id": 0, "to_id": 1}
# The words a URL holds besides ids.
WORDS = {"role": "candidate", "stage_code": "beginning", "slug": "stages"}
# Form fields many of the portal's forms ask for, filled in plausibly, so that a form's
# checks pass and only the access check can refuse (extra fields are ignored).
FORM = {
    "reason": "A reason", "reasons": "Reasons", "notes": "Notes", "body": "A message",
    "rationale": "Good.", "code": "approved", "outcome": "upheld", "confirm": "yes",
    "title": "A title", "name": "A name", "email": "someone@example.org",
    "activity": "Reading", "hours": "1", "minutes": "0", "topics": "Caseload",
    "supervisor_name": "Sam Lee", "version": "1", "portfolio_id": "1", "summary": "Fine",
    "roles": "candidate", "left_on": "2026-10-01", "analysis": "Clear", "reflection": "Yes",
}

INT_ARGUMENT = re.compile(r"<int:(\w+)>")
WORD_ARGUMENT = re.compile(r"<(?:string:)?(\w+)>")
PLACEHOLDER = re.compile(r"<([^>]+)>")
# Pages that take an id before anyone signs in: starting a council's own sign-in is open
# to anyone by design (the registration id is on that council's public sign-in page).
PUBLIC = {"sign_on.start"}
# Pages of the service administrator, whose role is above the councils: they manage every
# council's partnerships, so another council's partnership id is theirs to open.
SERVICE_WIDE = ("service_partnerships.",)
# Ids a URL carries outside an <int:...> argument (a draft's key, a query string).
IDS_OUTSIDE_INT_ARGUMENTS = [
    ("evidence.autosave", "POST", "/evidence/drafts/entry-{entry}"),
    ("evidence.discard_draft", "POST", "/evidence/drafts/entry-{entry}/discard"),
    ("observations.new", "GET", "/observations/new?candidate={candidate}"),
    ("observations.new", "POST", "/observations/new?candidate={candidate}"),
]


def id_rules(app):
    """(endpoint, URL template, methods) of every rule with an <int:...> argument."""
    for rule in app.url_map.iter_rules():
        if INT_ARGUMENT.search(rule.rule):
            yield rule.endpoint, rule.rule, sorted(rule.methods & {"GET", "POST"})


def _kind(endpoint: str, argument: str) -> str | None:
    if (endpoint, argument) in BY_ENDPOINT:
        return BY_ENDPOINT[endpoint, argument]
    if argument == "programme_id" and endpoint.startswith(DRAFT_PROGRAMME_ENDPOINTS):
        return "draft_programme"
    return BY_ARGUMENT.get(argument)


def url_for_council(endpoint: str, template: str, council: Council) -> str | None:
    """The URL filled with `council`'s ids; None for a URL naming only national things."""
    arguments = INT_ARGUMENT.findall(template)
    if set(arguments) <= NATIONAL | set(FRAMEWORK_PAIR):
        return None

    def fill_id(match):
        argument = match.group(1)
        if argument in POSITIONS:
            return str(POSITIONS[argument])
        if argument in FRAMEWORK_PAIR:
            return str(council.ids["frameworks"][FRAMEWORK_PAIR[argument]])
        return str(council.ids[_kind(endpoint, argument)])

    url = INT_ARGUMENT.sub(fill_id, template)
    return WORD_ARGUMENT.sub(lambda match: WORDS[match.group(1)], url)


def unknown_arguments(app) -> set[str]:
    """The placeholders of id-bearing URLs the matrix cannot fill."""
    known_ids = set(BY_ARGUMENT) | set(POSITIONS) | NATIONAL | set(FRAMEWORK_PAIR)
    unknown = set()
    for endpoint, template, _methods in id_rules(app):
        for placeholder in PLACEHOLDER.findall(template):
            name = placeholder.removeprefix("int:").removeprefix("string:")
            if placeholder.startswith("int:"):
                known = name in known_ids or (endpoint, name) in BY_ENDPOINT
            else:
                known = name in WORDS and WORD_ARGUMENT.fullmatch(f"<{placeholder}>")
            if not known:
                unknown.add(f"{endpoint}: <{placeholder}>")
    return unknown


def test_the_matrix_knows_every_id_in_every_url(app):
    """A new <int:...> argument must be added to the matrix (BY_ARGUMENT or NATIONAL)."""
    assert unknown_arguments(app) == set()


# The councils ----------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _clean_database(app):
    """The councils are the module's (see `councils`): keep them between tests."""
    with app.app_context():
        yield
        db.session.remove()


def _share_a_with_b_and_once_with_c(built: dict) -> None:
    """A shares everything with B today, and shared it with C until yesterday."""
    today = today_in_england()
    a, b, c = (built[name] for name in "ABC")
    partnership = partnerships.create_partnership(
        None, "Matrix partnership", [a.organisation_id, b.organisation_id, c.organisation_id])
    administrator = db.session.get(User, a.people["administrator"])
    for purpose in SharedPurpose:
        partnerships.give_grant(administrator, partnership, partnerships.GrantDetails(
            b.organisation_id, purpose, today, today + timedelta(days=30)), today)
        ended = partnerships.give_grant(administrator, partnership, partnerships.GrantDetails(
            c.organisation_id, purpose, today, today), today)
        # It ran for a month until yesterday.
        ended.starts_on, ended.ends_on = today - timedelta(days=30), today - timedelta(days=1)
    db.session.flush()


@pytest.fixture(scope="module")
def councils(app):
    with app.app_context():
        built = {name: build_council() for name in "ABC"}
        _share_a_with_b_and_once_with_c(built)
        db.session.commit()
    # Leaving the context ran the jobs the commit asked for: the letters, packs, exports.
    yield built
    with app.app_context():
        empty_database(app)


def everything() -> dict[str, list]:
    """Every row of every table, to tell that nothing changed."""
    db.session.expire_all()
    with db.engine.connect() as connection:
        return {table.name: sorted(map(repr, connection.execute(select(table)).all()))
                for table in db.metadata.sorted_tables}


def _request(client, method: str, url: str):
    limiter.reset()  # hundreds of requests from one person are the test, not an attack
    if method == "GET":
        return client.get(url)
    return client.post(url, data=dict(FORM))


def _refusal_problem(client, method: str, url: str, own_url: str, endpoint: str) -> str | None:
    response = _request(client, method, url)
    status = response.status_code
    if status == 404:
        return None
    if status == 403:
        if _request(client, method, own_url).status_code == 403:
            return None
        return f"{method} {url} ({endpoint}): 403 for A's id, not 403 for the council's own"
    location = response.headers.get("Location", "")
    return f"{method} {url} ({endpoint}): {status} {location}".strip()


def requests_for(target: Council, own: Council, role: str | None = None):
    """(method, URL with A's ids, the same URL with the council's own, endpoint)."""
    for endpoint, template, methods in sorted(id_rules(current_app)):
        url = url_for_council(endpoint, template, target)
        if url is None or endpoint in PUBLIC:
            continue
        if role == Role.SERVICE_ADMINISTRATOR and endpoint.startswith(SERVICE_WIDE):
            continue
        for method in methods:
            yield method, url, url_for_council(endpoint, template, own), endpoint
    for endpoint, method, template in IDS_OUTSIDE_INT_ARGUMENTS:
        yield method, template.format(**target.ids), template.format(**own.ids), endpoint


def changes(before: dict, after: dict) -> dict:
    """table: (rows gone or changed, rows new or changed), a few of each."""
    return {name: (sorted(set(before[name]) - set(after[name]))[:3],
                   sorted(set(after[name]) - set(before[name]))[:3])
            for name in before if before[name] != after[name]}


@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("council_name", ["B", "C"])
def test_another_councils_ids_are_not_found(app, councils, council_name, role):
    target, own = councils["A"], councils[council_name]
    client = app.test_client()
    sign_in(client, db.session.get(User, own.people[role]))
    before = everything()
    problems = [problem for request in requests_for(target, own, role)
                if (problem := _refusal_problem(client, *request))]
    assert problems == []
    # Refusals write nothing, not even an audit row: every row of every table is as it was.
    assert changes(before, everything()) == {}


def test_each_url_shows_the_object_to_someone_of_its_own_council(app, councils):
    """The control: every page of the matrix opens (or moves on: a report already signed
    off) for at least one role of council A with A's ids, so A's 404s to other councils
    come from the council being wrong, not from an id of the wrong kind."""
    own, unreached = councils["A"], {}
    for role in Role:
        client = app.test_client()
        sign_in(client, db.session.get(User, own.people[role.value]))
        for method, url, _same, endpoint in requests_for(own, own):
            if method != "GET":
                continue
            if _request(client, "GET", url).status_code < 400:
                unreached[url] = None
            else:
                unreached.setdefault(url, endpoint)
    assert {url: endpoint for url, endpoint in unreached.items() if endpoint} == {}
