"""Local file storage: atomic writes, size limits, strict names, nothing left on failure."""

import hashlib
import io
import os

import pytest

from portal.core.storage import FileTooLarge, InvalidStoredName, LocalFileStorage, StaleUpload


def files_in(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture
def storage(tmp_path):
    return LocalFileStorage(tmp_path / "uploads")


def test_saves_under_a_sharded_random_name_with_its_sha256(storage):
    content = b"%PDF-1.7 reflective log" * 1000
    stored = storage.save_stream(io.BytesIO(content), max_bytes=len(content))
    assert stored.size == len(content)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    path = storage.path(stored.stored_name)
    assert path.parent.name == stored.stored_name[:2]
    assert path.read_bytes() == content
    assert files_in(storage.root) == [path]  # no temp file left
    with storage.open(stored.stored_name) as stored_file:
        assert stored_file.read() == content
    assert storage.sha256(stored.stored_name) == stored.sha256
    assert list(storage.iter_stored_names()) == [stored.stored_name]


def test_names_are_never_reused(storage):
    names = {storage.save_stream(io.BytesIO(b"x"), 10).stored_name for _ in range(20)}
    assert len(names) == 20


def test_a_stream_over_the_limit_is_refused_and_removed(storage):
    with pytest.raises(FileTooLarge) as caught:
        storage.save_stream(io.BytesIO(b"a" * 200_001), max_bytes=200_000)
    assert caught.value.max_bytes == 200_000
    assert files_in(storage.root) == []


def test_exactly_the_limit_is_accepted(storage):
    assert storage.save_stream(io.BytesIO(b"a" * 1000), max_bytes=1000).size == 1000


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_disk_error_leaves_nothing_behind(storage, monkeypatch, failing):
    def broken(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, broken)
    with pytest.raises(OSError):
        storage.save_stream(io.BytesIO(b"data" * 100), max_bytes=10_000)
    monkeypatch.undo()
    assert files_in(storage.root) == []


def test_a_stream_that_breaks_mid_read_leaves_nothing_behind(storage):
    class Dropped(io.RawIOBase):
        calls = 0

        def read(self, _size=-1):
            self.calls += 1
            if self.calls > 2:
                raise ConnectionResetError("client went away")
            return b"x" * 1024

    with pytest.raises(ConnectionResetError):
        storage.save_stream(Dropped(), max_bytes=1_000_000)
    assert files_in(storage.root) == []


@pytest.mark.parametrize("name", [
    "../../etc/passwd", "..", "", "ab/../../x", "/etc/passwd",
    "0123456789abcdef0123456789abcdeF", "0123456789abcdef0123456789abcde",
    "0123456789abcdef0123456789abcdef\n", "0123456789abcdef0123456789abcdef/..",
    "日本語のメモ.pdf",
])
def test_names_storage_did_not_make_are_refused(storage, name):
    for operation in (storage.path, storage.open, storage.delete, storage.quarantine):
        with pytest.raises(InvalidStoredName):
            operation(name)


def test_delete_and_quarantine(storage):
    kept = storage.save_stream(io.BytesIO(b"one"), 10).stored_name
    odd = storage.save_stream(io.BytesIO(b"two"), 10).stored_name
    assert storage.delete(kept) is True
    assert storage.delete(kept) is False
    storage.quarantine(odd)
    assert not storage.exists(odd)
    assert (storage.root / "quarantine" / odd).read_bytes() == b"two"
    assert list(storage.iter_stored_names()) == []


def test_iteration_ignores_temp_quarantine_and_foreign_files(storage):
    stored = storage.save_stream(io.BytesIO(b"x"), 10).stored_name
    (storage.root / "tmp" / "upload-abc.part").write_bytes(b"partial")
    (storage.root / stored[:2] / "notes.txt").write_bytes(b"?")
    assert list(storage.iter_stored_names()) == [stored]
    assert [u.description for u in storage.stale_uploads(0)] == ["temp file upload-abc.part"]
    assert storage.stale_uploads(3600) == []


def test_an_empty_store_has_nothing(storage):
    assert list(storage.iter_stored_names()) == []
    assert storage.stale_uploads(0) == []


def test_only_this_stores_temp_files_can_be_removed(storage, tmp_path):
    outside = tmp_path / "upload-x.part"
    outside.write_bytes(b"not ours")
    for reference in ("../upload-x.part", "notes.txt", "upload-x.part/../../x.part"):
        with pytest.raises(ValueError):
            storage.remove_stale_upload(StaleUpload(description="x", reference=reference))
    assert outside.exists()
