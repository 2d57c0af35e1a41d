"""Routes for reports (being written)."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
