"""Routes for assignments (being written)."""

from flask import Blueprint

bp = Blueprint("assignments", __name__, url_prefix="/assignments")
