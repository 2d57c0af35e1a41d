"""Who may read what: one table (`table.py`), enforced in one place (`access.py`).

This package sits just above who-assesses-whom and below the packages that own the
records (evidence, portfolios, assessment, panels), so that every one of their loaders can
ask it. It knows kinds of record as an enum, never as models.
"""

from portal.visibility.access import (
    Viewer,
    can_edit,
    can_read,
    opens_council_portfolios,
    record_reading,
    require,
    viewer,
)
from portal.visibility.table import TABLE, Access, Kind, Relation

__all__ = ["TABLE", "Access", "Kind", "Relation", "Viewer", "can_edit", "can_read",
           "opens_council_portfolios", "record_reading", "require", "viewer"]
