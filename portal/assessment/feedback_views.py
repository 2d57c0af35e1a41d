"""Routes for feedback (being written)."""

from flask import Blueprint

bp = Blueprint("feedback", __name__, url_prefix="/evidence")
