"""Programme configuration pages for programme leads."""

from flask import Blueprint

bp = Blueprint("programmes", __name__, url_prefix="/programmes")
