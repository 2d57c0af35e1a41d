"""The candidate's portfolio page, choosing evidence, submission and withdrawal."""

from flask import Blueprint

bp = Blueprint("portfolios", __name__, url_prefix="/portfolios")
