"""Files on a local (or mounted) disk: the default store, for one server or a shared mount."""

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from portal.core.storage.base import (
    QUARANTINE_DIR,
    MeasuredStream,
    StaleUpload,
    StoredFile,
    name_in_shard,
    new_stored_name,
    sha256_of,
    sharded,
)

TEMP_DIR = "tmp"
TEMP_PREFIX = "upload-"
TEMP_SUFFIX = ".part"


class LocalFileStorage:
    """Files under root/<first two characters>/<name>.

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
        measured = MeasuredStream(stream, max_bytes)
        try:
            with os.fdopen(descriptor, "wb") as temp_file:
                for chunk in measured:
                    temp_file.write(chunk)
                temp_file.flush()
                os.fsync(temp_file.fileno())
            stored_name = new_stored_name()
            final_path = self.path(stored_name)
            final_path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temp_path, final_path)
            _fsync_directory(final_path.parent)
        except BaseException:
            # Disk full, a limit, a dropped connection: never leave the partial file behind.
            _remove_quietly(temp_path)
            raise
        return measured.stored_as(stored_name)

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
        return self.root / sharded(stored_name)

    def open(self, stored_name: str) -> BinaryIO:
        return open(self.path(stored_name), "rb")  # the caller closes it

    def exists(self, stored_name: str) -> bool:
        return self.path(stored_name).is_file()

    def sha256(self, stored_name: str) -> str:
        return sha256_of(self.open(stored_name))

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
                if entry.is_file() and name_in_shard(shard.name, entry.name):
                    yield entry.name

    # -- uploads a crashed process left --------------------------------------------------

    def stale_uploads(self, older_than_seconds: float) -> list[StaleUpload]:
        """Temp files left by a process that died mid-upload."""
        temp_dir = self.root / TEMP_DIR
        if not temp_dir.is_dir():
            return []
        cutoff = time.time() - older_than_seconds
        return [
            StaleUpload(description=f"temp file {entry.name}", reference=entry.name)
            for entry in sorted(temp_dir.iterdir())
            if entry.is_file() and _is_temp_name(entry.name) and entry.stat().st_mtime <= cutoff
        ]

    def remove_stale_upload(self, upload: StaleUpload) -> None:
        if not _is_temp_name(upload.reference):
            raise ValueError("not a temp file of this store")
        (self.root / TEMP_DIR / upload.reference).unlink(missing_ok=True)


def _is_temp_name(name: str) -> bool:
    return "/" not in name and name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


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
