"""The demo's teaching partnership: a neighbouring council with an administrator and a
panel member, grouped with the demo council, each sharing a little with the other so
every partnership page has something to show."""

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import User, UserRole
from portal.accounts.roles import Role
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.organisations.models import Organisation
from portal.partnerships import operations
from portal.partnerships.models import Partnership, SharedPurpose

PARTNER = ("Eastvale Borough Council", "Eastvale")
PARTNERSHIP = "North Coast Teaching Partnership"
PARTNER_PEOPLE = [("Nadia Rahman", "admin", Role.ADMINISTRATOR),
                  ("Ola Bankole", "panel", Role.PANEL_MEMBER)]
# (from the demo council?, purpose): what each council shares with the other for a year.
SHARED = [(True, SharedPurpose.PANEL_MEMBERSHIP), (True, SharedPurpose.PARTNERSHIP_REPORTS),
          (False, SharedPurpose.EXTERNAL_MODERATION),
          (False, SharedPurpose.PARTNERSHIP_REPORTS)]


def partner_email(local_part: str) -> str:
    return f"{local_part}@eastvale.example.org"


def seed_partnership(council: Organisation, council_administrator: User,
                     password_hash: str) -> bool:
    """The partner council, its people, the partnership and its grants; False when the
    partnership is already there."""
    if db.session.scalar(select(Partnership.id).where(Partnership.name == PARTNERSHIP)):
        return False
    name, short = PARTNER
    partner = Organisation(name=name, short_name=short, two_factor_for_leads_and_admins=False)
    db.session.add(partner)
    db.session.flush()
    people = {}
    for person_name, local, role in PARTNER_PEOPLE:
        user = User(organisation_id=partner.id, name=person_name, email=partner_email(local),
                    password_hash=password_hash, active=True)
        user.role_grants = [UserRole(role=role.value)]
        db.session.add(user)
        people[local] = user
    db.session.flush()
    partnership = operations.create_partnership(None, PARTNERSHIP, [council.id, partner.id])
    today = today_in_england()
    for from_demo_council, purpose in SHARED:
        giver, receiver = ((council_administrator, partner) if from_demo_council
                           else (people["admin"], council))
        operations.give_grant(giver, partnership, operations.GrantDetails(
            receiver.id, purpose, today, today + timedelta(days=365)), today)
    return True
