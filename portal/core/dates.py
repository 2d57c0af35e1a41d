"""Dates as people in England read them: the programme year runs on UK days, not UTC."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def today_in_england() -> date:
    """Today's date in England (a save at 00:30 BST belongs to the new day)."""
    return datetime.now(UK).date()
