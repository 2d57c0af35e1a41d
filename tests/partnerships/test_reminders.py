"""A grant in its last 14 days reminds both councils' administrators, once each."""

from datetime import timedelta

from sqlalchemy import select

from portal.core.dates import today_in_england
from portal.core.db import db
from portal.partnerships.models import SharedPurpose
from portal.reminders.models import ReminderSent
from portal.reminders.operations import send_daily_reminders
from tests.partnerships.conftest import share


def _reminded(day) -> set[tuple[int, str]]:
    send_daily_reminders(day)
    db.session.commit()
    return {(row.recipient_id, row.key) for row in db.session.execute(
        select(ReminderSent.recipient_id, ReminderSent.key).where(ReminderSent.sent_on == day))}


def test_both_administrators_are_reminded_once_as_sharing_ends(members, partnership):
    north, east, west = members["Northshire"], members["Eastvale"], members["Westmoor"]
    grant = share(north, east, partnership, SharedPurpose.PARTNERSHIP_REPORTS, days_to=30)
    today = today_in_england()
    key = f"grant:{grant.id}:ending"
    assert not any(k == key for _, k in _reminded(today))  # 30 days left: not yet
    sixteen_before = today + timedelta(days=16)
    reminded = _reminded(sixteen_before)
    assert {(north.administrator.id, key), (east.administrator.id, key)} <= reminded
    assert not any(user == west.administrator.id for user, _ in reminded)
    assert not any(user == north.lead.id and k == key for user, k in reminded)
    # Found again the next day, it is not sent again.
    assert not any(k == key for _, k in _reminded(sixteen_before + timedelta(days=1)))
