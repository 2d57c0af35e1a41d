"""Static files, GOV.UK Frontend assets, favicon and a health check."""

from pathlib import Path

from flask import Blueprint, current_app, send_from_directory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.core.access import public
from portal.core.db import db

bp = Blueprint("core", __name__)


def _static_dir() -> Path:
    return Path(current_app.config["STATIC_DIR"])


@bp.route("/static/<path:filename>")
@public
def static(filename: str):
    return send_from_directory(_static_dir(), filename, max_age=3600)


@bp.route("/assets/<path:filename>")
@public
def assets(filename: str):
    """GOV.UK Frontend's CSS looks for its images under /assets."""
    return send_from_directory(_static_dir() / "assets", filename, max_age=86400)


@bp.route("/favicon.ico")
@public
def favicon():
    return send_from_directory(_static_dir() / "images", "favicon.svg",
                               mimetype="image/svg+xml", max_age=86400)


@bp.route("/healthz")
@public
def health():
    """200 while the database answers; 503 without detail (a load balancer takes the server
    out of service, and nothing about the database is told to whoever asks) until it does."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable"}, 503
    return {"status": "ok"}
