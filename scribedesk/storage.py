"""Object storage (any S3-compatible store, RunPod's network-volume S3 API first): the boto3 adapter.

This is the only module that imports boto3. Everything here blocks: the runner calls it through
`asyncio.to_thread`. Every failure surfaces as `StorageError` whose message a person can act on and
which never contains a secret.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import boto3
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
)
from s3transfer.utils import ReadFileChunk

from scribedesk.config import Settings
from scribedesk.redact import redact

T = TypeVar("T")

MB = 1024 * 1024

_RUNPOD_S3_HOST = re.compile(r"^s3api-[a-z0-9-]+\.runpod\.io$", re.IGNORECASE)
_EXT = re.compile(r"^[a-z0-9]{1,5}$")


class StorageError(Exception):
    """Object storage failed; str(e) is shown to the user and never holds a secret."""


class UploadForgotten(StorageError):
    """The store no longer knows this multipart upload id (completed, aborted or expired)."""

    def __init__(self, key: str) -> None:
        super().__init__(f"object storage no longer knows the unfinished upload of {key}")


@dataclass(frozen=True)
class FileRange:
    """`length` bytes of a file from `offset`: one part of a multipart upload."""

    path: Path
    offset: int
    length: int


@dataclass(frozen=True)
class StoredPart:
    """One part of an unfinished multipart upload, as the store lists it."""

    number: int
    size: int
    etag: str


def object_key(job_id: str, filename: str) -> str:
    """`scribedesk/<job_id>/audio.<ext>`: ASCII only, the user's file name never reaches the key."""
    suffix = Path(filename).suffix.lower().lstrip(".")
    ext = f".{suffix}" if suffix.isascii() and _EXT.fullmatch(suffix) else ""
    return f"scribedesk/{job_id}/audio{ext}"


def is_runpod_s3(endpoint_url: str) -> bool:
    """True for RunPod's network-volume S3 endpoints (https://s3api-<dc>.runpod.io)."""
    host = urlsplit(endpoint_url).hostname or ""
    return bool(_RUNPOD_S3_HOST.match(host))


def _safe_endpoint(url: str) -> str:
    """The endpoint without any user:password part, fit for a message."""
    parts = urlsplit(url)
    host = parts.hostname or url
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}" if parts.scheme else host


class ObjectStorage:
    """A bucket on an S3-compatible store, reached with path-style addressing."""

    def __init__(
        self,
        settings: Settings,
        *,
        multipart_threshold: int = 16 * MB,
        multipart_chunksize: int = 16 * MB,
        max_concurrency: int = 8,
    ) -> None:
        self._settings = settings
        self.configured: bool = settings.storage_configured
        self.bucket = settings.s3_bucket
        self.endpoint = _safe_endpoint(settings.s3_endpoint_url)
        # 16 MB parts: a retried part (RunPod's S3 API answers 502 now and then) costs little, a 2 GB
        # upload is 128 parts (S3 allows 10,000), and 8 in flight keep a long-latency link busy.
        # s3transfer reads each part from disk as it sends it, so memory stays small either way.
        self._transfer = TransferConfig(
            multipart_threshold=multipart_threshold,
            multipart_chunksize=multipart_chunksize,
            max_concurrency=max_concurrency,
            use_threads=True,
            preferred_transfer_client="classic",
        )
        self._lock = threading.Lock()
        self._clients: dict[bool, Any] = {}

    # --- clients ---------------------------------------------------------------------------
    def _client(self, quick: bool = False) -> Any:
        """The boto3 client (thread-safe, built once); `quick` = one attempt, short timeouts (check())."""
        with self._lock:
            if quick not in self._clients:
                self._clients[quick] = self._make_client(quick)
            return self._clients[quick]

    def _make_client(self, quick: bool) -> Any:
        s = self._settings
        if not self.configured or s.runpod_access_key is None or s.runpod_secret_key is None:
            raise StorageError(
                "Object storage is not configured: set RUNPOD_ACCESS_KEY, RUNPOD_SECRET_KEY and S3_BUCKET"
            )
        config = Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            retries={"max_attempts": 1 if quick else max(1, s.s3_max_attempts), "mode": "standard"},
            connect_timeout=5 if quick else 20,
            read_timeout=10 if quick else 120,
            # Newer boto3 adds CRC32 checksums by default; several S3-compatible servers reject them.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        # A private session: no AWS_* variables or ~/.aws profiles leak into this client.
        session = boto3.session.Session(
            aws_access_key_id=s.runpod_access_key.get_secret_value(),
            aws_secret_access_key=s.runpod_secret_key.get_secret_value(),
            region_name=s.s3_region or None,
        )
        try:
            return session.client("s3", endpoint_url=s.s3_endpoint_url, config=config)
        except ValueError as e:  # botocore refuses a malformed endpoint URL
            raise StorageError(f"S3_ENDPOINT_URL is not a valid URL ({self.endpoint})") from e

    # --- operations ------------------------------------------------------------------------
    def upload_file(self, path: Path, key: str, on_progress: Callable[[int], None] | None = None) -> None:
        """Upload (multipart above the threshold), report cumulative bytes, then verify the size."""
        size = path.stat().st_size
        callback = _ProgressAdder(on_progress) if on_progress else None
        try:
            self._client().upload_file(str(path), self.bucket, key, Config=self._transfer, Callback=callback)
            stored = self._head_size(key)
        except _BOTO_ERRORS as e:
            # Anything else (e.g. the caller's progress callback stopping the upload) passes through.
            raise self._wrap(e, f"uploading {key}") from e
        if stored != size:
            raise StorageError(
                f"The stored object has {stored} bytes but the file has {size}: the upload was "
                "incomplete — try again"
            )

    def delete(self, key: str) -> None:
        """Remove an object; a missing object is not an error."""
        try:
            self._client().delete_object(Bucket=self.bucket, Key=key)
        except ClientError as e:
            if _code(e) in ("NoSuchKey", "404", "NotFound"):
                return
            raise self._wrap(e, f"deleting {key}") from e
        except _BOTO_ERRORS as e:
            raise self._wrap(e, f"deleting {key}") from e

    def size(self, key: str) -> int | None:
        """The stored object's size in bytes, or None when it does not exist."""
        return self._or_none(key, lambda: self._head_size(key))

    def read(self, key: str) -> bytes | None:
        """An object's bytes, or None when it does not exist (the worker's output.json on the volume)."""

        def get() -> bytes:
            body: bytes = self._client().get_object(Bucket=self.bucket, Key=key)["Body"].read()
            return body

        return self._or_none(key, get)

    def _or_none(self, key: str, call: Callable[[], T]) -> T | None:
        """call()'s answer, None when the object does not exist, a StorageError for anything else."""
        try:
            return call()
        except ClientError as e:
            if _code(e) in ("NoSuchKey", "404", "NotFound"):
                return None
            raise self._wrap(e, f"reading {key}") from e
        except _BOTO_ERRORS as e:
            raise self._wrap(e, f"reading {key}") from e

    def presigned_get(self, key: str, expires: int = 86400) -> str:
        """A GET URL the worker can download from without keys (not supported by RunPod's S3 API)."""
        try:
            url: str = self._client().generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires
            )
        except _BOTO_ERRORS as e:
            raise self._wrap(e, f"signing a URL for {key}") from e
        return url

    # --- multipart, part by part (the resumable push in transfer.py drives these) ------------
    def create_multipart(self, key: str, content_type: str | None = None) -> str:
        """Start a multipart upload and return its upload id."""
        extra = {"ContentType": content_type} if content_type else {}
        try:
            answer = self._client().create_multipart_upload(Bucket=self.bucket, Key=key, **extra)
        except _BOTO_ERRORS as e:
            raise self._wrap(e, f"starting the upload of {key}") from e
        return str(answer["UploadId"])

    def upload_part(
        self,
        key: str,
        upload_id: str,
        number: int,
        part: FileRange,
        on_read: Callable[[int], None] | None = None,
    ) -> str:
        """Send one part (1-based number) straight from the file and return its ETag (quotes stripped).

        The body is read from disk as it is sent (a part is never whole in memory); `on_read` is called
        with each amount read and may raise to stop the part.
        """
        callbacks = [lambda bytes_transferred: on_read(bytes_transferred)] if on_read else None
        body = ReadFileChunk.from_filename(str(part.path), part.offset, part.length, callbacks=callbacks)
        try:
            with body:
                answer = self._client().upload_part(
                    Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body
                )
        except ClientError as e:
            if _code(e) == "NoSuchUpload":
                raise UploadForgotten(key) from e
            raise self._wrap(e, f"uploading part {number} of {key}") from e
        except _BOTO_ERRORS as e:
            raise self._wrap(e, f"uploading part {number} of {key}") from e
        return str(answer["ETag"]).strip('"')

    def list_parts(self, key: str, upload_id: str) -> list[StoredPart]:
        """The parts the store already holds for this upload; UploadForgotten when it has none."""
        parts: list[StoredPart] = []
        marker = 0
        try:
            while True:
                answer = self._client().list_parts(
                    Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumberMarker=marker
                )
                for p in answer.get("Parts", []):
                    parts.append(StoredPart(int(p["PartNumber"]), int(p["Size"]), str(p["ETag"]).strip('"')))
                if not answer.get("IsTruncated"):
                    return parts
                marker = int(answer["NextPartNumberMarker"])
        except ClientError as e:
            if _code(e) in ("NoSuchUpload", "404", "NotFound"):
                raise UploadForgotten(key) from e
            raise self._wrap(e, f"listing the parts of {key}") from e
        except _BOTO_ERRORS as e:
            raise self._wrap(e, f"listing the parts of {key}") from e

    def complete_multipart(self, key: str, upload_id: str, etags: list[str]) -> None:
        """Join parts 1..n (ETags in order) into the object."""
        listing = {"Parts": [{"PartNumber": i + 1, "ETag": f'"{tag}"'} for i, tag in enumerate(etags)]}
        try:
            self._client().complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload_id, MultipartUpload=listing
            )
        except ClientError as e:
            if _code(e) == "NoSuchUpload":
                raise UploadForgotten(key) from e
            raise self._wrap(e, f"completing the upload of {key}") from e
        except _BOTO_ERRORS as e:
            raise self._wrap(e, f"completing the upload of {key}") from e

    def abort_multipart(self, key: str, upload_id: str) -> None:
        """Drop an unfinished upload and its parts; an upload already gone is not an error."""
        try:
            self._client().abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
        except ClientError as e:
            if _code(e) in ("NoSuchUpload", "404", "NotFound"):
                return
            raise self._wrap(e, f"abandoning the upload of {key}") from e
        except _BOTO_ERRORS as e:
            raise self._wrap(e, f"abandoning the upload of {key}") from e

    def check(self) -> dict[str, Any]:
        """Can we reach the store and see the bucket? Never returns a secret."""
        base: dict[str, Any] = {"endpoint": self.endpoint, "bucket": self.bucket}
        if not self.configured:
            return {
                **base,
                "ok": False,
                "configured": False,
                "error": "Object storage is not configured: set RUNPOD_ACCESS_KEY, RUNPOD_SECRET_KEY "
                "and S3_BUCKET",
            }
        try:
            # ListObjectsV2 rather than HeadBucket: RunPod documents ListObjects, not HeadBucket,
            # and a listing error carries a real error code (HeadBucket's 404 has no body).
            self._client(quick=True).list_objects_v2(Bucket=self.bucket, MaxKeys=1)
        except (*_BOTO_ERRORS, StorageError) as e:
            return {**base, "ok": False, "configured": True, "error": str(self._wrap(e, "listing"))}
        return {**base, "ok": True, "configured": True}

    # --- helpers ---------------------------------------------------------------------------
    def _head_size(self, key: str) -> int:
        head = self._client().head_object(Bucket=self.bucket, Key=key)
        return int(head["ContentLength"])

    def _wrap(self, exc: Exception, action: str) -> StorageError:
        message = _describe(exc, action, self.bucket, self.endpoint)
        return StorageError(redact(message, self._settings.secret_values()))


class _ProgressAdder:
    """boto3 calls back with increments from several threads (negative on a retried part);
    we report a cumulative count that never goes backwards."""

    def __init__(self, on_progress: Callable[[int], None]) -> None:
        self._on_progress = on_progress
        self._lock = threading.Lock()
        self._total = 0
        self._reported = 0

    def __call__(self, increment: int) -> None:
        with self._lock:
            self._total += increment
            if self._total <= self._reported:
                return
            self._reported = self._total
            done = self._reported
        self._on_progress(done)


def _code(e: ClientError) -> str:
    return str(e.response.get("Error", {}).get("Code", ""))


def _status(e: ClientError) -> int | None:
    status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return int(status) if status is not None else None


_BOTO_ERRORS = (BotoCoreError, ClientError, S3UploadFailedError)
_UPLOAD_CODE = re.compile(r"An error occurred \(([A-Za-z0-9.]+)\)")


def _describe(exc: Exception, action: str, bucket: str, endpoint: str) -> str:
    """Turn a boto3/botocore failure into one sentence a person can act on."""
    if isinstance(exc, StorageError):
        return str(exc)
    if isinstance(exc, S3UploadFailedError):
        # boto3 flattens the ClientError into text; recover its code.
        found = _UPLOAD_CODE.search(str(exc))
        return _describe_code(found.group(1) if found else "", None, action, bucket, endpoint)
    if isinstance(exc, ClientError):
        return _describe_code(_code(exc), _status(exc), action, bucket, endpoint)
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return "Object storage keys are missing: set RUNPOD_ACCESS_KEY and RUNPOD_SECRET_KEY"
    if isinstance(exc, ConnectTimeoutError | ReadTimeoutError):
        return f"Could not reach {endpoint} (timeout) while {action}"
    if isinstance(exc, EndpointConnectionError):
        return f"Could not reach {endpoint} (connection failed) while {action} — check S3_ENDPOINT_URL"
    if isinstance(exc, BotoCoreError):
        return f"Object storage error while {action}: {type(exc).__name__}"
    return f"Object storage error while {action}: {type(exc).__name__}"


def _describe_code(code: str, status: int | None, action: str, bucket: str, endpoint: str) -> str:
    if code == "InvalidAccessKeyId":
        return "Object storage rejected the access key (InvalidAccessKeyId) — check RUNPOD_ACCESS_KEY"
    if code == "SignatureDoesNotMatch":
        return "Object storage rejected the secret key (SignatureDoesNotMatch) — check RUNPOD_SECRET_KEY"
    if code == "NoSuchBucket":
        return (
            f"Bucket '{bucket}' not found at {endpoint} — S3_BUCKET must be the network volume id "
            "(and S3_ENDPOINT_URL its datacenter)"
        )
    if code in ("AccessDenied", "403", "Forbidden"):
        return f"Object storage denied access to bucket '{bucket}' (AccessDenied) while {action}"
    if code in ("SlowDown", "ServiceUnavailable", "InternalError", "503", "502", "500"):
        return f"Object storage is having trouble ({code}) while {action} — try again later"
    shown = code or "unknown error"
    http = f", HTTP {status}" if status else ""
    return f"Object storage error while {action} ({shown}{http})"
