"""Routes for outside (being written)."""

from flask import Blueprint

bp = Blueprint("outside", __name__)
