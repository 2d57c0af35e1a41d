"""Files attached to evidence entries: which files are allowed, and storing and removing them.

A file is accepted only if both its extension and its first bytes say it is one of the
allowed kinds; its content type comes from our list, never from the browser. The name the
person gave it is display text only. Files and rows are kept in step: a file whose row is not
committed is deleted (see `upload_guard`), and a removed row's file is deleted after commit.
The operations flush and audit; the view commits.
"""

import codecs
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app, g
from sqlalchemy import delete, event, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.datastructures import FileStorage

from portal.accounts.models import User
from portal.core import audit
from portal.core.db import db, utcnow
from portal.core.storage import FileTooLarge, Storage, get_storage
from portal.evidence.models import Attachment, EvidenceEntry

logger = logging.getLogger(__name__)

MB = 1024 * 1024
DEFAULT_QUOTA_MB = 500
MAX_DISPLAY_NAME = 255
HEAD_BYTES = 64


class AttachmentError(ValueError):
    """A file that cannot be attached, with a message to show the person who chose it."""

    def __init__(self, message: str, filename: str | None = None):
        super().__init__(message)
        self.message = message
        self.filename = filename


# -- what may be uploaded -------------------------------------------------------------------

Check = Callable[[BinaryIO, bytes], bool]


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    check: Check
    # Safe to label with its real type on download (never text, which a browser may render).
    typed_download: bool = True


def _starts(*prefixes: bytes) -> Check:
    return lambda _file, head: head.startswith(prefixes)


def _riff(form_type: bytes) -> Check:
    return lambda _file, head: head[:4] == b"RIFF" and head[8:12] == form_type


def _iso_media(brands: set[bytes] | None = None) -> Check:
    def check(_file, head):
        return head[4:8] == b"ftyp" and (brands is None or head[8:12] in brands)

    return check


def _mp3(_file, head: bytes) -> bool:
    if head.startswith(b"ID3"):
        return True
    return len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0


def _zip_names(file: BinaryIO) -> zipfile.ZipFile | None:
    try:
        return zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _office_open_xml(folder: str) -> Check:
    """DOCX/XLSX/PPTX: a ZIP with [Content_Types].xml and the format's own folder."""

    def check(file, head):
        if not head.startswith(b"PK\x03\x04"):
            return False
        archive = _zip_names(file)
        if archive is None:
            return False
        with archive:
            names = archive.namelist()
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)

    return check


def _open_document(mimetype: str) -> Check:
    """ODT/ODS/ODP: a ZIP whose first member, `mimetype`, names the format."""

    def check(file, head):
        if not head.startswith(b"PK\x03\x04"):
            return False
        archive = _zip_names(file)
        if archive is None:
            return False
        with archive:
            try:
                with archive.open("mimetype") as member:
                    return member.read(100) == mimetype.encode()
            except (KeyError, zipfile.BadZipFile, OSError, NotImplementedError):
                return False

    return check


_MARKUP = re.compile(
    r"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|meta|style|link|\?xml)\b"
    r"|javascript\s*:",
    re.IGNORECASE,
)


def _plain_text(file: BinaryIO, head: bytes) -> bool:
    """UTF-8 text with no NUL bytes that does not look like a web page, SVG or script."""
    if head.lstrip(b"\xef\xbb\xbf").startswith(b"#!"):
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    tail = ""
    try:
        for chunk in iter(lambda: file.read(64 * 1024), b""):
            if b"\x00" in chunk:
                return False
            text = tail + decoder.decode(chunk)
            if _MARKUP.search(text):
                return False
            tail = text[-32:]  # a marker split across two chunks is still found
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


_OLE = _starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."

ALLOWED_TYPES: dict[str, FileKind] = {
    "pdf": FileKind("PDF", "application/pdf", _starts(b"%PDF-")),
    "doc": FileKind("Word document", "application/msword", _OLE),
    "docx": FileKind("Word document", _OOXML + "wordprocessingml.document",
                     _office_open_xml("word/")),
    "xls": FileKind("Excel spreadsheet", "application/vnd.ms-excel", _OLE),
    "xlsx": FileKind("Excel spreadsheet", _OOXML + "spreadsheetml.sheet",
                     _office_open_xml("xl/")),
    "ppt": FileKind("PowerPoint presentation", "application/vnd.ms-powerpoint", _OLE),
    "pptx": FileKind("PowerPoint presentation", _OOXML + "presentationml.presentation",
                     _office_open_xml("ppt/")),
    "odt": FileKind("OpenDocument text", _ODF + "text", _open_document(_ODF + "text")),
    "ods": FileKind("OpenDocument spreadsheet", _ODF + "spreadsheet",
                    _open_document(_ODF + "spreadsheet")),
    "odp": FileKind("OpenDocument presentation", _ODF + "presentation",
                    _open_document(_ODF + "presentation")),
    "rtf": FileKind("Rich text", "application/rtf", _starts(b"{\\rtf"), typed_download=False),
    "txt": FileKind("Text", "text/plain", _plain_text, typed_download=False),
    "csv": FileKind("CSV", "text/csv", _plain_text, typed_download=False),
    "jpg": FileKind("JPEG image", "image/jpeg", _starts(b"\xff\xd8\xff")),
    "jpeg": FileKind("JPEG image", "image/jpeg", _starts(b"\xff\xd8\xff")),
    "png": FileKind("PNG image", "image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    "gif": FileKind("GIF image", "image/gif", _starts(b"GIF87a", b"GIF89a")),
    "webp": FileKind("WebP image", "image/webp", _riff(b"WEBP")),
    "heic": FileKind("HEIC image", "image/heic", _iso_media(
        {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})),
    "mp3": FileKind("MP3 audio", "audio/mpeg", _mp3),
    "m4a": FileKind("M4A audio", "audio/mp4", _iso_media()),
    "wav": FileKind("WAV audio", "audio/wav", _riff(b"WAVE")),
    "ogg": FileKind("Ogg audio", "audio/ogg", _starts(b"OggS")),
    "webm": FileKind("WebM audio", "audio/webm", _starts(b"\x1a\x45\xdf\xa3")),
}
ALLOWED_EXTENSIONS: tuple[str, ...] = tuple(ALLOWED_TYPES)
ALLOWED_TYPES_TEXT = ", ".join(e.upper() for e in ALLOWED_EXTENSIONS[:-1]) + \
    " or " + ALLOWED_EXTENSIONS[-1].upper()
ACCEPT_ATTRIBUTE = ",".join("." + e for e in ALLOWED_EXTENSIONS)
_KIND_BY_CONTENT_TYPE = {kind.content_type: kind for kind in ALLOWED_TYPES.values()}


def type_label(content_type: str) -> str:
    kind = _KIND_BY_CONTENT_TYPE.get(content_type)
    return kind.label if kind else "File"


def download_mimetype(content_type: str) -> str:
    """The type to send: the real one only for kinds a browser will not run or render."""
    kind = _KIND_BY_CONTENT_TYPE.get(content_type)
    return content_type if kind and kind.typed_download else "application/octet-stream"


_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                        "\u2066\u2067\u2068\u2069"))


def display_name(raw: str | None) -> str:
    """The uploaded name as safe display text: no folders, control or direction characters,
    at most 255 characters (keeping the extension). Never used to build a path."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1].translate(_BIDI_CONTROLS)
    name = "".join(c for c in name if unicodedata.category(c) not in {"Cc", "Cs"}).strip()
    if len(name) > MAX_DISPLAY_NAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: MAX_DISPLAY_NAME - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:MAX_DISPLAY_NAME]
    return name or "file"


def extension_of(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def file_kind(name: str) -> FileKind:
    """The allowed kind for this display name, or AttachmentError naming the allowed types."""
    kind = ALLOWED_TYPES.get(extension_of(name))
    if kind is None:
        raise AttachmentError(f"‘{name}’ must be a {ALLOWED_TYPES_TEXT} file", name)
    return kind


def matches_signature(storage: Storage, stored_name: str, kind: FileKind) -> bool:
    with storage.open(stored_name) as stored:
        head = stored.read(HEAD_BYTES)
        stored.seek(0)
        return kind.check(stored, head)


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
    name = display_name(upload.filename)
    kind = file_kind(name)
    per_file_mb, per_file, _quota_mb, quota = _limits()
    remaining = quota - used
    quota_message = _over_quota(name, used)
    if remaining <= 0:
        raise AttachmentError(quota_message, name)
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
    try:
        if stored.size == 0:
            raise AttachmentError(f"‘{name}’ is empty", name)
        if not matches_signature(storage, stored.stored_name, kind):
            raise AttachmentError(
                f"‘{name}’ is not a real {kind.label} file. Check the file or choose another one",
                name)
    except BaseException:
        _discard(session, [stored.stored_name])
        raise
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
    session.info.setdefault(_DELETE_AFTER_COMMIT, []).append((get_storage(), stored_name))
