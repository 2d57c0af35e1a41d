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


def test_plural_counts_with_the_word_that_fits():
    from portal.core.template_helpers import plural

    assert plural(1, "person", "people") == "1 person"
    assert plural(2, "person", "people") == "2 people"
    assert plural(0, "entry", "entries") == "0 entries"
    assert plural(1, "day") == "1 day" and plural(30, "day") == "30 days"


def test_possessive_says_your_to_the_reader_and_a_name_to_anyone_else(app):
    from types import SimpleNamespace

    from flask_login import login_user

    from portal.core.template_helpers import is_viewer, possessive
    from tests import factories

    reader = factories.user(name="Helen Shaw")
    other = SimpleNamespace(id=reader.id + 1000, name="Aisha Khan")
    with app.test_request_context("/"):
        assert possessive(other) == "Aisha Khan's"  # nobody signed in
        login_user(reader)
        assert (possessive(reader), possessive(reader, start=True)) == ("your", "Your")
        assert possessive(other, start=True) == "Aisha Khan's"
        assert is_viewer(reader.id) and not is_viewer(other.id) and not is_viewer(None)
