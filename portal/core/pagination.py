"""Pagination for lists, rendered with the GOV.UK pagination component."""

import weakref
from dataclasses import dataclass

from flask import current_app, request, url_for
from sqlalchemy import bindparam, func, select

from portal.core.db import db


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def govuk_params(self, endpoint: str, **args) -> dict:
        """Parameters for govukPagination, keeping the current filters in each link."""
        def link(number: int) -> str:
            return url_for(endpoint, **{**args, "page": number})

        params: dict = {"items": []}
        if self.page > 1:
            params["previous"] = {"href": link(self.page - 1)}
        if self.page < self.pages:
            params["next"] = {"href": link(self.page + 1)}
        for number in range(1, self.pages + 1):
            near = abs(number - self.page) <= 2 or number in {1, self.pages}
            if near:
                params["items"].append(
                    {"number": number, "href": link(number), "current": number == self.page}
                )
            elif params["items"] and not params["items"][-1].get("ellipsis"):
                params["items"].append({"ellipsis": True})
        return params


MAX_PAGE = 100_000


def requested_page() -> int:
    """The page asked for, kept within sensible bounds (a huge number is not an error)."""
    text = (request.args.get("page") or "1").strip()
    if not text.isascii() or not text.isdigit():
        return 1
    return min(max(1, int(text)), MAX_PAGE)


# The paged form of each statement a caller keeps (built once, with bound parameters),
# so that a list built once per process is not rebuilt and re-keyed on every request.
_paged_statements: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _paged(statement):
    paged = _paged_statements.get(statement)
    if paged is None:
        paged = (statement.add_columns(func.count().over().label("total_rows"))
                 .limit(bindparam("page_limit")).offset(bindparam("page_offset")))
        _paged_statements[statement] = paged
    return paged


def paginate(statement, per_page: int | None = None, *, rows: bool = False,
             params: dict | None = None) -> Page:
    """Run `statement` for one page, in one query whatever the size of the list.

    The total comes in the same query as a window count, so a page costs one round trip
    instead of a count and a fetch; only a page past the end (no rows to carry it) counts
    separately. `rows=True` keeps every selected column (for statements that read extra
    values beside the entity); otherwise items are the first column. `params` fills the
    statement's own bound parameters (for statements built once and kept).
    """
    per_page = per_page or current_app.config["PAGE_SIZE"]
    page = requested_page()
    offset = (page - 1) * per_page
    params = params or {}
    if getattr(statement, "_distinct", False):
        # A window count counts rows before DISTINCT removes any: count separately.
        return _paginate_distinct(statement, page, per_page, rows, params)
    found = db.session.execute(
        _paged(statement), {**params, "page_limit": per_page, "page_offset": offset}).all()
    if found:
        total = found[-1][-1]
    elif page == 1:
        total = 0
    else:
        total = _count(statement, params)
    items = [row[:-1] if rows else row[0] for row in found]
    return Page(items=items, page=page, per_page=per_page, total=total)


def paginate_self_paged(statement, count_statement, params: dict,
                        per_page: int | None = None) -> Page:
    """Run a statement that takes its own page (it binds `page_limit` and `page_offset`,
    say in a subquery an index serves, so the rest of the query works on one page's
    rows) and carries the list's total as its last column. `count_statement` counts the
    list when a page past the end has no rows to carry the total."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    page = requested_page()
    found = db.session.execute(statement, {**params, "page_limit": per_page,
                                           "page_offset": (page - 1) * per_page}).all()
    if found:
        total = found[-1][-1]
    else:
        total = 0 if page == 1 else db.session.scalar(count_statement, params) or 0
    return Page(items=[row[:-1] for row in found], page=page, per_page=per_page, total=total)


def _paginate_distinct(statement, page: int, per_page: int, rows: bool, params: dict) -> Page:
    offset = (page - 1) * per_page
    total = _count(statement, params)
    found = db.session.execute(statement.limit(per_page).offset(offset), params).all()
    items = [tuple(row) if rows else row[0] for row in found]
    return Page(items=items, page=page, per_page=per_page, total=total)


def _count(statement, params: dict) -> int:
    return db.session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery()), params) or 0
