"""Partnership operations: who may do what, what each grant opens and for how long, and
an audit row in each council's trail."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.core.audit import AuditEvent
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.partnerships import operations, queries
from portal.partnerships.errors import PartnershipError
from portal.partnerships.models import GrantState, Partnership, PartnershipGrant, SharedPurpose
from tests import factories
from tests.partnerships.conftest import share
from tests.races import postgres_only, run_at_once

REPORTS = SharedPurpose.PARTNERSHIP_REPORTS


def _trail(organisation_id: int) -> list[str]:
    return db.session.scalars(select(AuditEvent.action)
                              .where(AuditEvent.organisation_id == organisation_id)
                              .order_by(AuditEvent.id)).all()


def test_a_partnership_needs_two_councils_and_a_new_name(members, partnership):
    one = [members["Northshire"].org.id]
    with pytest.raises(PartnershipError, match="at least two"):
        operations.create_partnership(None, "Solo", one)
    with pytest.raises(PartnershipError, match="at least two"):
        operations.create_partnership(None, "Unknown", [*one, 999_999])
    with pytest.raises(PartnershipError, match="already exists"):
        operations.create_partnership(None, "north coast teaching partnership",
                                      [m.org.id for m in members.values()])


def test_only_a_service_administrator_adds_a_partnership(members):
    with pytest.raises(PartnershipError, match="service administrator"):
        operations.create_partnership(members["Northshire"].administrator, "Ours",
                                      [m.org.id for m in members.values()])


def test_joining_is_audited_in_each_council_and_shares_nothing(members, partnership):
    today = today_in_england()
    for member in members.values():
        assert _trail(member.org.id) == ["partnership.joined"]
        for purpose in SharedPurpose:
            assert queries.councils_sharing_with(member.org.id, purpose, today) == set()


def test_a_grant_is_in_force_for_its_days_only(members, partnership):
    north, east = members["Northshire"], members["Eastvale"]
    grant = share(north, east, partnership, REPORTS, days_from=1, days_to=10)
    today = today_in_england()
    for day, expected in ((today, False), (today + timedelta(days=1), True),
                          (today + timedelta(days=10), True), (today + timedelta(days=11), False)):
        assert queries.shares(north.org.id, east.org.id, REPORTS, day) is expected
        assert grant.in_force_on(day) is expected
    # One way only, and for that purpose only.
    assert not queries.shares(east.org.id, north.org.id, REPORTS, today + timedelta(days=2))
    assert not queries.shares(north.org.id, east.org.id, SharedPurpose.EXTERNAL_MODERATION,
                              today + timedelta(days=2))
    assert _trail(north.org.id)[-1] == "partnership_grant.given"
    assert _trail(east.org.id)[-1] == "partnership_grant.received"


def test_only_an_administrator_of_a_member_council_shares(members, partnership):
    north, east = members["Northshire"], members["Eastvale"]
    today = today_in_england()
    details = operations.GrantDetails(east.org.id, REPORTS, today, today + timedelta(days=5))
    with pytest.raises(PartnershipError, match="administrator"):
        operations.give_grant(north.lead, partnership, details, today)
    outsider_org = factories.organisation()
    outsider = factories.user(outsider_org, roles=["administrator"])
    with pytest.raises(PartnershipError, match="not in this partnership"):
        operations.give_grant(outsider, partnership, details, today)
    with pytest.raises(PartnershipError, match="another council"):
        operations.give_grant(north.administrator, partnership, operations.GrantDetails(
            north.org.id, REPORTS, today, today), today)
    with pytest.raises(PartnershipError, match="another council"):
        operations.give_grant(north.administrator, partnership, operations.GrantDetails(
            outsider_org.id, REPORTS, today, today), today)


@pytest.mark.parametrize(("start", "end", "message"), [
    (5, 1, "on or after the first day"),
    (-10, -1, "today or later"),
    (0, 3 * 366 + 1, "at most 3 years"),
])
def test_a_grant_needs_a_sensible_period(members, partnership, start, end, message):
    today = today_in_england()
    with pytest.raises(PartnershipError, match=message):
        operations.give_grant(members["Northshire"].administrator, partnership,
                              operations.GrantDetails(members["Eastvale"].org.id, REPORTS,
                                                      today + timedelta(days=start),
                                                      today + timedelta(days=end)), today)


def test_overlapping_grants_of_one_kind_are_refused(members, partnership):
    north, east, west = members["Northshire"], members["Eastvale"], members["Westmoor"]
    share(north, east, partnership, REPORTS, 0, 30)
    with pytest.raises(PartnershipError, match="already shares"):
        share(north, east, partnership, REPORTS, 30, 60)
    # Another kind, another council, or a period after it are all fine.
    share(north, east, partnership, SharedPurpose.PANEL_MEMBERSHIP, 0, 30)
    share(north, west, partnership, REPORTS, 0, 30)
    share(north, east, partnership, REPORTS, 31, 60)


def test_withdrawing_ends_a_grant_at_once_and_only_its_giver_can(members, partnership):
    north, east = members["Northshire"], members["Eastvale"]
    grant = share(north, east, partnership, REPORTS)
    with pytest.raises(PartnershipError, match="Only the council that shared"):
        operations.withdraw_grant(east.administrator, grant)
    with pytest.raises(PartnershipError, match="Only the council that shared"):
        operations.withdraw_grant(north.lead, grant)
    operations.withdraw_grant(north.administrator, grant)
    db.session.commit()
    assert grant.state == GrantState.WITHDRAWN and grant.withdrawn_by_id == north.administrator.id
    assert not queries.shares(north.org.id, east.org.id, REPORTS, today_in_england())
    assert grant.status_on(today_in_england()) == "Withdrawn"
    with pytest.raises(PartnershipError, match="already been withdrawn"):
        operations.withdraw_grant(north.administrator, grant)
    assert _trail(east.org.id)[-1] == "partnership_grant.withdrawn"
    # Withdrawn, a new grant for the same days may be given.
    share(north, east, partnership, REPORTS)


def test_a_council_that_leaves_stops_sharing_both_ways(members, partnership):
    north, east, west = members["Northshire"], members["Eastvale"], members["Westmoor"]
    given = share(north, east, partnership, REPORTS)
    received = share(west, north, partnership, REPORTS)
    kept = share(east, west, partnership, REPORTS)
    operations.change_councils(None, partnership, [east.org.id, west.org.id])
    db.session.commit()
    assert (given.state, received.state, kept.state) == (
        GrantState.WITHDRAWN, GrantState.WITHDRAWN, GrantState.GRANTED)
    assert not partnership.has_council(north.org.id)
    assert _trail(north.org.id)[-1] == "partnership.left"
    with pytest.raises(PartnershipError, match="not in this partnership"):
        share(north, east, partnership, REPORTS)
    operations.change_councils(None, partnership, [m.org.id for m in members.values()])
    assert _trail(north.org.id)[-1] == "partnership.joined"


def test_the_database_refuses_a_grant_to_itself_or_backwards(members, partnership):
    north = members["Northshire"]
    today = today_in_england()
    db.session.add(PartnershipGrant(partnership_id=partnership.id,
                                    granting_organisation_id=north.org.id,
                                    receiving_organisation_id=north.org.id,
                                    purpose=REPORTS.value, starts_on=today, ends_on=today))
    with pytest.raises(Exception, match=r"(?i)check|constraint"):
        db.session.flush()
    db.session.rollback()


def test_two_administrators_at_once_give_one_grant(app, members, partnership):
    postgres_only()
    second = factories.user(members["Northshire"].org, roles=["administrator"])
    db.session.commit()
    partnership_id, east_id = partnership.id, members["Eastvale"].org.id
    today = today_in_england()
    details = operations.GrantDetails(east_id, REPORTS, today, today + timedelta(days=5))

    def job(user_id):
        def load():
            return (db.session.get(User, user_id), db.session.get(Partnership, partnership_id))

        def act(loaded):
            operations.give_grant(loaded[0], loaded[1], details, today)
        return load, act

    outcomes = run_at_once(app, [job(members["Northshire"].administrator.id), job(second.id)],
                           (PartnershipError,))
    assert outcomes.count("won") == 1
    assert any("already shares" in outcome for outcome in outcomes)
    assert len(db.session.scalars(select(PartnershipGrant)).all()) == 1


def test_a_blank_name_or_a_start_in_the_past_is_refused(members, partnership):
    with pytest.raises(PartnershipError, match="Enter the partnership's name"):
        operations.create_partnership(None, "   ", [m.org.id for m in members.values()])
    today = today_in_england()
    with pytest.raises(PartnershipError, match="first day must be today or later"):
        operations.give_grant(members["Northshire"].administrator, partnership,
                              operations.GrantDetails(members["Eastvale"].org.id, REPORTS,
                                                      today - timedelta(days=1), today), today)


def test_two_partnerships_of_one_name_at_once_make_one(app, members):
    postgres_only()
    ids = [m.org.id for m in members.values()]

    def job(name):
        return (lambda: None, lambda _loaded: operations.create_partnership(None, name, ids))

    # The same name in another case is the same name.
    outcomes = run_at_once(app, [job("Coast"), job("COAST")], (PartnershipError,))
    assert sorted(outcomes) == ["A partnership with this name already exists", "won"]
    assert len(db.session.scalars(select(Partnership)).all()) == 1
