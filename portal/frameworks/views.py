"""Read-only framework pages (helper-owned: see frameworks loader)."""

from flask import Blueprint

bp = Blueprint("frameworks", __name__, url_prefix="/frameworks")
