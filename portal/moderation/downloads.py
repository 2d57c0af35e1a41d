"""Sending a built pack's PDF from file storage (shared by the lead's and the moderator's
pages): never cached, always an attachment."""

import io
import logging

from flask import abort, send_file

from portal.core.storage import get_storage
from portal.packs.models import PortfolioPack

logger = logging.getLogger(__name__)


def send_pack(pack: PortfolioPack, reference: str):
    try:
        stored = get_storage().open(pack.stored_name)
    except FileNotFoundError:
        logger.error("Portfolio pack %s has no stored file", pack.id)
        abort(404)
    response = send_file(stored, mimetype="application/pdf", as_attachment=True,
                         download_name=f"moderation-pack-{reference}.pdf",
                         etag=False, conditional=False, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


def send_bytes(content: bytes, mimetype: str, name: str):
    response = send_file(io.BytesIO(content), mimetype=mimetype,
                         as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response
