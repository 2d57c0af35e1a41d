"""Files in S3-compatible object storage (AWS S3, MinIO, Ceph...) through boto3, so that
several app servers share one store.

An upload is streamed: each part passes through a temp file on local disk (so memory stays
flat however large the file) and is sent as a multipart upload's part. The object appears
only when the upload is completed, so a reader never sees half a file; any failure aborts
the multipart upload, so nothing is left behind. A file smaller than one part is sent with
a single PUT.
"""

import errno
import logging
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from portal.core.storage.base import (
    QUARANTINE_DIR,
    MeasuredStream,
    StaleUpload,
    StorageUnavailable,
    StoredFile,
    name_in_shard,
    new_stored_name,
    sha256_of,
    sharded,
)

logger = logging.getLogger(__name__)

# S3 refuses parts under 5 MiB (all but the last) and more than 10,000 parts: 8 MiB parts
# allow files of up to 80 GB, far beyond MAX_UPLOAD_MB.
PART_SIZE = 8 * 1024 * 1024
_MISSING = {"404", "NoSuchKey", "NotFound"}
ENCRYPTION_MODES = ("", "AES256", "aws:kms")


@contextmanager
def _s3_errors(stored_name: str = ""):
    """boto3's errors as the storage's: a missing object is FileNotFoundError (as on disk);
    anything else is StorageUnavailable (an OSError)."""
    try:
        yield
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code in _MISSING:
            raise FileNotFoundError(errno.ENOENT, "no stored file", stored_name) from error
        raise StorageUnavailable(f"object storage refused the request ({code})") from error
    except BotoCoreError as error:
        raise StorageUnavailable("object storage could not be reached") from error


def encryption_arguments(mode: str, kms_key_id: str = "") -> dict:
    """The server-side encryption to ask for on every object written."""
    if mode not in ENCRYPTION_MODES:
        raise ValueError(f"server-side encryption must be one of {ENCRYPTION_MODES}")
    arguments = {"ServerSideEncryption": mode} if mode else {}
    if mode == "aws:kms" and kms_key_id:
        arguments["SSEKMSKeyId"] = kms_key_id
    return arguments


def make_client(endpoint_url: str = "", region: str = ""):
    """An S3 client; credentials come from boto3's usual chain (environment, shared files,
    the server's role). Clients are thread-safe, so one serves every request thread."""
    config = Config(
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=5, read_timeout=60, max_pool_connections=16,
        # Other S3-compatible stores rarely serve bucket-named host names.
        s3={"addressing_style": "path" if endpoint_url else "auto"},
    )
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint_url or None, region_name=region or None, config=config)


class S3FileStorage:
    """Objects at `<prefix><first two characters>/<name>` in one bucket (the local layout,
    so a disk's files can be copied across as they are)."""

    part_size = PART_SIZE

    def __init__(self, client, bucket: str, prefix: str = "", encryption: dict | None = None):
        self.client = client
        self.bucket = bucket
        # "portal", "/portal/" and "portal/" are one folder; "" is the bucket's root.
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.encryption = dict(encryption or {})

    def key(self, stored_name: str) -> str:
        return self.prefix + sharded(stored_name)

    # -- writing -----------------------------------------------------------------------

    def save_stream(self, stream: BinaryIO, max_bytes: int) -> StoredFile:
        """Stream `stream` into the bucket, hashing as it goes; FileTooLarge past `max_bytes`."""
        measured = MeasuredStream(stream, max_bytes)
        chunks = iter(measured)
        stored_name = new_stored_name()
        key = self.key(stored_name)
        with tempfile.TemporaryFile(prefix="upload-") as part:
            size = self._fill(part, chunks)
            if size < self.part_size:  # the whole file: one PUT
                with _s3_errors():
                    self.client.put_object(Bucket=self.bucket, Key=key, Body=part,
                                           **self.encryption)
            else:
                self._multipart_upload(key, part, size, chunks)
        return measured.stored_as(stored_name)

    def _fill(self, part: BinaryIO, chunks: Iterator[bytes]) -> int:
        """Put the next part's bytes in `part`, rewound; how many (fewer than a part's size
        only when the stream has ended)."""
        part.seek(0)
        part.truncate()
        for chunk in chunks:
            part.write(chunk)
            if part.tell() >= self.part_size:
                break
        size = part.tell()
        part.seek(0)
        return size

    def _multipart_upload(self, key: str, part: BinaryIO, size: int,
                          chunks: Iterator[bytes]) -> None:
        """Send `part` (holding `size` bytes, a full part) and the rest of `chunks` as one
        multipart upload."""
        with _s3_errors():
            upload_id = self.client.create_multipart_upload(
                Bucket=self.bucket, Key=key, **self.encryption)["UploadId"]
        try:
            parts = []
            while size:  # nothing left when the stream ended on a part boundary
                with _s3_errors():
                    sent = self.client.upload_part(
                        Bucket=self.bucket, Key=key, UploadId=upload_id,
                        PartNumber=len(parts) + 1, Body=part)
                parts.append({"PartNumber": len(parts) + 1, "ETag": sent["ETag"]})
                if size < self.part_size:
                    break  # that was the last
                size = self._fill(part, chunks)
            with _s3_errors():
                self.client.complete_multipart_upload(
                    Bucket=self.bucket, Key=key, UploadId=upload_id,
                    MultipartUpload={"Parts": parts})
        except BaseException:
            # A limit, a dropped connection, the store failing: no object, no parts kept.
            self._abort(key, upload_id)
            raise

    def _abort(self, key: str, upload_id: str) -> None:
        try:
            with _s3_errors():
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key,
                                                   UploadId=upload_id)
        except OSError:
            # `attachments reconcile` finds it (and a bucket lifecycle rule removes it).
            logger.exception("Could not abort the multipart upload of %s", key)

    def delete(self, stored_name: str) -> bool:
        """Remove a stored object; False if it was already gone."""
        if not self.exists(stored_name):
            return False
        with _s3_errors(stored_name):
            self.client.delete_object(Bucket=self.bucket, Key=self.key(stored_name))
        return True

    def quarantine(self, stored_name: str) -> None:
        """Move an object under `<prefix>quarantine/` (kept for a person, never served)."""
        source = self.key(stored_name)
        with _s3_errors(stored_name):
            self.client.copy_object(
                Bucket=self.bucket, Key=f"{self.prefix}{QUARANTINE_DIR}/{stored_name}",
                CopySource={"Bucket": self.bucket, "Key": source}, **self.encryption)
            self.client.delete_object(Bucket=self.bucket, Key=source)

    # -- reading -----------------------------------------------------------------------

    def open(self, stored_name: str) -> BinaryIO:
        """The object's body, streamed as it is read (the caller closes it)."""
        with _s3_errors(stored_name):
            return self.client.get_object(Bucket=self.bucket,
                                          Key=self.key(stored_name))["Body"]

    def _head(self, stored_name: str) -> dict:
        with _s3_errors(stored_name):
            return self.client.head_object(Bucket=self.bucket, Key=self.key(stored_name))

    def exists(self, stored_name: str) -> bool:
        try:
            self._head(stored_name)
        except FileNotFoundError:
            return False
        return True

    def sha256(self, stored_name: str) -> str:
        with _s3_errors(stored_name):
            return sha256_of(self.open(stored_name))

    def modified_at(self, stored_name: str) -> float:
        return self._head(stored_name)["LastModified"].timestamp()

    def iter_stored_names(self) -> Iterator[str]:
        """Every stored object (not quarantined or foreign ones), in name order."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix)
        with _s3_errors():
            for page in pages:
                for entry in page.get("Contents", []):
                    shard, _slash, name = entry["Key"][len(self.prefix):].partition("/")
                    if name_in_shard(shard, name):
                        yield name

    # -- uploads a crashed process left --------------------------------------------------

    def stale_uploads(self, older_than_seconds: float) -> list[StaleUpload]:
        """Multipart uploads begun before the cutoff and never completed or aborted (their
        process died): invisible, but their parts are kept, and paid for, until aborted."""
        cutoff = time.time() - older_than_seconds
        pages = self.client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.bucket, Prefix=self.prefix)
        stale = []
        with _s3_errors():
            for page in pages:
                for upload in page.get("Uploads", []):
                    if upload["Initiated"].timestamp() > cutoff:
                        continue
                    stale.append(StaleUpload(
                        description=f"multipart upload {upload['Key'][len(self.prefix):]}",
                        reference=f"{upload['UploadId']} {upload['Key']}"))
        return stale

    def remove_stale_upload(self, upload: StaleUpload) -> None:
        upload_id, _space, key = upload.reference.partition(" ")
        shard, _slash, name = key.removeprefix(self.prefix).partition("/")
        if not (key.startswith(self.prefix) and name_in_shard(shard, name)):
            raise ValueError("not an upload to this store")
        with _s3_errors():
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key,
                                               UploadId=upload_id)

