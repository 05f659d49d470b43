"""A real S3 server for tests: moto's ThreadedMotoServer on a free 127.0.0.1 port, with one bucket."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import httpx
from moto.server import ThreadedMotoServer

from tests.support.servers import free_port


@dataclass(frozen=True)
class S3Info:
    endpoint_url: str
    bucket: str
    access_key: str = "test-access-key-AKIA0000"
    secret_key: str = "test-secret-key-0123456789abcdef"
    region: str = "us-east-1"

    def settings_overrides(self) -> dict[str, Any]:
        """Keyword arguments for Settings(...) that point the panel at this server."""
        return {
            "runpod_access_key": self.access_key,
            "runpod_secret_key": self.secret_key,
            "s3_endpoint_url": self.endpoint_url,
            "s3_bucket": self.bucket,
            "s3_region": self.region,
            "audio_source": "url",
        }

    def client(self) -> Any:
        """A plain boto3 client for arranging and inspecting the bucket in tests."""
        return boto3.session.Session(
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
        ).client("s3", endpoint_url=self.endpoint_url)


@contextmanager
def moto_s3(bucket: str = "test-volume") -> Iterator[S3Info]:
    """Run moto's S3 on 127.0.0.1 until the block ends; the bucket exists and is empty."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    info = S3Info(endpoint_url=f"http://{host}:{port}", bucket=bucket)
    try:
        _fresh_bucket(info)
        yield info
    finally:
        server.stop()


def _fresh_bucket(info: S3Info) -> None:
    """Create the bucket, or empty it: moto's state is process-wide and outlives one server, and a
    global reset would wipe buckets other live fixtures rely on."""
    client = info.client()
    try:
        client.create_bucket(Bucket=info.bucket)
    except client.exceptions.ClientError as e:
        if e.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=info.bucket):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=info.bucket, Key=item["Key"])
    for upload in client.list_multipart_uploads(Bucket=info.bucket).get("Uploads", []):
        client.abort_multipart_upload(Bucket=info.bucket, Key=upload["Key"], UploadId=upload["UploadId"])


@contextmanager
def moto_auth_enforced(info: S3Info) -> Iterator[None]:
    """Make moto check request signatures against its IAM users (none exist: every key is bad)."""
    httpx.post(f"{info.endpoint_url}/moto-api/reset-auth", content=b"0")
    try:
        yield
    finally:
        httpx.post(f"{info.endpoint_url}/moto-api/reset-auth", content=b"inf")
