"""Claim list tests reuse the panel fixtures (a council with a chair, members, an
assessor and a lead)."""

from tests.panels.conftest import council  # noqa: F401
