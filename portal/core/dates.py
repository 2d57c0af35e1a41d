"""Dates as people in England read them: the programme year runs on UK days, not UTC."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def today_in_england() -> date:
    """Today's date in England (a save at 00:30 BST belongs to the new day)."""
    return datetime.now(UK).date()


def start_of_day_in_england(day: date) -> datetime:
    """The first moment of `day` in England, to compare with timestamps stored in UTC."""
    return datetime.combine(day, time(), tzinfo=UK)
