"""Pagination for lists, rendered with the GOV.UK pagination component."""

from dataclasses import dataclass

from flask import current_app, request, url_for
from sqlalchemy import func, select

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


def paginate(statement, per_page: int | None = None, *, rows: bool = False,
             distinct: bool = False, params: dict | None = None) -> Page:
    """Run `statement` for one page, in one query whatever the size of the list.

    The total comes in the same query as a window count, so a page costs one round trip
    instead of a count and a fetch; only a page past the end (no rows to carry it) counts
    separately. `rows=True` keeps every selected column (for statements that read extra
    values beside the entity); otherwise items are the first column. A statement that
    selects DISTINCT must say so (`distinct=True`): a window count counts rows before
    DISTINCT removes any, so its list is counted separately. `params` fills the
    statement's own bound parameters, if it has any.
    """
    per_page = per_page or current_app.config["PAGE_SIZE"]
    page = requested_page()
    offset = (page - 1) * per_page
    params = params or {}
    if distinct:
        return _paginate_counted_apart(statement, page, per_page, rows, params)
    paged = (statement.add_columns(func.count().over().label("total_rows"))
             .limit(per_page).offset(offset))
    found = db.session.execute(paged, params).all()
    if found:
        total = found[-1][-1]
    elif page == 1:
        total = 0
    else:
        total = _count(statement, params)
    items = [row[:-1] if rows else row[0] for row in found]
    return Page(items=items, page=page, per_page=per_page, total=total)


def paginate_self_paged(build_statement, count_statement,
                        per_page: int | None = None) -> Page:
    """One page of a list whose statement takes its own page: `build_statement(limit,
    offset)` limits the rows in a subquery an index serves, so the rest of the query works
    on one page's rows, and carries the list's total as its last column.
    `count_statement` counts the list when a page past the end has no rows to carry it."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    page = requested_page()
    found = db.session.execute(build_statement(per_page, (page - 1) * per_page)).all()
    if found:
        total = found[-1][-1]
    elif page == 1:
        total = 0
    else:
        total = db.session.scalar(count_statement) or 0
    return Page(items=[row[:-1] for row in found], page=page, per_page=per_page, total=total)


def _paginate_counted_apart(statement, page: int, per_page: int, rows: bool, params: dict) -> Page:
    offset = (page - 1) * per_page
    total = _count(statement, params)
    found = db.session.execute(statement.limit(per_page).offset(offset), params).all()
    items = [tuple(row) if rows else row[0] for row in found]
    return Page(items=items, page=page, per_page=per_page, total=total)


def _count(statement, params: dict) -> int:
    return db.session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery()), params) or 0
