"""How an engine reaches the audio, and the policy that picks the way (AUDIO_SOURCE).

One module decides it all: whether the active engine can reach a job's audio at all (checked when a
job starts), and which reference (URL, volume path, inline base64 or the local file) it is sent. The
object-storage adapter (storage.py) only moves bytes; RunPod's request limit lives here.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from scribedesk.config import Settings
from scribedesk.engines.catalog import EngineTraits
from scribedesk.storage import MB, ObjectStorage, StorageError, is_runpod_s3

AudioKind = Literal["url", "volume", "inline", "file"]

RUNPOD_REQUEST_LIMIT = 10 * 1000 * 1000
"""RunPod's /run body limit is "10 MB"; counted in decimal bytes to stay on the safe side."""
INLINE_HEADROOM = 64 * 1024
"""Room left in the request for the JSON around the base64 audio (options, policy)."""
VOLUME_MOUNT = "/runpod-volume"


@dataclass(frozen=True)
class AudioRef:
    """How an engine reaches the audio: a URL, a /runpod-volume path, base64, or a local file."""

    kind: AudioKind
    value: str
    """The URL, the volume path, the base64 text, or the local path (kind == "file")."""
    local_path: Path
    """The uploaded file on this machine (local engine, worker uploads)."""
    duration: float | None = None
    """Audio length in seconds, when known (used for timeouts and progress)."""


def reach_problem(engine: EngineTraits, uploaded_to_storage: bool, settings: Settings) -> str | None:
    """Why `engine` could not reach a job's audio (None when it can): checked before a job starts."""
    if engine.needs_storage and not uploaded_to_storage and settings.audio_source != "inline":
        return (
            f"{engine.title} needs the audio in object storage: set RUNPOD_ACCESS_KEY, RUNPOD_SECRET_KEY "
            "and S3_BUCKET, or AUDIO_SOURCE=inline for files under 7 MB"
        )
    return None


def audio_ref_for(
    engine: EngineTraits,
    settings: Settings,
    storage: ObjectStorage | None,
    uploaded_to_storage: bool,
    key: str | None,
    local_path: Path,
    duration: float | None,
) -> AudioRef:
    """The reference one engine is sent; blocking (presigning, reading inline bytes): run in a thread."""
    usable = storage if (uploaded_to_storage and engine.remote) else None
    return make_audio_ref(settings, usable, key, local_path, duration)


def make_audio_ref(
    settings: Settings,
    storage: ObjectStorage | None,
    key: str | None,
    local_path: Path,
    duration: float | None,
) -> AudioRef:
    """How the remote worker will reach the audio, per AUDIO_SOURCE (see docs/architecture.md)."""
    source = settings.audio_source
    usable = storage if storage is not None and storage.configured and key else None
    # Inline needs no object storage: the audio travels in the request body. Without storage a
    # too-large file stays a local file, so a local engine (fallback) can still run it and a remote
    # one says what it lacks; with storage at hand, inline was a choice that cannot work: say so.
    if source == "inline" and (usable is not None or local_path.stat().st_size <= inline_limit_bytes()):
        return AudioRef("inline", _inline(local_path), local_path, duration)
    if usable is None or key is None:
        return AudioRef("file", str(local_path), local_path, duration)
    runpod_s3 = is_runpod_s3(settings.s3_endpoint_url)
    if source == "auto":
        source = "volume" if runpod_s3 else "url"
    if source == "volume":
        return AudioRef("volume", f"{VOLUME_MOUNT}/{key}", local_path, duration)
    if runpod_s3:
        raise StorageError(
            "RunPod's network-volume S3 API does not support presigned URLs — set AUDIO_SOURCE=volume "
            "(or auto) and attach the volume to the endpoint"
        )
    return AudioRef("url", usable.presigned_get(key), local_path, duration)


def inline_limit_bytes() -> int:
    """The largest file whose base64 still fits in one RunPod request."""
    return (RUNPOD_REQUEST_LIMIT - INLINE_HEADROOM) // 4 * 3


def _inline(path: Path) -> str:
    size = path.stat().st_size
    if size > inline_limit_bytes():
        raise StorageError(
            f"The audio is {size / MB:.1f} MB; inline audio must stay under "
            f"{inline_limit_bytes() / MB:.1f} MB (RunPod's 10 MB request limit, base64 adds a third) — "
            "set AUDIO_SOURCE=volume or url and configure object storage"
        )
    return base64.b64encode(path.read_bytes()).decode("ascii")
