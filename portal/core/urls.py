"""Helpers for URLs and ids that come from users."""

from urllib.parse import urlsplit

from flask import request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

NUL = "\x00"

# The largest id the database holds: ids are INTEGER columns, signed 32-bit on PostgreSQL
# (a larger number in a query is an "integer out of range" error, not an empty result).
MAX_DATABASE_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """An <int:...> URL part that only matches ids the database could hold, so a larger
    number is a 404 like any other id that does not exist."""

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
    # Control characters (CR, LF, NUL) and anything outside Latin-1 cannot be carried
    # by a Location header: the redirect would fail.
    if any(ord(ch) < 32 or ord(ch) == 127 or ord(ch) > 255 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


class UnreadableAddress(BadRequest):
    """A web address with a NUL character: no page or search can use it."""


def refuse_nul_in_address() -> None:
    """Answer 400 before any view runs when the path or query string holds a NUL
    character, which PostgreSQL refuses in text (searches and filters would fail)."""
    if NUL in request.path or any(
            NUL in name or NUL in value for name, value in request.args.items(multi=True)):
        raise UnreadableAddress()
