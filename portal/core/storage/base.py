"""What every file store shares: the interface, its errors, and how names are made and checked.

Files are stored under random names that say nothing about their owner or content, so
nothing uploaded can choose where it is written, and every backend lays them out the same
way (`<first two characters>/<name>`), so files copied from one kind of store to another
keep their names.
"""

import hashlib
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

CHUNK_SIZE = 64 * 1024
# 32 lower-case hex characters: the only names storage will ever accept.
STORED_NAME_PATTERN = re.compile(r"\A[0-9a-f]{32}\Z")
QUARANTINE_DIR = "quarantine"


class StorageError(Exception):
    """A file could not be stored or found."""


class FileTooLarge(StorageError):
    """The stream was longer than the limit; nothing was kept."""

    def __init__(self, max_bytes: int):
        super().__init__(f"file is larger than {max_bytes} bytes")
        self.max_bytes = max_bytes


class InvalidStoredName(StorageError, ValueError):
    """A stored name that storage did not make (and so may not be trusted as a path)."""


class StorageUnavailable(StorageError, OSError):
    """The store could not be reached or refused a request. An OSError, like a failing
    disk, so callers treat both kinds of store's trouble alike."""


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class StaleUpload:
    """An upload a process left unfinished (it died mid-write): `description` names it
    for people, `reference` is what the store needs to remove it."""

    description: str
    reference: str


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
    def stale_uploads(self, older_than_seconds: float) -> list[StaleUpload]: ...
    def remove_stale_upload(self, upload: StaleUpload) -> None: ...


def check_stored_name(stored_name: str) -> str:
    if not isinstance(stored_name, str) or not STORED_NAME_PATTERN.match(stored_name):
        raise InvalidStoredName("not a stored file name")
    return stored_name


def new_stored_name() -> str:
    return secrets.token_hex(16)


def sharded(stored_name: str) -> str:
    """`ab/ab12...`: the name's place in any store (checked first, so it cannot escape)."""
    check_stored_name(stored_name)
    return f"{stored_name[:2]}/{stored_name}"


def name_in_shard(shard: str, name: str) -> bool:
    """Whether `shard/name` is a file storage made (not a temp, quarantined or foreign one)."""
    return bool(STORED_NAME_PATTERN.match(name)) and name[:2] == shard


class MeasuredStream:
    """A stream's chunks, counted and hashed as they pass; FileTooLarge past `max_bytes`
    (raised before the chunk that crosses the limit is handed on)."""

    def __init__(self, stream: BinaryIO, max_bytes: int):
        self.stream = stream
        self.max_bytes = max_bytes
        self.size = 0
        self.digest = hashlib.sha256()

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.stream.read(CHUNK_SIZE):
            self.size += len(chunk)
            if self.size > self.max_bytes:
                raise FileTooLarge(self.max_bytes)
            self.digest.update(chunk)
            yield chunk

    def stored_as(self, stored_name: str) -> StoredFile:
        return StoredFile(stored_name=stored_name, size=self.size,
                          sha256=self.digest.hexdigest())


def sha256_of(stored: BinaryIO) -> str:
    digest = hashlib.sha256()
    with stored:
        for chunk in iter(lambda: stored.read(CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest()
