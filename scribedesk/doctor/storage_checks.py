"""Object-storage checks for the doctor: reach, bucket, region, a tiny write/read/delete, presigned URLs.

Uses ObjectStorage's own client (this module imports no boto3): every boto3 failure becomes the same
one-sentence StorageError text the panel shows, never holding a secret. Blocking: call in a thread.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from scribedesk.config import Settings
from scribedesk.doctor.model import Check
from scribedesk.storage import _BOTO_ERRORS, ObjectStorage, StorageError, is_runpod_s3

_DATACENTER = re.compile(r"^s3api-([a-z0-9-]+)\.runpod\.io$", re.IGNORECASE)
PROBE = b"scribedesk doctor probe\n"


class _Probe(ObjectStorage):
    """ObjectStorage plus the few calls only the doctor needs."""

    def bucket_region(self) -> str | None:
        """The bucket's region per GetBucketLocation, or None when the store does not say."""
        try:
            got = self._client(quick=True).get_bucket_location(Bucket=self.bucket)
        except _BOTO_ERRORS:
            return None
        return str(got.get("LocationConstraint") or "us-east-1")

    def read(self, key: str) -> bytes:
        try:
            body = self._client(quick=True).get_object(Bucket=self.bucket, Key=key)["Body"]
            data: bytes = body.read()
        except _BOTO_ERRORS as e:
            raise self._wrap(e, f"reading {key}") from e
        return data


def storage_checks(settings: Settings) -> list[Check]:
    if not settings.storage_configured:
        needed = settings.active_engine == "runpod" and settings.audio_source != "inline"
        return [
            Check(
                "storage",
                "fail" if needed else "skip",
                "Object storage is not configured: set RUNPOD_ACCESS_KEY, RUNPOD_SECRET_KEY and S3_BUCKET"
                + (" (RunPod needs it to reach audio longer than a few minutes)" if needed else ""),
            )
        ]
    probe = _Probe(settings)
    reached = probe.check()
    if not reached["ok"]:
        return [Check("storage", "fail", str(reached["error"]))]
    out = [Check("storage", "ok", f"Reached bucket '{probe.bucket}' at {probe.endpoint} with the given keys")]
    out.append(_region_check(settings, probe))
    key = f"scribedesk/doctor-{uuid.uuid4().hex[:12]}/probe.txt"
    out.append(_write_read_delete(probe, key))
    out.append(_audio_source_check(settings, probe))
    return out


def _region_check(settings: Settings, probe: _Probe) -> Check:
    host = urlsplit(settings.s3_endpoint_url).hostname or ""
    found = _DATACENTER.match(host)
    if found:
        datacenter = found.group(1)
        if datacenter.lower() != settings.s3_region.lower():
            return Check(
                "region",
                "fail",
                f"S3_REGION is '{settings.s3_region}' but S3_ENDPOINT_URL is datacenter '{datacenter}' — "
                f"set S3_REGION={datacenter.upper()}",
            )
        return Check("region", "ok", f"S3_REGION matches the endpoint's datacenter ({datacenter})")
    region = probe.bucket_region()
    if region is None:
        return Check("region", "skip", "The store does not report the bucket's region; not checked")
    if region.lower() != (settings.s3_region or "us-east-1").lower():
        return Check(
            "region",
            "fail",
            f"Bucket '{probe.bucket}' is in region '{region}' but S3_REGION is '{settings.s3_region}' — "
            f"set S3_REGION={region}",
        )
    return Check("region", "ok", f"S3_REGION matches the bucket's region ({region})")


def _write_read_delete(probe: _Probe, key: str) -> Check:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "probe.txt"
        path.write_bytes(PROBE)
        try:
            probe.upload_file(path, key)
        except StorageError as e:
            return Check("write/read/delete", "fail", f"Could not write a test object: {e}")
    try:
        if probe.read(key) != PROBE:
            return Check(
                "write/read/delete", "fail", "The test object read back differs from what was written"
            )
    except StorageError as e:
        return Check("write/read/delete", "fail", f"Wrote a test object but could not read it: {e}")
    finally:
        with contextlib.suppress(StorageError):
            probe.delete(key)
    if probe.size(key) is not None:
        return Check("write/read/delete", "fail", f"The test object {key} could not be deleted")
    return Check("write/read/delete", "ok", "Wrote, read back and deleted a tiny test object")


def _audio_source_check(settings: Settings, probe: _Probe) -> Check:
    source = settings.audio_source
    runpod_s3 = is_runpod_s3(settings.s3_endpoint_url)
    if source == "auto":
        source = "volume" if runpod_s3 else "url"
    if source == "inline":
        return Check(
            "audio source", "ok", "AUDIO_SOURCE=inline: audio travels in the request (short files only)"
        )
    if source == "volume":
        note = (
            "AUDIO_SOURCE=volume: the worker reads /runpod-volume/…; the endpoint must have this network "
            "volume attached (the queue API cannot show that: `scribedesk doctor --test-job` proves it)"
        )
        if runpod_s3:
            return Check("audio source", "ok", note)
        return Check("audio source", "warn", note + "; S3_ENDPOINT_URL is not a RunPod volume: check it")
    if runpod_s3:
        return Check(
            "audio source",
            "fail",
            "AUDIO_SOURCE=url needs presigned URLs, which RunPod's network-volume S3 API does not support — "
            "set AUDIO_SOURCE=volume (or auto) and attach the volume to the endpoint",
        )
    return _presigned_check(probe)


def _presigned_check(probe: _Probe) -> Check:
    key = f"scribedesk/doctor-{uuid.uuid4().hex[:12]}/presigned.txt"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "probe.txt"
        path.write_bytes(PROBE)
        try:
            probe.upload_file(path, key)
            url = probe.presigned_get(key, expires=300)
            got = httpx.get(url, timeout=15)
            ok = got.status_code == 200 and got.content == PROBE
            said = f"HTTP {got.status_code}"
        except (StorageError, httpx.HTTPError) as e:
            ok, said = False, str(e) if isinstance(e, StorageError) else type(e).__name__
        finally:
            with contextlib.suppress(StorageError):
                probe.delete(key)
    if ok:
        return Check("audio source", "ok", "AUDIO_SOURCE=url: a presigned URL for a test object downloads")
    return Check(
        "audio source",
        "fail",
        f"AUDIO_SOURCE=url but this store does not serve presigned URLs ({said}) — set AUDIO_SOURCE=volume "
        "on a RunPod volume, or inline for short files",
    )
