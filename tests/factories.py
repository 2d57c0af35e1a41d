"""Small factories for the objects most tests need. Each flushes, none commits."""

import itertools
from datetime import date

from portal.accounts.models import User, UserRole
from portal.accounts.passwords import hash_password
from portal.accounts.roles import Role
from portal.core.db import db
from portal.organisations.models import Cohort, CohortMembership, EntryRoute, Organisation, Team
from portal.programmes.models import Programme

PASSWORD = "correct horse battery"
_counter = itertools.count(1)
_password_hash_cache: dict[str, str] = {}


def _hash(password: str) -> str:
    # argon2 is deliberately slow; hash each test password once per run.
    if password not in _password_hash_cache:
        _password_hash_cache[password] = hash_password(password)
    return _password_hash_cache[password]


def organisation(name: str | None = None, two_factor_required: bool = False) -> Organisation:
    """A council. Unlike a real one, it does not require two-factor sign-in of its leads
    and administrators unless asked to, so tests can sign them in with a password."""
    n = next(_counter)
    org = Organisation(name=name or f"Council {n}", short_name=f"C{n}",
                       two_factor_for_leads_and_admins=two_factor_required)
    db.session.add(org)
    db.session.flush()
    return org


def team(org: Organisation, name: str | None = None) -> Team:
    t = Team(organisation_id=org.id, name=name or f"Team {next(_counter)}")
    db.session.add(t)
    db.session.flush()
    return t


def programme(org: Organisation, code: str | None = None) -> Programme:
    n = next(_counter)
    p = Programme(organisation_id=org.id, code=code or f"prog-{n}", name=f"Programme {n}")
    db.session.add(p)
    db.session.flush()
    return p


def user(org: Organisation | None = None, roles=(Role.CANDIDATE,), name: str | None = None,
         email: str | None = None, password: str = PASSWORD, active: bool = True,
         team_id: int | None = None) -> User:
    n = next(_counter)
    org = org or organisation()
    u = User(
        organisation_id=org.id,
        name=name or f"Person {n}",
        email=email or f"person{n}@example.org",
        password_hash=_hash(password),
        active=active,
        team_id=team_id,
    )
    u.role_grants = [UserRole(role=Role(r).value) for r in roles]
    db.session.add(u)
    db.session.flush()
    return u


def cohort(org: Organisation, prog: Programme | None = None, name: str | None = None,
           start: date = date(2026, 9, 7), route: EntryRoute = EntryRoute.UNIVERSITY) -> Cohort:
    c = Cohort(
        organisation_id=org.id,
        programme_id=(prog or programme(org)).id,
        name=name or f"Cohort {next(_counter)}",
        start_date=start,
        entry_route=route.value,
    )
    db.session.add(c)
    db.session.flush()
    return c


def membership(c: Cohort, candidate: User, joined: date = date(2026, 9, 7)) -> CohortMembership:
    m = CohortMembership(cohort_id=c.id, candidate_id=candidate.id, joined_on=joined)
    db.session.add(m)
    db.session.flush()
    return m


def framework(code: str = "pcf", version: str | None = None, elements: int = 3,
              status: str = "active", title: str | None = None):
    """A framework with `elements` top-level elements coded 1..n."""
    from portal.frameworks.models import Framework, FrameworkElement

    f = Framework(code=code, version=version or f"v{next(_counter)}",
                  title=title or code.upper(), publisher="Test publisher", status=status)
    f.elements = [
        FrameworkElement(code=str(n), title=f"Element {n}", description="", position=n,
                         depth=0)
        for n in range(1, elements + 1)
    ]
    db.session.add(f)
    db.session.flush()
    return f


def candidate_with_framework(org: Organisation, elements: int = 3):
    """A candidate in a cohort whose programme uses one framework; returns (user, fw)."""
    prog = programme(org)
    fw = framework(elements=elements)
    prog.frameworks.append(fw)
    c = cohort(org, prog)
    candidate = user(org, roles=[Role.CANDIDATE])
    membership(c, candidate)
    return candidate, fw


def evidence_entry(candidate: User, title: str = "Home visit reflection",
                   occurred_on: date = date(2026, 10, 1), evidence_type: str = "other",
                   reflection: str = "", links=()):
    from portal.evidence.models import EvidenceEntry, EvidenceLink

    entry = EvidenceEntry(candidate_id=candidate.id, organisation_id=candidate.organisation_id,
                          title=title, occurred_on=occurred_on, evidence_type=evidence_type,
                          reflection=reflection)
    entry.links = [EvidenceLink(element_id=element.id, reason=reason)
                   for element, reason in links]
    db.session.add(entry)
    db.session.flush()
    return entry


# A candidate's records (used by tests/visibility) --------------------------------------
def assignment(candidate: User, staff: User, role: str = "assessor",
               started_on: date = date(2026, 9, 7), ended_on: date | None = None):
    """`staff` assigned to `candidate` as assessor (or line_manager) from `started_on`."""
    from portal.assignments.models import Assignment

    row = Assignment(organisation_id=candidate.organisation_id, candidate_id=candidate.id,
                     staff_id=staff.id, role=role, started_on=started_on, ended_on=ended_on)
    db.session.add(row)
    db.session.flush()
    return row


def attachment(entry, name: str = "Visit notes.pdf", content: bytes = b"%PDF-1.4\n% notes\n"):
    """A PDF attached to `entry`, really stored (so it can be downloaded)."""
    from io import BytesIO

    from portal.core.storage import get_storage
    from portal.evidence.models import Attachment

    stored = get_storage().save_stream(BytesIO(content), len(content))
    row = Attachment(entry_id=entry.id, owner_id=entry.candidate_id, original_name=name,
                     stored_name=stored.stored_name, content_type="application/pdf",
                     size_bytes=stored.size, sha256=stored.sha256)
    db.session.add(row)
    db.session.flush()
    return row


def _record(model, portfolio, **values):
    row = model(portfolio_id=portfolio.id, **values)
    db.session.add(row)
    db.session.flush()
    return row


def support_agreement(portfolio, agreed_on: date = date(2026, 9, 14), **values):
    from portal.portfolios.models import SupportAgreement

    values = {"supervision_arrangements": "Weekly", "workload_reduction": "A lighter caseload",
              "protected_time": "Friday afternoons", **values}
    return _record(SupportAgreement, portfolio, agreed_on=agreed_on, **values)


def development_plan(portfolio, stage_code: str = "beginning",
                     agreed_on: date = date(2026, 9, 14), goals: str = "Court skills"):
    from portal.portfolios.models import DevelopmentPlan

    return _record(DevelopmentPlan, portfolio, stage_code=stage_code, agreed_on=agreed_on,
                   goals=goals)


def supervision(portfolio, held_on: date = date(2026, 10, 1), topics: str = "Caseload",
                supervisor_name: str = "Sam Lee"):
    from portal.portfolios.models import SupervisionRecord

    return _record(SupervisionRecord, portfolio, held_on=held_on, topics=topics,
                   supervisor_name=supervisor_name)


def protected_time(portfolio, taken_on: date = date(2026, 10, 2), activity: str = "Reading",
                   minutes: int = 90):
    from portal.portfolios.models import ProtectedTimeRecord

    return _record(ProtectedTimeRecord, portfolio, taken_on=taken_on, activity=activity,
                   minutes=minutes)


def kss_self_assessment(portfolio, element, stage_code: str = "beginning",
                        completed_on: date = date(2026, 9, 20), comment: str = ""):
    """A self-assessment rating one statement (`element`) at `stage_code`."""
    from portal.portfolios.models import KssRating, KssSelfAssessment

    return _record(KssSelfAssessment, portfolio, stage_code=stage_code,
                   completed_on=completed_on,
                   ratings=[KssRating(element_id=element.id, rating=2, comment=comment)])


def observation(candidate: User, observer: User, state: str = "completed",
                observed_on: date = date(2026, 10, 5), analysis: str = "Clear and warm"):
    from portal.assessment.models import Observation

    row = Observation(organisation_id=candidate.organisation_id, candidate_id=candidate.id,
                      observer_id=observer.id, state=state, observed_on=observed_on,
                      setting="Home visit", analysis=analysis)
    db.session.add(row)
    db.session.flush()
    return row


def feedback_request(candidate: User, label: str = "Parent after the review"):
    """An open one-time feedback link (its secret is not kept)."""
    import secrets
    from datetime import timedelta

    from portal.assessment.models import FeedbackRequest
    from portal.core.db import utcnow

    row = FeedbackRequest(organisation_id=candidate.organisation_id, candidate_id=candidate.id,
                          created_by_id=candidate.id, kind="colleague", label=label,
                          token_hash=secrets.token_hex(32),
                          expires_at=utcnow() + timedelta(days=30))
    db.session.add(row)
    db.session.flush()
    return row


def support_plan(portfolio, assessor: User, concerns: str = "Analysis",
                 opened_on: date = date(2026, 11, 2)):
    """An open support plan, with the signed-off review report that opened it."""
    from datetime import timedelta

    from portal.core.db import utcnow
    from portal.portfolios.reviews.models import ReviewReport, SupportPlan

    report = ReviewReport(portfolio_id=portfolio.id, review_point_code="three-month",
                          assessor_id=assessor.id, state="signed_off", outcome="completed",
                          signed_off_at=utcnow())
    db.session.add(report)
    db.session.flush()
    return _record(SupportPlan, portfolio, report_id=report.id, opened_on=opened_on,
                   review_on=opened_on + timedelta(weeks=6), concerns=concerns)
