"""The retention schedule and what the last daily run removed, for administrators; and
the privacy notice, for everyone."""

from flask import Blueprint

from portal.accounts.admin_views import administrators_only
from portal.core.access import public
from portal.core.htmx import render
from portal.data_protection import retention

bp = Blueprint("data_protection", __name__)


@bp.get("/admin/data-protection")
@administrators_only
def schedule():
    return render("data_protection/schedule.html", schedule=retention.SCHEDULE,
                  last_run=retention.last_run())


@bp.get("/privacy")
@public
def privacy_notice():
    return render("data_protection/privacy.html", schedule=retention.SCHEDULE)
