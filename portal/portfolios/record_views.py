"""Structured portfolio records (helper-owned)."""

from flask import Blueprint

bp = Blueprint("records", __name__, url_prefix="/portfolios")
