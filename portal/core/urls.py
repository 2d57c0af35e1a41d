"""Helpers for URLs that come from users."""

from urllib.parse import urlsplit


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
