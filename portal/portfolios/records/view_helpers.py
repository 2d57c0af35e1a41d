"""What the structured records' pages share: their blueprint, and loading, refusing and
answering the way every one of them does."""

from flask import Blueprint, abort, request, url_for
from werkzeug.routing import BuildError

from portal.accounts.roles import Role
from portal.core.access import requires_role
from portal.core.db import db
from portal.portfolios.access import read_portfolio_or_404
from portal.portfolios.records import operations as records
from portal.visibility import Kind

bp = Blueprint("records", __name__, url_prefix="/portfolios")
candidates_only = requires_role(Role.CANDIDATE)


def portfolio_url(portfolio) -> str:
    """The portfolio's own page; the home page until that page exists."""
    try:
        return url_for("portfolios.show", portfolio_id=portfolio.id)
    except BuildError:
        return url_for("home.index")


def index_url(portfolio) -> str:
    return url_for("records.index", portfolio_id=portfolio.id)


def to_change(portfolio_id: int, kind: Kind):
    """The portfolio, for its candidate changing `kind` of record; 404 for anyone else."""
    return read_portfolio_or_404(portfolio_id, kind, for_edit=True)[0]


def record_or_404(model, portfolio, record_id: int):
    """A record of this portfolio; anyone else's (or none) is 404."""
    record = db.session.get(model, record_id)
    if record is None or record.portfolio_id != portfolio.id:
        abort(404)
    return record


def stage_or_404(stages, stage_code: str):
    for stage in stages:
        if stage.code == stage_code:
            return stage
    abort(404)


def refused(form, error: records.RecordError) -> None:
    db.session.rollback()
    form.form_errors.append(str(error))


def on_get(record):
    """Fill a form from the saved record only when showing it: a POST is what was typed
    (a box left out of the request must not silently keep the old value)."""
    return record if request.method == "GET" else None


def status_of(form) -> int:
    return 400 if form.errors else 200
