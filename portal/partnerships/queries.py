"""Who shares what with whom: the questions access checks and pages ask of the grants."""

from datetime import date

from sqlalchemy import select

from portal.core.db import db
from portal.organisations.models import Organisation
from portal.partnerships.models import (
    GrantState,
    Partnership,
    PartnershipGrant,
    SharedPurpose,
    partnership_council,
)


def in_force(purpose: SharedPurpose, day: date):
    """The condition a grant of `purpose` meets while it is in force on `day`."""
    return (PartnershipGrant.purpose == purpose.value,
            PartnershipGrant.state == GrantState.GRANTED.value,
            PartnershipGrant.starts_on <= day, PartnershipGrant.ends_on >= day)


def councils_sharing_with(organisation_id: int, purpose: SharedPurpose, day: date) -> set[int]:
    """The councils that share `purpose` with this council on `day`."""
    return set(db.session.scalars(
        select(PartnershipGrant.granting_organisation_id)
        .where(PartnershipGrant.receiving_organisation_id == organisation_id,
               *in_force(purpose, day))))


def councils_shared_with(organisation_id: int, purpose: SharedPurpose, day: date) -> set[int]:
    """The councils this council shares `purpose` with on `day`."""
    return set(db.session.scalars(
        select(PartnershipGrant.receiving_organisation_id)
        .where(PartnershipGrant.granting_organisation_id == organisation_id,
               *in_force(purpose, day))))


def shares(granting_id: int, receiving_id: int, purpose: SharedPurpose, day: date) -> bool:
    """Whether one council shares `purpose` with another on `day` (a council always
    'shares' with itself: its own records are its own)."""
    if granting_id == receiving_id:
        return True
    return db.session.scalar(
        select(PartnershipGrant.id)
        .where(PartnershipGrant.granting_organisation_id == granting_id,
               PartnershipGrant.receiving_organisation_id == receiving_id,
               *in_force(purpose, day)).limit(1)) is not None


def partnerships_of(organisation_id: int) -> list[Partnership]:
    """The council's partnerships, by name."""
    return list(db.session.scalars(
        select(Partnership)
        .join(partnership_council, partnership_council.c.partnership_id == Partnership.id)
        .where(partnership_council.c.organisation_id == organisation_id)
        .order_by(Partnership.name)))


def all_partnerships() -> list[Partnership]:
    return list(db.session.scalars(select(Partnership).order_by(Partnership.name)))


def all_councils() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def grants_involving(partnership: Partnership, organisation_id: int) -> tuple[list, list]:
    """(given, received): the council's grants in the partnership, newest first."""
    grants = sorted(partnership.grants, key=lambda grant: grant.id, reverse=True)
    given = [g for g in grants if g.granting_organisation_id == organisation_id]
    received = [g for g in grants if g.receiving_organisation_id == organisation_id]
    return given, received
