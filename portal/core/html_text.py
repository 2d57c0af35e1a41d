"""Escaping for the row lists drawn in Python (the cohort list, the work queue...).

`markupsafe.escape` returns Markup, whose constructor is Python code: about a microsecond
a call, and a page of rows makes hundreds. The rows are joined into one Markup at the end,
so each value only needs its text escaped exactly as markupsafe (and so Jinja's
autoescaping) would: `escape_text` does that, returning a plain str.
"""

from markupsafe import escape


def escape_in_python(text: str) -> str:
    """markupsafe's escaping of a str, for a markupsafe without its own escaper."""
    return (text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            .replace("'", "&#39;").replace('"', "&#34;"))


try:  # markupsafe's own C escaper for str, which `escape` calls after its checks
    from markupsafe import _escape_inner as _escape_str
except ImportError:  # pragma: no cover (a private name a later release might drop)
    _escape_str = escape_in_python


def escape_text(value) -> str:
    """`str(markupsafe.escape(value))`, faster for a plain str: Markup and anything with
    `__html__` passes through as markupsafe would have it, other values are made text."""
    if type(value) is str:
        return _escape_str(value)
    return str(escape(value))
