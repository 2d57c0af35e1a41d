"""Where uploaded files live: a small storage interface and its local-disk implementation.

Files are stored under random names that say nothing about their owner or content, so
nothing uploaded can choose where it is written. The interface (`Storage`) is what the rest
of the portal uses, so an object-store backend can replace the local one later.
"""

import contextlib
import hashlib
import os
import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

CHUNK_SIZE = 64 * 1024
# 32 lower-case hex characters: the only names storage will ever accept.
STORED_NAME_PATTERN = re.compile(r"\A[0-9a-f]{32}\Z")
TEMP_DIR = "tmp"
QUARANTINE_DIR = "quarantine"
TEMP_PREFIX = "upload-"
TEMP_SUFFIX = ".part"


class StorageError(Exception):
    """A file could not be stored or found."""


class FileTooLarge(StorageError):
    """The stream was longer than the limit; nothing was kept."""

    def __init__(self, max_bytes: int):
        super().__init__(f"file is larger than {max_bytes} bytes")
        self.max_bytes = max_bytes


class InvalidStoredName(StorageError, ValueError):
    """A stored name that storage did not make (and so may not be trusted as a path)."""


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    size: int
    sha256: str


class Storage(Protocol):
    """What the portal needs from a file store."""

    def save_stream(self, stream: BinaryIO, max_bytes: int) -> StoredFile: ...
    def open(self, stored_name: str) -> BinaryIO: ...
    def exists(self, stored_name: str) -> bool: ...
    def delete(self, stored_name: str) -> bool: ...
    def sha256(self, stored_name: str) -> str: ...
    def modified_at(self, stored_name: str) -> float: ...
    def iter_stored_names(self) -> Iterator[str]: ...
    def quarantine(self, stored_name: str) -> None: ...


def check_stored_name(stored_name: str) -> str:
    if not isinstance(stored_name, str) or not STORED_NAME_PATTERN.match(stored_name):
        raise InvalidStoredName("not a stored file name")
    return stored_name


class LocalFileStorage:
    """Files on a local (or mounted) disk: root/<first two characters>/<name>.

    Writes are atomic: a temp file in root/tmp (same file system), fsynced, then renamed
    into place, so a reader never sees half a file and a crash leaves only a temp file.
    """

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    # -- writing -----------------------------------------------------------------------

    def save_stream(self, stream: BinaryIO, max_bytes: int) -> StoredFile:
        """Copy `stream` into storage, hashing as it goes; FileTooLarge past `max_bytes`."""
        temp_dir = self.root / TEMP_DIR
        temp_dir.mkdir(parents=True, exist_ok=True)
        descriptor, temp_path = _mkstemp(temp_dir)
        try:
            digest = hashlib.sha256()
            size = 0
            with os.fdopen(descriptor, "wb") as temp_file:
                while True:
                    chunk = stream.read(CHUNK_SIZE)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > max_bytes:
                        raise FileTooLarge(max_bytes)
                    digest.update(chunk)
                    temp_file.write(chunk)
                temp_file.flush()
                os.fsync(temp_file.fileno())
            stored_name = secrets.token_hex(16)
            final_path = self.path(stored_name)
            final_path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp_path, final_path)
            _fsync_directory(final_path.parent)
        except BaseException:
            # Disk full, a limit, a dropped connection: never leave the partial file behind.
            _remove_quietly(temp_path)
            raise
        return StoredFile(stored_name=stored_name, size=size, sha256=digest.hexdigest())

    def delete(self, stored_name: str) -> bool:
        """Remove a stored file; False if it was already gone."""
        try:
            self.path(stored_name).unlink()
        except FileNotFoundError:
            return False
        return True

    def quarantine(self, stored_name: str) -> None:
        """Move a file out of the store (kept for a person to inspect, never served)."""
        destination = self.root / QUARANTINE_DIR
        destination.mkdir(parents=True, exist_ok=True)
        os.replace(self.path(stored_name), destination / stored_name)

    # -- reading -----------------------------------------------------------------------

    def path(self, stored_name: str) -> Path:
        """The file's path. Only names storage made are accepted, so no path can escape."""
        check_stored_name(stored_name)
        return self.root / stored_name[:2] / stored_name

    def open(self, stored_name: str) -> BinaryIO:
        return open(self.path(stored_name), "rb")  # the caller closes it

    def exists(self, stored_name: str) -> bool:
        return self.path(stored_name).is_file()

    def sha256(self, stored_name: str) -> str:
        digest = hashlib.sha256()
        with self.open(stored_name) as stored:
            for chunk in iter(lambda: stored.read(CHUNK_SIZE), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def modified_at(self, stored_name: str) -> float:
        return self.path(stored_name).stat().st_mtime

    def iter_stored_names(self) -> Iterator[str]:
        """Every stored file (not temp or quarantined ones)."""
        if not self.root.is_dir():
            return
        for shard in sorted(self.root.iterdir()):
            if not (shard.is_dir() and re.fullmatch(r"[0-9a-f]{2}", shard.name)):
                continue
            for entry in sorted(shard.iterdir()):
                if (entry.is_file() and STORED_NAME_PATTERN.match(entry.name)
                        and entry.name.startswith(shard.name)):
                    yield entry.name

    def stale_temp_files(self, older_than_seconds: float) -> list[Path]:
        """Temp files left by a process that died mid-upload."""
        temp_dir = self.root / TEMP_DIR
        if not temp_dir.is_dir():
            return []
        cutoff = time.time() - older_than_seconds
        return [
            entry for entry in sorted(temp_dir.iterdir())
            if entry.is_file() and entry.name.startswith(TEMP_PREFIX)
            and entry.stat().st_mtime <= cutoff
        ]


def get_storage() -> LocalFileStorage:
    """The storage for the current app (UPLOAD_DIR)."""
    return LocalFileStorage(current_app.config["UPLOAD_DIR"])


def _mkstemp(directory: Path) -> tuple[int, str]:
    return tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=directory)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
