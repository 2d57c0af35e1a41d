"""The candidate's evidence log."""

from flask import Blueprint

bp = Blueprint("evidence", __name__, url_prefix="/evidence")
