"""Attachment upload, download and removal."""

from flask import Blueprint

bp = Blueprint("attachments", __name__, url_prefix="/evidence")
