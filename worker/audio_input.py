"""Turn the `audio` a request names into a local file: an http(s) URL, a network-volume path, or base64.

Every failure is an AudioError whose message tells a person what to check. Downloads stream to a
temporary file; a URL pointing at a private or loopback address is refused (like the runpod SDK)
unless RUNPOD_ALLOW_PRIVATE_DOWNLOAD_URLS=1. Local paths must sit under one of the allowed roots
(/runpod-volume, plus AUDIO_ROOTS, comma-separated).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx

VOLUME_ROOT = "/runpod-volume"
CHUNK = 1 << 20
_TMP_PREFIX = "worker-audio-"

_HTTP_HINTS = {
    401: "the storage wants credentials: use a presigned URL",
    403: "presigned URL expired, or signed for another host or region?",
    404: "the object is not in the bucket (wrong key, or deleted?)",
}


class AudioError(Exception):
    """The audio could not be fetched; the message is shown to the user."""


def allowed_roots() -> list[Path]:
    extra = [p.strip() for p in os.environ.get("AUDIO_ROOTS", "").split(",") if p.strip()]
    return [Path(VOLUME_ROOT), *(Path(p) for p in extra)]


def _private_downloads_allowed() -> bool:
    return os.environ.get("RUNPOD_ALLOW_PRIVATE_DOWNLOAD_URLS", "").lower() in ("1", "true", "yes")


def _check_host(host: str) -> None:
    """Refuse loopback/private targets so a request cannot make the worker probe its own network."""
    if _private_downloads_allowed():
        return
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as e:
        raise AudioError(f"audio URL host '{host}' does not resolve: {e}") from e
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved:
            raise AudioError(
                f"audio URL points to a private address ({host}); refused. "
                "Set RUNPOD_ALLOW_PRIVATE_DOWNLOAD_URLS=1 on the worker to allow it."
            )


def _suffix(path: str) -> str:
    suffix = Path(path).suffix.lower()
    return suffix if suffix.isascii() and 1 < len(suffix) <= 6 else ".audio"


def download(url: str) -> Path:
    """Stream a URL to a temporary file; the caller deletes it."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise AudioError("audio URL has no host")
    _check_host(parts.hostname)
    fd, name = tempfile.mkstemp(prefix=_TMP_PREFIX, suffix=_suffix(parts.path))
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh, httpx.stream("GET", url, timeout=60, follow_redirects=True) as r:
            if r.status_code != 200:
                hint = _HTTP_HINTS.get(r.status_code, "the storage refused the download")
                raise AudioError(f"audio URL answered {r.status_code} — {hint}")
            for chunk in r.iter_bytes(CHUNK):
                fh.write(chunk)
    except httpx.HTTPError as e:
        path.unlink(missing_ok=True)
        raise AudioError(f"could not download the audio from {parts.hostname}: {e}") from e
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if path.stat().st_size == 0:
        path.unlink(missing_ok=True)
        raise AudioError("audio URL answered with an empty file")
    return path


def local_path(value: str) -> Path:
    """A file under an allowed root; `..` and symlinks out of the roots are refused."""
    if ".." in Path(value).parts:
        raise AudioError("audio path must not contain '..'")
    path = Path(value).resolve()
    roots = [r.resolve() for r in allowed_roots()]
    if not any(path.is_relative_to(root) for root in roots):
        shown = ", ".join(str(r) for r in allowed_roots())
        raise AudioError(f"audio path is outside the allowed folders ({shown})")
    if not path.is_file():
        if path.is_relative_to(Path(VOLUME_ROOT).resolve()):
            raise AudioError(
                f"file not found on the network volume: {value} — is the volume attached to the "
                "endpoint, and was the upload finished?"
            )
        raise AudioError(f"audio file not found: {value}")
    return path


def decode_base64(value: str) -> Path:
    """Write base64 audio (optionally a data: URL) to a temporary file; the caller deletes it."""
    payload = value.split(",", 1)[1] if value.startswith("data:") else value
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as e:
        raise AudioError("audio is neither an http(s) URL, a /runpod-volume path, nor valid base64") from e
    if not data:
        raise AudioError("audio is empty")
    fd, name = tempfile.mkstemp(prefix=_TMP_PREFIX, suffix=".audio")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return Path(name)


def resolve_audio(audio: str) -> Path:
    """The local file for `audio`; URL and base64 inputs become temporary files (see audio_file)."""
    audio = audio.strip()
    if not audio:
        raise AudioError("audio is empty")
    scheme = urlsplit(audio).scheme.lower()
    if scheme in ("http", "https"):
        return download(audio)
    if "://" in audio:
        raise AudioError(f"audio URL scheme '{scheme}' is not supported; use http(s)")
    if audio.startswith("/"):
        return local_path(audio)
    return decode_base64(audio)


def is_temporary(path: Path) -> bool:
    return path.name.startswith(_TMP_PREFIX) and path.parent == Path(tempfile.gettempdir())


@contextmanager
def audio_file(audio: str) -> Iterator[Path]:
    """resolve_audio, and delete the temporary copy afterwards (never a file on the volume)."""
    path = resolve_audio(audio)
    try:
        yield path
    finally:
        if is_temporary(path):
            path.unlink(missing_ok=True)
