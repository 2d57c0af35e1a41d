"""Routes for assess (being written)."""

from flask import Blueprint

bp = Blueprint("assess", __name__, url_prefix="/assess")
