"""Moving a cohort to the newer version of its programme.

One transaction: the cohort's row is locked first, so of two leads moving the same cohort
at once the second waits, then sees that the cohort is no longer on the version its page
showed and is refused; then the cohort's portfolios are locked and re-pointed.
"""

from sqlalchemy import select

from portal.accounts.models import User
from portal.cohorts.operations import CohortError
from portal.core import audit
from portal.core.db import db
from portal.organisations.models import Cohort, CohortMembership
from portal.portfolios.models import Portfolio
from portal.portfolios.programme_move import repoint
from portal.programmes.models import Programme, ProgrammeState

MOVED_MEANWHILE = ("This cohort was moved to another version while you were reading the "
                   "changes. Check its programme again.")


def move_target(cohort: Cohort) -> Programme | None:
    """The version a cohort can move to: its family's published version, when newer."""
    current = cohort.programme
    target = db.session.scalar(select(Programme).where(
        Programme.organisation_id == cohort.organisation_id,
        Programme.family_code == current.family_code,
        Programme.state == ProgrammeState.PUBLISHED.value))
    if target is None or target.version <= current.version:
        return None
    return target


def move_cohort(actor: User, cohort_id: int, from_programme_id: int,
                to_programme_id: int) -> Cohort:
    """Re-point the cohort and its portfolios from the version the lead saw to the newer
    one; refused if the cohort moved meanwhile or the target is not its move target."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.id == cohort_id)
                               .with_for_update().execution_options(populate_existing=True))
    if cohort is None or cohort.organisation_id != actor.organisation_id:
        raise CohortError("Cohort not found")
    if cohort.programme_id != from_programme_id:
        raise CohortError(MOVED_MEANWHILE)
    target = move_target(cohort)
    if target is None or target.id != to_programme_id:
        raise CohortError(MOVED_MEANWHILE)
    portfolios = db.session.scalars(
        select(Portfolio).join(CohortMembership, CohortMembership.id == Portfolio.membership_id)
        .where(CohortMembership.cohort_id == cohort.id).order_by(Portfolio.id)
        .with_for_update(of=Portfolio).execution_options(populate_existing=True)).all()
    for portfolio in portfolios:
        repoint(actor, portfolio, target)
    cohort.programme = target
    db.session.flush()
    audit.record(actor, "cohort_programme_moved", cohort, from_programme=from_programme_id,
                 to_programme=target.id, to_version=target.version, portfolios=len(portfolios))
    return cohort
