"""Helpers for URLs that come from users, and fast URLs for ids."""

import functools
from urllib.parse import urlsplit

from flask import url_for as flask_url_for
from flask.globals import _cv_request
from werkzeug.routing import IntegerConverter

# The largest id either database can hold (a signed 64-bit integer).
MAX_DATABASE_ID = 2**63 - 1


class DatabaseIdConverter(IntegerConverter):
    """An <int:...> URL part that only matches ids the database could hold."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_DATABASE_ID)
        super().__init__(url_map, *args, **kwargs)


def small_number(text: str | None, highest: int = 10**9) -> int | None:
    """A typed whole number made of ASCII digits only ('²'.isdigit() is True but int()
    rejects it), or None."""
    text = (text or "").strip()
    if not text or len(text) > 10 or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if value <= highest else None


def id_argument(text: str | None) -> int | None:
    """A query-string id, or None when it is missing, not a number or out of range."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if 0 < value <= MAX_DATABASE_ID else None


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or not target.startswith("/") or len(target) > 2000:
        return False
    if target.startswith(("//", "/\\")) or "\\" in target:
        return False
    if any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


# Fast URLs for ids -------------------------------------------------------------------------
# Values that stand for each id while a URL's shape is worked out: valid for every id
# converter, and far too long to be mistaken for anything else in a path.
_PLACEHOLDERS = tuple(MAX_DATABASE_ID - n for n in range(8))


@functools.lru_cache(maxsize=1024)
def _url_shape(endpoint: str, names: tuple[str, ...], _app_id: int,
               _script_root: str) -> tuple[str, ...] | None:
    """The URL's text split around each named value, or None when it cannot be reused
    (a value that appears other than once, or a value Werkzeug would encode)."""
    url = flask_url_for(endpoint, **dict(zip(names, _PLACEHOLDERS, strict=False)))
    pieces = [url]
    for placeholder in map(str, _PLACEHOLDERS[:len(names)]):
        before, found, after = pieces[-1].partition(placeholder)
        if not found or placeholder in after:
            return None
        pieces[-1:] = [before, after]
    return tuple(pieces)


def fast_url_for(endpoint: str, **values) -> str:
    """`url_for`, but an endpoint's URL shape is built once and filled in with ids.

    Lists of hundreds of rows each link to `/evidence/<id>` or the like; Werkzeug's URL
    building was a tenth of such a page. Anything but plain non-negative ids (names,
    `_external`, out-of-range values) goes to Flask's own `url_for` as before.
    """
    # The request context itself, not the `current_app` and `request` proxies: a list of
    # links calls this a hundred times a page.
    context = _cv_request.get(None)
    if (context is not None and len(values) <= len(_PLACEHOLDERS)
            and all(type(value) is int and 0 <= value <= MAX_DATABASE_ID
                    and not name.startswith("_") for name, value in values.items())):
        names = tuple(values)
        shape = _url_shape(endpoint, names, id(context.app), context.request.script_root)
        if shape is not None:
            parts = [shape[0]]
            for name, piece in zip(names, shape[1:], strict=True):
                parts.append(str(values[name]))
                parts.append(piece)
            return "".join(parts)
    return flask_url_for(endpoint, **values)


def id_url_maker(endpoint: str, arg: str, **fixed: int):
    """A function from an id to `endpoint`'s URL with that id as `arg` (and the `fixed`
    ids), for a page of rows linking to the same endpoint: the URL's shape is looked up
    once, not once a row."""
    def slow(value):
        return fast_url_for(endpoint, **fixed, **{arg: value})

    context = _cv_request.get(None)
    names = (*fixed, arg)
    if context is None or len(names) > len(_PLACEHOLDERS) or not all(
            type(value) is int and 0 <= value <= MAX_DATABASE_ID for value in fixed.values()):
        return slow
    shape = _url_shape(endpoint, names, id(context.app), context.request.script_root)
    if shape is None:
        return slow
    parts = [shape[0]]
    for name, piece in zip(fixed, shape[1:-1], strict=True):
        parts += [str(fixed[name]), piece]
    before, after = "".join(parts), shape[-1]

    def url(value: int) -> str:
        if type(value) is not int or not 0 <= value <= MAX_DATABASE_ID:
            return slow(value)
        return f"{before}{value}{after}"
    return url
