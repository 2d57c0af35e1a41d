"""Where uploaded files live: a small storage interface (`Storage`) and its two backends,
chosen by the FILE_STORAGE setting: local disk (`local`, the default) and S3-compatible
object storage (`s3`), which several app servers can share.

The rest of the portal uses only the interface, through `get_storage()`.
"""

from flask import current_app

from portal.core.storage.base import (
    FileTooLarge,
    InvalidStoredName,
    StaleUpload,
    Storage,
    StorageError,
    StorageUnavailable,
    StoredFile,
    check_stored_name,
)
from portal.core.storage.local import LocalFileStorage
from portal.core.storage.s3 import S3FileStorage, encryption_arguments, make_client

__all__ = [
    "FileTooLarge", "InvalidStoredName", "LocalFileStorage", "S3FileStorage", "StaleUpload",
    "Storage", "StorageError", "StorageUnavailable", "StoredFile", "check_stored_name",
    "encryption_arguments", "get_storage", "make_client",
]

S3_SETTINGS = ("S3_BUCKET", "S3_PREFIX", "S3_ENDPOINT_URL", "S3_REGION",
               "S3_SERVER_SIDE_ENCRYPTION", "S3_KMS_KEY_ID")


def get_storage() -> Storage:
    """The current app's store: UPLOAD_DIR on local disk, or the S3 bucket.

    The S3 store (and its client, which holds a connection pool) is made once per app and
    process, and again only if its settings change.
    """
    config = current_app.config
    if config.get("FILE_STORAGE", "local") != "s3":
        return LocalFileStorage(config["UPLOAD_DIR"])
    settings = tuple(config.get(name, "") for name in S3_SETTINGS)
    made = current_app.extensions.get("portal_s3_storage")
    if made is None or made[0] != settings:
        made = (settings, s3_storage(config))
        current_app.extensions["portal_s3_storage"] = made
    return made[1]


def s3_storage(config) -> S3FileStorage:
    """An S3 store from the app's settings (checked by portal.config when the app starts)."""
    return S3FileStorage(
        make_client(config.get("S3_ENDPOINT_URL", ""), config.get("S3_REGION", "")),
        bucket=config["S3_BUCKET"],
        prefix=config.get("S3_PREFIX", ""),
        encryption=encryption_arguments(config.get("S3_SERVER_SIDE_ENCRYPTION", ""),
                                        config.get("S3_KMS_KEY_ID", "")),
    )
