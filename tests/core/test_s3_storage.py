"""S3 storage against a real S3 API (moto_server on 127.0.0.1): streamed multipart uploads,
nothing left behind by any failure, strict names, and what reconcile needs."""

import hashlib
import io
import os
import time

import pytest
from botocore.exceptions import EndpointConnectionError

from portal.core.storage import (
    FileTooLarge,
    InvalidStoredName,
    S3FileStorage,
    StaleUpload,
    StorageUnavailable,
    encryption_arguments,
)
from portal.core.storage.s3 import PART_SIZE
from tests import s3
from tests.servers import memory_kb, reset_peak_memory

MB = 1024 * 1024


@pytest.fixture
def storage(s3_client, s3_bucket):
    return S3FileStorage(s3_client, s3_bucket, prefix="/evidence/",
                         encryption=encryption_arguments("AES256"))


class Repeating(io.RawIOBase):
    """`size` bytes of a repeated block, made as they are read (nothing held in memory);
    raises `breaks_with` once `breaks_after` bytes have been read."""

    def __init__(self, size: int, breaks_after: int | None = None,
                 breaks_with: BaseException | None = None):
        self.block = bytes(range(256)) * 256  # 64 KB
        self.left = size
        self.read_so_far = 0
        self.breaks_after, self.breaks_with = breaks_after, breaks_with

    def readable(self):
        return True

    def read(self, size=-1):
        if self.breaks_after is not None and self.read_so_far >= self.breaks_after:
            raise self.breaks_with
        size = min(len(self.block), self.left if size < 0 else min(size, self.left))
        self.left -= size
        self.read_so_far += size
        return self.block[:size]


def expected_sha256(size: int) -> str:
    digest, stream = hashlib.sha256(), Repeating(size)
    while chunk := stream.read():
        digest.update(chunk)
    return digest.hexdigest()


def assert_nothing_left(s3_client, bucket):
    assert s3.keys(s3_client, bucket) == []
    assert s3.unfinished_uploads(s3_client, bucket) == []


def test_a_small_file_is_one_encrypted_object_under_the_prefix(storage, s3_client, s3_bucket):
    content = b"%PDF-1.7 reflective log" * 1000
    stored = storage.save_stream(io.BytesIO(content), max_bytes=len(content))
    assert stored.size == len(content)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    key = f"evidence/{stored.stored_name[:2]}/{stored.stored_name}"
    assert s3.keys(s3_client, s3_bucket) == [key]
    head = s3_client.head_object(Bucket=s3_bucket, Key=key)
    assert head["ServerSideEncryption"] == "AES256"
    assert "-" not in head["ETag"]  # one PUT, not a multipart upload
    with storage.open(stored.stored_name) as body:
        assert body.read() == content
    assert storage.sha256(stored.stored_name) == stored.sha256
    assert storage.exists(stored.stored_name)
    assert abs(storage.modified_at(stored.stored_name) - time.time()) < 120
    assert list(storage.iter_stored_names()) == [stored.stored_name]


@pytest.mark.parametrize(("size", "parts"), [
    (2 * PART_SIZE + 3 * MB, 3),
    (2 * PART_SIZE, 2),  # ends on a part boundary: no empty last part
])
def test_a_large_file_is_streamed_in_parts(storage, s3_client, s3_bucket, size, parts):
    stored = storage.save_stream(Repeating(size), max_bytes=size)
    assert (stored.size, stored.sha256) == (size, expected_sha256(size))
    head = s3_client.head_object(Bucket=s3_bucket, Key=storage.key(stored.stored_name))
    assert head["ETag"].strip('"').endswith(f"-{parts}")
    assert head["ContentLength"] == size
    assert head["ServerSideEncryption"] == "AES256"
    assert storage.sha256(stored.stored_name) == stored.sha256
    assert s3.unfinished_uploads(s3_client, s3_bucket) == []


def test_a_100_mb_upload_keeps_memory_flat(storage):
    """Parts go through a temp file, so memory does not grow with the part or the file."""
    size = 100 * MB
    storage.save_stream(Repeating(MB), max_bytes=MB)  # boto3 loads its models once
    pid = os.getpid()
    reset_peak_memory(pid)
    before = memory_kb(pid, "VmRSS")
    stored = storage.save_stream(Repeating(size), max_bytes=size)
    growth_mb = (memory_kb(pid, "VmHWM") - before) / 1024
    assert stored.size == size
    assert growth_mb < 16, f"memory grew {growth_mb:.1f} MB"


def test_a_stream_over_the_limit_aborts_the_upload(storage, s3_client, s3_bucket):
    with pytest.raises(FileTooLarge) as caught:
        storage.save_stream(Repeating(PART_SIZE + 3 * MB), max_bytes=PART_SIZE + 2 * MB)
    assert caught.value.max_bytes == PART_SIZE + 2 * MB
    assert_nothing_left(s3_client, s3_bucket)


def test_exactly_the_limit_is_accepted(storage):
    assert storage.save_stream(io.BytesIO(b"a" * 1000), max_bytes=1000).size == 1000


def test_a_stream_that_breaks_mid_upload_leaves_nothing(storage, s3_client, s3_bucket):
    dropped = Repeating(3 * PART_SIZE, breaks_after=PART_SIZE + MB,
                        breaks_with=ConnectionResetError("client went away"))
    with pytest.raises(ConnectionResetError):
        storage.save_stream(dropped, max_bytes=10 * PART_SIZE)
    assert_nothing_left(s3_client, s3_bucket)


def test_the_store_failing_mid_upload_leaves_nothing(storage, s3_client, s3_bucket):
    """The second part never arrives (the store went away): the upload is aborted."""
    sent = []

    def lose_the_second_part(request, **_kwargs):
        sent.append(request.url)
        if len(sent) > 1:
            raise EndpointConnectionError(endpoint_url=request.url)

    s3_client.meta.events.register("before-send.s3.UploadPart", lose_the_second_part)
    try:
        with pytest.raises(StorageUnavailable) as caught:
            storage.save_stream(Repeating(3 * PART_SIZE), max_bytes=3 * PART_SIZE)
    finally:
        s3_client.meta.events.unregister("before-send.s3.UploadPart", lose_the_second_part)
    assert isinstance(caught.value, OSError)  # what the upload code treats as store trouble
    assert_nothing_left(s3_client, s3_bucket)


def test_a_bucket_that_does_not_exist_is_store_trouble(s3_client):
    storage = S3FileStorage(s3_client, "portal-test-no-such-bucket")
    with pytest.raises(StorageUnavailable):
        storage.save_stream(io.BytesIO(b"x"), 10)


@pytest.mark.parametrize("name", [
    "../../etc/passwd", "..", "", "ab/../../x", "/etc/passwd",
    "0123456789abcdef0123456789abcdeF", "0123456789abcdef0123456789abcdef/..",
    "quarantine/0123456789abcdef0123456789abcdef",
])
def test_names_storage_did_not_make_are_refused(storage, name):
    for operation in (storage.key, storage.open, storage.delete, storage.quarantine,
                      storage.exists):
        with pytest.raises(InvalidStoredName):
            operation(name)


def test_a_missing_object_is_not_found(storage):
    missing = "0123456789abcdef0123456789abcdef"
    assert not storage.exists(missing)
    with pytest.raises(FileNotFoundError):
        storage.open(missing)
    assert storage.delete(missing) is False


def test_delete_and_quarantine(storage, s3_client, s3_bucket):
    kept = storage.save_stream(io.BytesIO(b"one"), 10).stored_name
    odd = storage.save_stream(io.BytesIO(b"two"), 10).stored_name
    assert storage.delete(kept) is True
    assert storage.delete(kept) is False
    storage.quarantine(odd)
    assert not storage.exists(odd)
    assert s3.keys(s3_client, s3_bucket) == [f"evidence/quarantine/{odd}"]
    body = s3_client.get_object(Bucket=s3_bucket, Key=f"evidence/quarantine/{odd}")
    assert body["Body"].read() == b"two"
    assert body["ServerSideEncryption"] == "AES256"
    assert list(storage.iter_stored_names()) == []


def test_iteration_ignores_foreign_and_misplaced_objects(storage, s3_client, s3_bucket):
    stored = storage.save_stream(io.BytesIO(b"x"), 10).stored_name
    other = "fedcba9876543210fedcba9876543210"
    for key in (f"evidence/{stored[:2]}/notes.txt", f"evidence/{stored[:2]}/{other}",
                f"elsewhere/{other[:2]}/{other}", f"{other[:2]}/{other}", "evidence/x"):
        s3_client.put_object(Bucket=s3_bucket, Key=key, Body=b"?")
    assert list(storage.iter_stored_names()) == [stored]


def test_an_upload_a_crashed_process_left_is_found_and_aborted(storage, s3_client,
                                                              s3_bucket):
    name = "0123456789abcdef0123456789abcdef"
    s3_client.create_multipart_upload(Bucket=s3_bucket, Key=storage.key(name))
    # (moto lists every upload as begun in 2010, so "too new to be stale" cannot be shown
    # here; the cutoff is the one the local store's test checks.)
    [stale] = storage.stale_uploads(0)
    assert stale.description == f"multipart upload {name[:2]}/{name}"
    storage.remove_stale_upload(stale)
    assert storage.stale_uploads(0) == []
    assert_nothing_left(s3_client, s3_bucket)


@pytest.mark.parametrize("reference", [
    "upload-id elsewhere/01/0123456789abcdef0123456789abcdef",
    "upload-id evidence/../0123456789abcdef0123456789abcdef",
    "upload-id evidence/01/notes.txt",
])
def test_only_this_stores_uploads_can_be_removed(storage, reference):
    with pytest.raises(ValueError):
        storage.remove_stale_upload(StaleUpload(description="x", reference=reference))


def test_encryption_settings():
    assert encryption_arguments("") == {}
    assert encryption_arguments("AES256") == {"ServerSideEncryption": "AES256"}
    assert encryption_arguments("aws:kms", "key-1") == {"ServerSideEncryption": "aws:kms",
                                                        "SSEKMSKeyId": "key-1"}
    with pytest.raises(ValueError):
        encryption_arguments("rot13")
