"""Routes for notifications (being written)."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
