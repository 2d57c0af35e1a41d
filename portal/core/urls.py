"""Helpers for URLs and ids that come from users."""

from urllib.parse import urlsplit

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
