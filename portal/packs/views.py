"""Portfolio packs, from a submitted snapshot's page or a panel's agenda item: asked for,
watched while a job builds the PDF, then downloaded by the person who asked.

Downloading is a POST, because each download writes an audit row and no GET changes data.
"""

import logging

from flask import Blueprint, abort, render_template, send_file, url_for
from flask_login import current_user

from portal.core.access import signed_in
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to, render
from portal.core.storage import get_storage
from portal.packs import operations
from portal.packs.access import item_for_member_or_404, may_download, snapshot_for_reader_or_404
from portal.packs.copies.access import snapshot_for_reviewer_or_404
from portal.packs.copies.queries import copy_of
from portal.packs.models import PackState

logger = logging.getLogger(__name__)
bp = Blueprint("packs", __name__)

SNAPSHOT_PACK = "/portfolios/<int:portfolio_id>/snapshots/<int:snapshot_id>/pack"
PANEL_PACK = "/panels/<int:panel_id>/items/<int:item_id>/pack"
COPY_PACK = SNAPSHOT_PACK.removesuffix("/pack") + "/anonymised-copy/approved/pack"


def _snapshot_place(portfolio_id: int, snapshot_id: int) -> dict:
    """The snapshot, and the addresses its pack's page and fragment use."""
    snapshot = snapshot_for_reader_or_404(portfolio_id, snapshot_id)
    ids = {"portfolio_id": portfolio_id, "snapshot_id": snapshot_id}
    return {"snapshot": snapshot, "item": None, "copy": None, "urls": _urls("snapshot", ids),
            "back": url_for("portfolios.snapshot", **ids)}


def _copy_place(portfolio_id: int, snapshot_id: int) -> dict:
    """The approved anonymised copy's pack: for those who may read the copy, once approved."""
    snapshot = snapshot_for_reviewer_or_404(portfolio_id, snapshot_id)
    copy = copy_of(snapshot.id)
    if copy is None or not copy.approved:
        abort(404)
    ids = {"portfolio_id": portfolio_id, "snapshot_id": snapshot_id}
    return {"snapshot": snapshot, "item": None, "copy": copy, "urls": _urls("copy", ids),
            "back": url_for("copies.read", **ids)}


def _panel_place(panel_id: int, item_id: int) -> dict:
    item = item_for_member_or_404(panel_id, item_id)
    ids = {"panel_id": panel_id, "item_id": item_id}
    return {"snapshot": item.snapshot, "item": item, "copy": None, "urls": _urls("panel", ids),
            "back": url_for("agendas.item", **ids)}


def _urls(where: str, ids: dict) -> dict:
    return {name: url_for(f"packs.{where}_{name}", **ids)
            for name in ("page", "status", "request", "download")}


def _context(place: dict) -> dict:
    return {**place, "pack": operations.latest_pack(place["snapshot"], current_user,
                                                    place["item"], place["copy"])}


def _ask(place: dict):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    operations.request_pack(current_user, place["snapshot"], place["item"], place["copy"])
    db.session.commit()
    return redirect_to(place["urls"]["page"])


def _download(place: dict):
    """The built PDF, from file storage: 404 until it is ready, and for anyone else."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    pack = operations.latest_pack(place["snapshot"], current_user, place["item"],
                                  place["copy"])
    if not may_download(pack) or pack.state != PackState.READY:
        abort(404)
    try:
        stored = get_storage().open(pack.stored_name)
    except FileNotFoundError:
        logger.error("Portfolio pack %s has no stored file", pack.id)
        abort(404)
    operations.record_download(current_user, pack)
    db.session.commit()
    name = (place["item"].reference if place["item"]
            else f"anonymised-copy-{pack.copy_id}" if place["copy"]
            else f"submission-{pack.snapshot_id}")
    response = send_file(stored, mimetype="application/pdf", as_attachment=True,
                         download_name=f"portfolio-pack-{name}.pdf",
                         etag=False, conditional=False, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get(SNAPSHOT_PACK)
@signed_in
def snapshot_page(portfolio_id: int, snapshot_id: int):
    """The pack's page: ask for it, watch it being built, download it."""
    return render("packs/page.html", **_context(_snapshot_place(portfolio_id, snapshot_id)))


@bp.get(SNAPSHOT_PACK + "/status")
@signed_in
def snapshot_status(portfolio_id: int, snapshot_id: int):
    """The pack's status fragment, polled by htmx while the job builds it."""
    return render_template("packs/_status.html",
                           **_context(_snapshot_place(portfolio_id, snapshot_id)))


@bp.post(SNAPSHOT_PACK)
@signed_in
def snapshot_request(portfolio_id: int, snapshot_id: int):
    return _ask(_snapshot_place(portfolio_id, snapshot_id))


@bp.post(SNAPSHOT_PACK + "/download")
@signed_in
def snapshot_download(portfolio_id: int, snapshot_id: int):
    return _download(_snapshot_place(portfolio_id, snapshot_id))


@bp.get(PANEL_PACK)
@signed_in
def panel_page(panel_id: int, item_id: int):
    """A panel member's pack: anonymised as the panel reads the snapshot."""
    return render("packs/page.html", **_context(_panel_place(panel_id, item_id)))


@bp.get(PANEL_PACK + "/status")
@signed_in
def panel_status(panel_id: int, item_id: int):
    return render_template("packs/_status.html", **_context(_panel_place(panel_id, item_id)))


@bp.post(PANEL_PACK)
@signed_in
def panel_request(panel_id: int, item_id: int):
    return _ask(_panel_place(panel_id, item_id))


@bp.post(PANEL_PACK + "/download")
@signed_in
def panel_download(panel_id: int, item_id: int):
    return _download(_panel_place(panel_id, item_id))


@bp.get(COPY_PACK)
@signed_in
def copy_page(portfolio_id: int, snapshot_id: int):
    """The approved anonymised copy as a pack: its replacements applied, files listed."""
    return render("packs/page.html", **_context(_copy_place(portfolio_id, snapshot_id)))


@bp.get(COPY_PACK + "/status")
@signed_in
def copy_status(portfolio_id: int, snapshot_id: int):
    return render_template("packs/_status.html",
                           **_context(_copy_place(portfolio_id, snapshot_id)))


@bp.post(COPY_PACK)
@signed_in
def copy_request(portfolio_id: int, snapshot_id: int):
    return _ask(_copy_place(portfolio_id, snapshot_id))


@bp.post(COPY_PACK + "/download")
@signed_in
def copy_download(portfolio_id: int, snapshot_id: int):
    return _download(_copy_place(portfolio_id, snapshot_id))
