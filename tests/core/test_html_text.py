"""escape_text: exactly markupsafe's escaping, as text, for rows drawn in Python."""

import pytest
from markupsafe import Markup, escape

from portal.core.html_text import escape_in_python, escape_text

AWKWARD = ["", "Jane Smith", "O'Brien & \"Sons\"", "<script>alert(1)</script>",
           "&amp; already", "Zoë Ånström ‮", "a\u0000b", "'\"<>&" * 50]


@pytest.mark.parametrize("value", AWKWARD)
def test_text_is_escaped_exactly_as_markupsafe_does(value):
    assert escape_text(value) == str(escape(value))
    assert type(escape_text(value)) is str


@pytest.mark.parametrize("value", [Markup("<b>kept</b>"), 42, None, 3.5])
def test_other_values_go_through_markupsafe(value):
    assert escape_text(value) == str(escape(value))


def test_a_str_subclass_is_not_taken_for_plain_text():
    class Named(str):
        def __html__(self):
            return "<i>named</i>"

    assert escape_text(Named("x")) == "<i>named</i>"


@pytest.mark.parametrize("value", AWKWARD)
def test_the_fallback_escapes_the_same(value):
    # Should a markupsafe release drop its escaper, the Python one must agree with it.
    assert escape_in_python(value) == str(escape(value))
