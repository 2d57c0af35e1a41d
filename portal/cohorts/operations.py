"""Changes to cohorts and their membership, each audited, never committed here."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.cohorts import queries
from portal.core import audit
from portal.core.db import db
from portal.organisations.models import Cohort, CohortMembership, EntryRoute
from portal.portfolios.models import Portfolio, PortfolioSnapshot
from portal.portfolios.operations import enrol
from portal.programmes.models import Programme, ProgrammeState


class CohortError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class CohortDetails:
    name: str
    programme_id: int
    start_date: date
    entry_route: EntryRoute


def _check(actor: User, details: CohortDetails, cohort: Cohort | None = None) -> None:
    programme = db.session.get(Programme, details.programme_id)
    if programme is None or programme.organisation_id != actor.organisation_id:
        raise CohortError("Select a programme", field="programme_id")
    # Drafts are not offered to cohorts; a cohort may keep a version since replaced.
    kept = cohort is not None and cohort.programme_id == programme.id
    if programme.state != ProgrammeState.PUBLISHED.value and not kept:
        raise CohortError("Select a published programme", field="programme_id")
    clash = select(func.count()).select_from(Cohort).where(
        Cohort.organisation_id == actor.organisation_id,
        func.lower(Cohort.name) == details.name.strip().lower(),
    )
    if cohort is not None:
        clash = clash.where(Cohort.id != cohort.id)
    if db.session.scalar(clash):
        raise CohortError("A cohort with this name already exists", field="name")


def create_cohort(actor: User, details: CohortDetails) -> Cohort:
    _check(actor, details)
    cohort = Cohort(
        organisation_id=actor.organisation_id,
        programme_id=details.programme_id,
        name=details.name.strip(),
        start_date=details.start_date,
        entry_route=details.entry_route.value,
    )
    db.session.add(cohort)
    db.session.flush()
    audit.record(actor, "cohort_created", cohort)
    return cohort


def update_cohort(actor: User, cohort: Cohort, details: CohortDetails) -> Cohort:
    _check(actor, details, cohort)
    changed = [
        name
        for name, new in (
            ("name", details.name.strip()),
            ("programme_id", details.programme_id),
            ("start_date", details.start_date),
            ("entry_route", details.entry_route.value),
        )
        if getattr(cohort, name) != new
    ]
    cohort.name = details.name.strip()
    cohort.programme_id = details.programme_id
    cohort.start_date = details.start_date
    cohort.entry_route = details.entry_route.value
    if changed:
        audit.record(actor, "cohort_updated", cohort, fields=changed)
    return cohort


def set_cohort_active(actor: User, cohort: Cohort, active: bool) -> None:
    if cohort.active == active:
        raise CohortError("The cohort is already " + ("open" if active else "closed"))
    cohort.active = active
    audit.record(actor, "cohort_reopened" if active else "cohort_closed", cohort)


def add_candidate(
    actor: User, cohort: Cohort, candidate: User, joined_on: date
) -> CohortMembership:
    same_council = candidate.organisation_id == cohort.organisation_id
    if not same_council or not candidate.has_role(Role.CANDIDATE):
        raise CohortError("There is no candidate with that email address in your organisation",
                          field="candidate_email")
    # One add at a time per candidate: two cohorts adding them at once would each see no
    # open portfolio elsewhere. The second waits here, then sees the first's (PostgreSQL).
    db.session.execute(select(User.id).where(User.id == candidate.id).with_for_update())
    exists = db.session.scalar(
        select(func.count()).select_from(CohortMembership).where(
            CohortMembership.cohort_id == cohort.id,
            CohortMembership.candidate_id == candidate.id,
        )
    )
    if exists:
        raise CohortError(f"{candidate.name} is already in this cohort", field="candidate_email")
    elsewhere = queries.open_enrolment_elsewhere(candidate.id, cohort.id)
    if elsewhere is not None:
        raise CohortError(
            f"{candidate.name} already has a portfolio in progress in the cohort "
            f"‘{elsewhere.cohort_name}’ ({elsewhere.programme_name}). A candidate works on "
            "one portfolio at a time: add them here once that one has been decided, or "
            "remove them from that cohort first", field="candidate_email")
    membership = CohortMembership(cohort=cohort, candidate=candidate, joined_on=joined_on)
    db.session.add(membership)
    db.session.flush()
    audit.record(actor, "candidate_added_to_cohort", cohort, candidate_id=candidate.id)
    # Enrolling starts the candidate's portfolio, pinned to today's framework versions.
    enrol(actor, membership)
    return membership


def remove_candidate(actor: User, membership: CohortMembership) -> None:
    """Take a candidate out of a cohort. A portfolio with any submission is kept: remove
    refuses rather than lose a submitted record."""
    cohort = membership.cohort
    portfolio = db.session.scalar(select(Portfolio).where(
        Portfolio.membership_id == membership.id))
    if portfolio is not None and db.session.scalar(select(func.count(PortfolioSnapshot.id))
                                                   .where(PortfolioSnapshot.portfolio_id
                                                          == portfolio.id)):
        raise CohortError(f"{membership.candidate.name} has submitted their portfolio, so "
                          "they cannot be removed from the cohort")
    audit.record(actor, "candidate_removed_from_cohort", cohort,
                 candidate_id=membership.candidate_id)
    db.session.delete(membership)
    db.session.flush()
