"""Changes to partnerships and their grants, each with an explicit actor and an audit row
in every council's trail it concerns; flushed, never committed."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.core import audit
from portal.core.db import db, utcnow
from portal.organisations.models import Organisation
from portal.partnerships.errors import PartnershipError
from portal.partnerships.models import GrantState, Partnership, PartnershipGrant, SharedPurpose

# A grant is for a stated period (a year's moderation, a programme year's panels): long
# enough for that, short enough that nothing is shared for ever by default.
LONGEST_GRANT_DAYS = 3 * 366
# Any fixed number: it names the lock that lets one new partnership at a time through.
NAME_LOCK = 230_023


def _locked(row) -> None:
    """Re-read `row` and hold its lock until the transaction ends (PostgreSQL), so two
    requests at once cannot both pass a check made on it."""
    db.session.refresh(row, with_for_update=True)


def _councils(council_ids: list[int]) -> list[Organisation]:
    councils = list(db.session.scalars(select(Organisation)
                                       .where(Organisation.id.in_(set(council_ids)))))
    if len(councils) < 2 or len(councils) != len(set(council_ids)):
        raise PartnershipError("Select at least two councils", "council_ids")
    return councils


# The service administrator ------------------------------------------------------------
def create_partnership(actor: User | None, name: str, council_ids: list[int]) -> Partnership:
    """A partnership of at least two councils. `actor` is the service administrator
    (None from the command line). Joining shares nothing: councils grant that apart."""
    if actor is not None and not actor.has_role(Role.SERVICE_ADMINISTRATOR):
        raise PartnershipError("Only a service administrator can add a partnership")
    name = name.strip()
    if not name:
        raise PartnershipError("Enter the partnership's name", "name")
    if db.session.get_bind().dialect.name == "postgresql":
        # Names are compared whatever their case, which the unique column cannot do: one
        # new partnership at a time makes the check below race-free.
        db.session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": NAME_LOCK})
    if db.session.scalar(select(func.count(Partnership.id))
                         .where(func.lower(Partnership.name) == name.lower())):
        raise PartnershipError("A partnership with this name already exists", "name")
    partnership = Partnership(name=name, created_by_id=getattr(actor, "id", None),
                              created_at=utcnow())
    partnership.councils = _councils(council_ids)
    try:
        # Two administrators adding the same name at once: the unique name refuses one.
        with db.session.begin_nested():
            db.session.add(partnership)
            db.session.flush()
    except IntegrityError as error:
        raise PartnershipError("A partnership with this name already exists", "name") from error
    for council in partnership.councils:
        audit.record(actor, "partnership.joined", partnership, organisation_id=council.id)
    return partnership


def change_councils(actor: User | None, partnership: Partnership,
                    council_ids: list[int]) -> None:
    """Set the partnership's councils. A council that leaves stops sharing at once: every
    grant it gave or received in this partnership is withdrawn."""
    _locked(partnership)
    wanted = {council.id: council for council in _councils(council_ids)}
    before = {council.id for council in partnership.councils}
    for council_id in sorted(before - set(wanted)):
        for grant in partnership.grants:
            if (grant.state == GrantState.GRANTED and council_id in
                    (grant.granting_organisation_id, grant.receiving_organisation_id)):
                _withdraw(actor, grant)
        audit.record(actor, "partnership.left", partnership, organisation_id=council_id)
    partnership.councils = sorted(wanted.values(), key=lambda council: council.name)
    db.session.flush()
    for council_id in sorted(set(wanted) - before):
        audit.record(actor, "partnership.joined", partnership, organisation_id=council_id)


# A council's administrator --------------------------------------------------------------
@dataclass(frozen=True)
class GrantDetails:
    receiving_organisation_id: int
    purpose: SharedPurpose
    starts_on: date
    ends_on: date


def _check_grant(administrator: User, partnership: Partnership, details: GrantDetails,
                 today: date) -> None:
    if not administrator.has_role(Role.ADMINISTRATOR):
        raise PartnershipError("Only a council administrator can share with another council")
    if not partnership.has_council(administrator.organisation_id):
        raise PartnershipError("Your council is not in this partnership")
    if (details.receiving_organisation_id == administrator.organisation_id
            or not partnership.has_council(details.receiving_organisation_id)):
        raise PartnershipError("Select another council of this partnership",
                               "receiving_organisation_id")
    if details.ends_on < details.starts_on:
        raise PartnershipError("The last day must be on or after the first day", "ends_on")
    if details.starts_on < today:
        raise PartnershipError("The first day must be today or later", "starts_on")
    if (details.ends_on - details.starts_on).days > LONGEST_GRANT_DAYS:
        raise PartnershipError("Share for at most 3 years at a time", "ends_on")


def give_grant(administrator: User, partnership: Partnership, details: GrantDetails,
               today: date) -> PartnershipGrant:
    """The administrator's council shares one thing with another council of the
    partnership for a period. One grant of a kind between two councils at a time."""
    _locked(partnership)  # two administrators at once cannot both pass the checks below
    _check_grant(administrator, partnership, details, today)
    for grant in partnership.grants:
        if (grant.state == GrantState.GRANTED
                and grant.granting_organisation_id == administrator.organisation_id
                and grant.receiving_organisation_id == details.receiving_organisation_id
                and grant.purpose == details.purpose.value
                and grant.starts_on <= details.ends_on and details.starts_on <= grant.ends_on):
            raise PartnershipError("Your council already shares this with that council for "
                                   "some of these days: withdraw that first", "purpose")
    grant = PartnershipGrant(
        partnership=partnership, granting_organisation_id=administrator.organisation_id,
        receiving_organisation_id=details.receiving_organisation_id,
        purpose=details.purpose.value, starts_on=details.starts_on, ends_on=details.ends_on,
        state=GrantState.GRANTED, granted_by_id=administrator.id, granted_at=utcnow())
    db.session.add(grant)
    db.session.flush()
    shared = {"purpose": grant.purpose, "starts_on": grant.starts_on.isoformat(),
              "ends_on": grant.ends_on.isoformat(), "partnership_id": partnership.id}
    audit.record(administrator, "partnership_grant.given", grant,
                 organisation_id=grant.granting_organisation_id,
                 receiving_organisation_id=grant.receiving_organisation_id, **shared)
    audit.record(administrator, "partnership_grant.received", grant,
                 organisation_id=grant.receiving_organisation_id,
                 granting_organisation_id=grant.granting_organisation_id, **shared)
    return grant


def _withdraw(actor: User | None, grant: PartnershipGrant) -> None:
    grant.state, grant.withdrawn_at = GrantState.WITHDRAWN, utcnow()
    grant.withdrawn_by_id = getattr(actor, "id", None)
    db.session.flush()
    for organisation_id in (grant.granting_organisation_id, grant.receiving_organisation_id):
        audit.record(actor, "partnership_grant.withdrawn", grant,
                     organisation_id=organisation_id, purpose=grant.purpose)


def withdraw_grant(administrator: User, grant: PartnershipGrant) -> None:
    """The granting council ends a grant early; from now on nothing of it is shared."""
    _locked(grant)
    if (not administrator.has_role(Role.ADMINISTRATOR)
            or grant.granting_organisation_id != administrator.organisation_id):
        raise PartnershipError("Only the council that shared this can withdraw it")
    if grant.state == GrantState.WITHDRAWN:
        raise PartnershipError("This has already been withdrawn")
    _withdraw(administrator, grant)
