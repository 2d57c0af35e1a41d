"""Files attached to evidence entries: which files are allowed, and storing and removing them.

A file is accepted only if both its extension and its first bytes say it is one of the
allowed kinds; its content type comes from our list, never from the browser. The name the
person gave it is display text only. Files and rows are kept in step: a file whose row is not
committed is deleted (see `upload_guard`), and a removed row's file is deleted after commit.
The operations flush and audit; the view commits.
"""

import logging
from collections.abc import Iterable
from contextlib import contextmanager

from flask import current_app, g
from sqlalchemy import delete, event, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.datastructures import FileStorage

from portal.accounts.models import User
from portal.core import audit
from portal.core.db import db, utcnow
from portal.core.storage import FileTooLarge, Storage, get_storage
from portal.evidence.file_kinds import (
    AttachmentError,
    display_name,
    file_kind,
    matches_signature,
    read_head,
)
from portal.evidence.models import Attachment, EvidenceEntry

logger = logging.getLogger(__name__)

MB = 1024 * 1024
DEFAULT_QUOTA_MB = 500


# -- keeping files and rows in step ---------------------------------------------------------

_UNCOMMITTED = "portal.attachments.uncommitted"
_DELETE_AFTER_COMMIT = "portal.attachments.delete_after_commit"


def _delete_quietly(storage: Storage, stored_name: str) -> None:
    try:
        storage.delete(stored_name)
    except OSError:
        # The reconcile command reports what is left; never fail the request over it.
        logger.exception("Could not delete stored file %s", stored_name)


def _track(session: Session, storage: Storage, stored_name: str) -> None:
    session.info.setdefault(_UNCOMMITTED, []).append((storage, stored_name))


def _discard(session: Session, stored_names: Iterable[str] | None = None) -> None:
    """Delete uncommitted files (all, or just `stored_names`) and stop tracking them."""
    tracked = session.info.get(_UNCOMMITTED, [])
    wanted = None if stored_names is None else set(stored_names)
    keep = []
    for storage, stored_name in tracked:
        if wanted is None or stored_name in wanted:
            _delete_quietly(storage, stored_name)
        else:
            keep.append((storage, stored_name))
    session.info[_UNCOMMITTED] = keep


def delete_after_commit(stored_name: str) -> None:
    """Delete this stored file once the transaction that removed its row commits (kept if
    it rolls back). For any file the portal stores: attachments, letters, exports."""
    db.session.info.setdefault(_DELETE_AFTER_COMMIT, []).append((get_storage(), stored_name))


@event.listens_for(Session, "after_commit")
def _files_follow_commit(session: Session) -> None:
    session.info.pop(_UNCOMMITTED, None)  # their rows are saved: the files stay
    for storage, stored_name in session.info.pop(_DELETE_AFTER_COMMIT, []):
        _delete_quietly(storage, stored_name)


@event.listens_for(Session, "after_rollback")
def _files_follow_rollback(session: Session) -> None:
    _discard(session)  # their rows are gone, so the files go too
    session.info.pop(_DELETE_AFTER_COMMIT, None)  # the rows are back: keep their files


@contextmanager
def upload_guard():
    """Wrap "store files, create rows, commit": if anything raises before the block ends,
    the files written inside it are deleted and the transaction rolled back.

    The commit must happen inside the block; leaving it with uncommitted files is a bug
    (the files are deleted and RuntimeError raised so the rows cannot be committed later).
    """
    session = db.session()
    before = {name for _storage, name in session.info.get(_UNCOMMITTED, [])}
    depth = g.get("portal_upload_guards", 0)
    g.portal_upload_guards = depth + 1
    try:
        yield
    except BaseException:
        written_here = [name for _storage, name in session.info.get(_UNCOMMITTED, [])
                        if name not in before]
        if written_here:
            try:
                session.rollback()
            except Exception:
                logger.exception("Rollback after a failed upload failed")
            _discard(session, written_here)
        raise
    else:
        written_here = [name for _storage, name in session.info.get(_UNCOMMITTED, [])
                        if name not in before]
        if written_here and depth == 0:
            _discard(session, written_here)
            raise RuntimeError("commit new attachments inside upload_guard()")
    finally:
        g.portal_upload_guards = depth


# -- operations -----------------------------------------------------------------------------

def used_bytes(owner: User) -> int:
    """What the owner's files take up now, from their account's running total."""
    return db.session.scalar(select(User.attachment_bytes).where(User.id == owner.id))


def _files_total(owner_id):
    return (select(func.coalesce(func.sum(Attachment.size_bytes), 0))
            .where(Attachment.owner_id == owner_id))


def recount_attachment_bytes() -> int:
    """Set every account's running total from its files' sizes in one statement; the
    number corrected. Only for bulk loads with no other writers (the benchmark's seed):
    an upload committing while it runs could be missed (see recount_account)."""
    total = _files_total(User.id).scalar_subquery()
    return db.session.execute(
        update(User).where(User.attachment_bytes != total).values(attachment_bytes=total)
        .execution_options(synchronize_session=False)).rowcount


def accounts_off_their_total() -> list[int]:
    """Accounts whose running total differs from their files' sizes just now (some may be
    mid-upload: recount_account decides under the lock)."""
    total = _files_total(User.id).scalar_subquery()
    return list(db.session.scalars(select(User.id).where(User.attachment_bytes != total)))


def recount_account(owner_id: int) -> bool:
    """Put one account's total right while uploads and removals go on; True if it was wrong.

    The account's row is locked first, as an upload's reservation and a removal's release
    lock it, and the files are totalled in a second statement: under READ COMMITTED each
    statement reads what was committed when it began, so the total then includes every
    upload that held the lock before this one. (A removal whose DELETE is not yet
    committed is still counted here, and takes its size off when it gets the lock.)
    """
    kept = db.session.scalar(select(User.attachment_bytes).where(User.id == owner_id)
                             .with_for_update())
    if kept is None:
        return False
    actual = db.session.scalar(_files_total(owner_id))
    if kept == actual:
        return False
    accounts = User.__table__
    db.session.execute(update(accounts).where(accounts.c.id == owner_id)
                       .values(attachment_bytes=actual))
    return True


def _reserve(owner: User, size: int, quota: int) -> bool:
    """Add `size` bytes to the owner's running total if it stays within `quota`.

    One conditional UPDATE: it holds the owner's row lock until commit, and a second upload
    by the same person waits for that lock and then re-checks the condition against the
    total the first one committed, so two uploads at once cannot both slip under the quota.
    (On the table, not through the ORM: nothing in the session needs synchronising but the
    owner's own total, set from what the statement returns.)
    """
    accounts = User.__table__
    total = db.session.connection().execute(
        update(accounts)
        .where(accounts.c.id == owner.id, accounts.c.attachment_bytes + size <= quota)
        .values(attachment_bytes=accounts.c.attachment_bytes + size)
        .returning(accounts.c.attachment_bytes)
    ).scalar_one_or_none()
    if total is None:
        return False
    set_committed_value(owner, "attachment_bytes", total)
    return True


def _release(owner_id: int, size: int) -> None:
    db.session.execute(
        update(User).where(User.id == owner_id)
        .values(attachment_bytes=User.attachment_bytes - size)
        .execution_options(synchronize_session="evaluate"))


def _limits() -> tuple[int, int, int, int]:
    per_file_mb = current_app.config["MAX_UPLOAD_MB"]
    quota_mb = current_app.config.get("ATTACHMENT_QUOTA_MB", DEFAULT_QUOTA_MB)
    return per_file_mb, per_file_mb * MB, quota_mb, quota_mb * MB


def _mb(size: int) -> str:
    return f"{size / MB:.1f}".removesuffix(".0")


def _over_quota(name: str, used: int) -> str:
    _per_file_mb, _per_file, quota_mb, _quota = _limits()
    return (f"‘{name}’ cannot be uploaded because you have used {_mb(used)} MB of "
            f"your {quota_mb} MB for files. Remove some files and try again")


def _reserve_or_refuse(owner: User, accepted: list) -> None:
    """Count the stored files against the owner's quota, or say which one does not fit.

    The sizes were checked against the total read with the signed-in user's row; this is
    the binding check, made under the row lock, against the total as committed now.
    """
    quota = _limits()[3]
    size = sum(stored.size for _name, _kind, stored in accepted)
    if _reserve(owner, size, quota):
        return
    used = used_bytes(owner)  # another upload or removal of theirs committed first
    for name, _kind, stored in accepted:
        if used + stored.size > quota:
            raise AttachmentError(_over_quota(name, used), name)
        used += stored.size
    # A removal committed between the two reads: there is room now.
    if not _reserve(owner, size, quota):
        name = accepted[-1][0]
        raise AttachmentError(_over_quota(name, used_bytes(owner)), name)


def _store_one(storage: Storage, session: Session, upload: FileStorage, used: int):
    """Check one chosen file, then store it. It is checked first, as the request's own temp
    file, so a refused file is never written to the store (nor sent to S3)."""
    name = display_name(upload.filename)
    kind = file_kind(name)
    per_file_mb, per_file, _quota_mb, quota = _limits()
    remaining = quota - used
    quota_message = _over_quota(name, used)
    if remaining <= 0:
        raise AttachmentError(quota_message, name)
    if not read_head(upload.stream):
        raise AttachmentError(f"‘{name}’ is empty", name)
    if not matches_signature(upload.stream, kind):
        raise AttachmentError(
            f"‘{name}’ is not a real {kind.label} file. Check the file or choose another one",
            name)
    try:
        stored = storage.save_stream(upload.stream, min(per_file, remaining))
    except FileTooLarge as error:
        if error.max_bytes < per_file:
            raise AttachmentError(quota_message, name) from None
        raise AttachmentError(f"‘{name}’ must be smaller than {per_file_mb} MB", name) from None
    except OSError:
        logger.exception("Storing an uploaded file failed")
        raise AttachmentError(f"‘{name}’ could not be saved. Try again later", name) from None
    _track(session, storage, stored.stored_name)
    return name, kind, stored


def store_uploads(actor: User, entry: EvidenceEntry,
                  files: Iterable[FileStorage]) -> list[Attachment]:
    """Store each chosen file and add its Attachment row (flushed and audited).

    Must run inside `upload_guard()`. Empty file inputs are ignored. If any file is refused,
    the files stored by this call are deleted, no rows are added, and AttachmentError says why.
    """
    if not g.get("portal_upload_guards"):
        raise RuntimeError("store_uploads() must run inside upload_guard()")
    uploads = [upload for upload in files if upload is not None and upload.filename]
    if not uploads:
        return []
    most = current_app.config["MAX_FILES_PER_UPLOAD"]
    if len(uploads) > most:
        raise AttachmentError(f"Choose {most} files or fewer at a time")
    storage = get_storage()
    session = db.session()
    # Read with the signed-in user's row: it sets how much of each file to accept;
    # _reserve_or_refuse makes the binding check once they are stored.
    used = actor.attachment_bytes
    written: list[str] = []
    try:
        accepted = []
        for upload in uploads:
            name, kind, stored = _store_one(storage, session, upload, used)
            written.append(stored.stored_name)
            accepted.append((name, kind, stored))
            used += stored.size
        _reserve_or_refuse(actor, accepted)
        attachments = [
            Attachment(entry=entry, owner_id=actor.id, original_name=name,
                       stored_name=stored.stored_name, content_type=kind.content_type,
                       size_bytes=stored.size, sha256=stored.sha256, uploaded_at=utcnow())
            for name, kind, stored in accepted
        ]
        session.add_all(attachments)
        session.flush()
        for attachment in attachments:
            audit.record(actor, "attachment_added", attachment,
                         organisation_id=entry.organisation_id, entry_id=entry.id,
                         content_type=attachment.content_type,
                         size_bytes=attachment.size_bytes)
    except BaseException:
        _discard(session, written)
        raise
    return attachments


def delete_attachment(actor: User, attachment: Attachment) -> None:
    """Remove the row now (audited); its file is deleted once that is committed.

    The DELETE comes first, and only a DELETE that removed the row takes its size off the
    owner's total and writes the audit row: two removals of one file at once (a double
    click) would otherwise count it twice and let the owner past their quota.
    """
    entry, stored_name = attachment.entry, attachment.stored_name
    owner_id, size = attachment.owner_id, attachment.size_bytes
    session = db.session()
    removed = session.execute(
        delete(Attachment).where(Attachment.id == attachment.id)
        .execution_options(synchronize_session=False)).rowcount
    if removed != 1:
        return  # another request removed it first
    _release(owner_id, size)
    audit.record(actor, "attachment_deleted", attachment,
                 organisation_id=entry.organisation_id, entry_id=entry.id)
    session.expunge(attachment)
    if "attachments" in entry.__dict__:  # the entry's loaded list no longer holds it
        set_committed_value(entry, "attachments",
                            [kept for kept in entry.attachments if kept is not attachment])
    delete_after_commit(stored_name)
