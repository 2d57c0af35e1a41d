"""The sufficiency view (helper-owned)."""

from flask import Blueprint

bp = Blueprint("sufficiency", __name__, url_prefix="/portfolios")
