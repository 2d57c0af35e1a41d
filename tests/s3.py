"""The tests' own view of a bucket on the S3 API server: what it holds, made and emptied
through boto3 directly (not through the portal's storage, which is what is tested)."""

import os
import secrets

from portal.core.storage import make_client

REGION = "eu-west-2"
# boto3 must find these, never the machine's own credentials or profiles.
ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "portal-tests",
    "AWS_SECRET_ACCESS_KEY": "portal-tests-secret",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
UNSET = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE")


def client(endpoint: str):
    return make_client(endpoint, REGION)


def make_bucket(s3) -> str:
    name = f"portal-test-{secrets.token_hex(6)}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return name


def keys(s3, bucket: str) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(entry["Key"] for page in pages for entry in page.get("Contents", []))


def unfinished_uploads(s3, bucket: str) -> list[str]:
    """Keys of multipart uploads begun and neither completed nor aborted."""
    pages = s3.get_paginator("list_multipart_uploads").paginate(Bucket=bucket)
    return sorted(upload["Key"] for page in pages for upload in page.get("Uploads", []))


def remove_bucket(s3, bucket: str) -> None:
    pages = s3.get_paginator("list_multipart_uploads").paginate(Bucket=bucket)
    for upload in [u for page in pages for u in page.get("Uploads", [])]:
        s3.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    for key in keys(s3, bucket):
        s3.delete_object(Bucket=bucket, Key=key)
    s3.delete_bucket(Bucket=bucket)
