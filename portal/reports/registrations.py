"""Recording what the ASYE funding claims ask of a newly qualified social worker: when
they qualified, their Social Work England registration number and the day they were
registered for the ASYE. Changes are written by `record_registration` only, with an
audit row naming the fields changed (never the number itself)."""

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.accounts.models import User
from portal.core import audit
from portal.core.db import db, utcnow
from portal.reports.models import ProfessionalRegistration
from portal.reports.operations import RetentionError

# Social Work England's register numbers are "SW" and digits (SW12345); people type them
# with spaces or in lower case, which are tidied away before checking.
SWE_NUMBER = re.compile(r"SW[0-9]{1,8}")  # ASCII digits: \d would take any script's
# The Department pays for the ASYE of those who qualified in the last four years: the
# claim is flagged when the qualification is older than that at the start.
QUALIFIED_WITHIN_YEARS = 4
FIELDS = ("qualified_on", "swe_number", "asye_registered_on")


class RegistrationError(RetentionError):
    """A refused registration detail, with the message and the form field it is about."""


@dataclass(frozen=True)
class RegistrationDetails:
    qualified_on: date | None
    swe_number: str | None
    asye_registered_on: date | None


def tidy_swe_number(typed: str | None) -> str | None:
    """The number as the register writes it ('sw 12345' becomes 'SW12345'), or None."""
    tidied = re.sub(r"\s+", "", typed or "").upper()
    return tidied or None


def registration_of(candidate_id: int) -> ProfessionalRegistration | None:
    return db.session.scalar(select(ProfessionalRegistration).where(
        ProfessionalRegistration.candidate_id == candidate_id))


def qualified_long_before(qualified_on: date | None, start: date | None) -> bool:
    """Whether the qualification is more than four years before the ASYE's start."""
    if qualified_on is None or start is None:
        return False
    try:
        limit = start.replace(year=start.year - QUALIFIED_WITHIN_YEARS)
    except ValueError:  # a leap day four years after 1900, 2100...: not a leap year then
        limit = start.replace(year=start.year - QUALIFIED_WITHIN_YEARS, day=28)
    return qualified_on < limit


def _check(details: RegistrationDetails, today: date) -> None:
    if details.qualified_on and details.qualified_on > today:
        raise RegistrationError("The qualification date must be today or in the past",
                                "qualified_on")
    if details.swe_number and not SWE_NUMBER.fullmatch(details.swe_number):
        raise RegistrationError(
            "Enter a Social Work England registration number in the correct format, "
            "like SW12345", "swe_number")
    registered = details.asye_registered_on
    if registered and registered > today:
        raise RegistrationError("The ASYE registration date must be today or in the past",
                                "asye_registered_on")
    if registered and details.qualified_on and registered < details.qualified_on:
        raise RegistrationError(
            "The ASYE registration date must be on or after the qualification date",
            "asye_registered_on")


def record_registration(actor: User, candidate: User, details: RegistrationDetails,
                        today: date) -> ProfessionalRegistration | None:
    """Record (or correct) `candidate`'s registration details. A save that changes
    nothing writes nothing (no row for an all-blank first save, no audit row)."""
    details = RegistrationDetails(details.qualified_on, tidy_swe_number(details.swe_number),
                                  details.asye_registered_on)
    _check(details, today)
    record = registration_of(candidate.id)
    before = record or ProfessionalRegistration()
    changed = [name for name in FIELDS if getattr(before, name) != getattr(details, name)]
    if not changed:
        return record
    action = "registration_corrected" if record else "registration_recorded"
    if record is None:
        record = ProfessionalRegistration(organisation_id=candidate.organisation_id,
                                          candidate_id=candidate.id)
        db.session.add(record)
    for name in FIELDS:
        setattr(record, name, getattr(details, name))
    record.recorded_by_id, record.recorded_at = actor.id, utcnow()
    db.session.flush()
    audit.record(actor, action, record, candidate_id=candidate.id, fields_changed=changed)
    return record
