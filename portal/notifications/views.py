"""Each person's notifications: the list, opening one, and marking them all read."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, url_for
from flask_login import current_user
from sqlalchemy import select, update

from portal.core.access import signed_in
from portal.core.db import db, utcnow
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to, render
from portal.core.pagination import paginate
from portal.notifications.models import Notification

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def is_same_site_path(link: str | None) -> bool:
    """A path on this site ('/assess/'), never another site ('//evil', 'https://...')."""
    if not link or not link.startswith("/") or link.startswith("//") or "\\" in link:
        return False
    parts = urlsplit(link)
    return not parts.scheme and not parts.netloc


@bp.route("/")
@signed_in
def index():
    page = paginate(
        select(Notification).where(Notification.recipient_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return render("notifications/index.html", page=page, confirm=ConfirmForm())


@bp.route("/<int:notification_id>")
@signed_in
def show(notification_id: int):
    """Opening a notification marks it read and goes to what it is about."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.recipient_id != current_user.id:
        abort(404)
    if note.read_at is None:
        note.read_at = utcnow()
        db.session.commit()
    return redirect_to(note.link if is_same_site_path(note.link) else url_for("home.index"))


@bp.route("/read-all", methods=["POST"])
@signed_in
def read_all():
    if ConfirmForm().validate_on_submit():
        db.session.execute(
            update(Notification)
            .where(Notification.recipient_id == current_user.id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
        db.session.commit()
        flash("All your notifications are marked as read.", "success")
    return redirect_to(url_for("notifications.index"))
