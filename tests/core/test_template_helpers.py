"""Filters that turn stored values into GOV.UK-style text."""

from datetime import UTC, date, datetime

from portal.core.template_helpers import iso_uk_date, paragraphs, uk_date, uk_time


def test_dates_and_times_in_govuk_style():
    assert uk_date(date(2026, 9, 7)) == "7 September 2026"
    assert iso_uk_date("2026-11-02") == "2 November 2026"
    assert iso_uk_date("not a date") == "not a date"
    assert iso_uk_date(None) == ""
    # 13:05 UTC in November is 1:05pm in England; in July it is 2:05pm (BST).
    assert uk_time(datetime(2026, 11, 2, 13, 5, tzinfo=UTC)) == "1:05pm"
    assert uk_time(datetime(2026, 7, 2, 13, 5, tzinfo=UTC)) == "2:05pm"


def test_paragraphs_are_escaped_and_split_on_blank_lines():
    html = str(paragraphs("One <b>\nline two\n\nTwo"))
    assert html == ('<p class="govuk-body">One &lt;b&gt;<br>line two</p>'
                    '<p class="govuk-body">Two</p>')


def test_the_same_instant_in_two_time_zones_keeps_its_own_day():
    from zoneinfo import ZoneInfo

    late_in_utc = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    in_london = late_in_utc.astimezone(ZoneInfo("Europe/London"))
    assert uk_date(late_in_utc) == "30 June 2026"
    assert uk_date(in_london) == "1 July 2026"
