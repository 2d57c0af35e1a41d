"""Home page tests reuse the panel fixtures."""

from tests.panels.conftest import council, panel_with_item  # noqa: F401
