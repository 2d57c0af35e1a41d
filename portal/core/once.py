"""A create form sent twice makes one record.

Every create form carries a one-time key (`portal.core.forms.OnceForm`), new each time the
page is drawn. When the form validates, the key is claimed for the signed-in person: a row
in `form_submission`, unique on (user_id, form_key), inserted in the request's own
transaction before anything is created. The view then says where the new record lives
(`form.created(url)`), and the row commits with the record or rolls back with it.

The same key sent again (a double click, a request resent by the browser, two tabs racing)
finds the row and is sent to what the first one made. On PostgreSQL a racing second insert
waits on the unique index until the first transaction ends: if that one committed, the
second request is sent to its result; if it rolled back (a refused change), the second one
goes ahead as if it were the first.
"""

from datetime import datetime, timedelta

from flask import Flask, flash, request, url_for
from sqlalchemy import ForeignKey, String, UniqueConstraint, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import db, utcnow
from portal.core.htmx import redirect_to
from portal.core.types import UTCDateTime

# Long enough for a back button or a slow network; short enough that the table stays small.
KEEP_FOR = timedelta(days=30)
SENT_TWICE = "This form was sent twice. It has been saved once."


class FormSubmission(db.Model):
    """A create form's one-time key, claimed by the person who sent it, and where the
    record it made can be seen."""

    __tablename__ = "form_submission"
    __table_args__ = (UniqueConstraint("user_id", "form_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False
    )
    form_key: Mapped[str] = mapped_column(String(64), nullable=False)
    # The page of what the form created; NULL only inside the transaction that claims it.
    location: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class AlreadySent(Exception):
    """This person already sent this form: the request is answered with the first result."""

    def __init__(self, user_id: int, form_key: str):
        super().__init__("form already sent")
        self.user_id = user_id
        self.form_key = form_key


def _insert_unless_claimed(user_id: int, form_key: str) -> bool:
    """Insert the claim; False if the key is already claimed (waiting, on PostgreSQL, for
    a transaction that claimed it and has not finished yet)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(FormSubmission)
        .values(user_id=user_id, form_key=form_key, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["user_id", "form_key"])
        .returning(FormSubmission.id)  # a row only if inserted (rowcount is not reliable)
    )
    return db.session.execute(statement).first() is not None


def claim(user_id: int, form_key: str) -> None:
    """Claim `form_key` for `user_id` in the current transaction, or raise AlreadySent."""
    db.session.execute(delete(FormSubmission).where(
        FormSubmission.user_id == user_id, FormSubmission.created_at < utcnow() - KEEP_FOR))
    if not _insert_unless_claimed(user_id, form_key):
        raise AlreadySent(user_id, form_key)


def record_location(user_id: int, form_key: str, location: str) -> None:
    """Say where the record made under this claimed key can be seen."""
    db.session.execute(
        update(FormSubmission)
        .where(FormSubmission.user_id == user_id, FormSubmission.form_key == form_key)
        .values(location=location[:500]))


def first_result(user_id: int, form_key: str) -> str | None:
    return db.session.scalar(select(FormSubmission.location).where(
        FormSubmission.user_id == user_id, FormSubmission.form_key == form_key))


def _fallback() -> str:
    """Where to go if the first request did not say (the page the form was on)."""
    referrer = request.referrer or ""
    if referrer.startswith(request.host_url):
        return referrer
    return url_for("home.index")


def _answer_with_first_result(error: AlreadySent):
    db.session.rollback()  # nothing of the repeated request is kept
    location = first_result(error.user_id, error.form_key)
    flash(SENT_TWICE, "success")
    return redirect_to(location or _fallback())


def init_once(app: Flask) -> None:
    app.register_error_handler(AlreadySent, _answer_with_first_result)
