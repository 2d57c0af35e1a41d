"""Benchmark-only additions: the floor page and a per-request SQL statement count.

Registered only by the benchmark's WSGI entry point (bench/wsgi.py), never by
`create_app`, so a production server has neither.

The floor is the cheapest page the stack can serve: one indexed query for 50 rows of
the largest table, rendered through the same page layout as every other page. Results
are reported as ratios to it, so they mean the same on a fast or a noisy machine.
"""

import os
import random

from flask import Blueprint, Flask, g
from sqlalchemy import event, func, select

from portal.core.access import public
from portal.core.db import db
from portal.core.htmx import render
from portal.evidence.models import EvidenceEntry

bp = Blueprint("bench", __name__, url_prefix="/bench", template_folder="templates")
FLOOR_ROWS = 50
_id_range: dict[str, int] = {}


def _highest_entry_id() -> int:
    """Read once per worker: the floor must cost one query, not two."""
    if "max" not in _id_range:
        _id_range["max"] = db.session.scalar(select(func.max(EvidenceEntry.id))) or 0
    return _id_range["max"]


@bp.route("/floor")
@public
def floor():
    start = random.randrange(max(_highest_entry_id() - FLOOR_ROWS, 1))  # noqa: S311
    rows = db.session.execute(
        select(EvidenceEntry.id, EvidenceEntry.title, EvidenceEntry.occurred_on,
               EvidenceEntry.evidence_type)
        .where(EvidenceEntry.id > start)
        .order_by(EvidenceEntry.id)
        .limit(FLOOR_ROWS)
    ).all()
    return render("bench/floor.html", rows=rows)


def _count_statement(_conn, _cursor, _statement, _parameters, _context, _executemany):
    if g:  # only inside a request or app context
        g.bench_queries = g.get("bench_queries", 0) + 1


def _add_headers(response):
    response.headers["X-Query-Count"] = str(g.get("bench_queries", 0))
    response.headers["X-Worker-Pid"] = str(os.getpid())
    return response


def install(app: Flask) -> None:
    """Add the floor page and the X-Query-Count / X-Worker-Pid response headers."""
    app.register_blueprint(bp)
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", _count_statement)
    app.after_request(_add_headers)
