"""Probe and validate uploaded audio with PyAV (bundled FFmpeg, no system ffmpeg needed)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import av

AUDIO_EXTENSIONS = {
    ".m4a", ".mp3", ".wav", ".ogg", ".oga", ".opus", ".flac", ".aac", ".wma", ".webm", ".mp4",
    ".mkv", ".mov", ".amr", ".3gp", ".aiff", ".aif", ".caf",
}  # fmt: skip


class AudioError(ValueError):
    """The file is not usable audio; the message says why in plain words."""


@dataclass(frozen=True)
class AudioInfo:
    duration: float
    codec: str
    sample_rate: int | None
    channels: int | None


def probe(path: Path) -> AudioInfo:
    """Open the file, find an audio stream and its duration, and decode a little to prove it."""
    if path.stat().st_size == 0:
        raise AudioError("the file is empty")
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            streams = container.streams.audio
            if not streams:
                raise AudioError("the file has no audio stream")
            stream = streams[0]
            duration = _duration(container, stream)
            _decode_some(container, stream)
            return AudioInfo(
                duration=duration,
                codec=stream.codec_context.name,
                sample_rate=stream.codec_context.sample_rate or None,
                channels=stream.codec_context.channels or None,
            )
    except AudioError:
        raise
    except (av.FFmpegError, UnicodeDecodeError, ValueError, OSError, IndexError) as e:
        raise AudioError(f"the file is not audio that can be read ({type(e).__name__})") from e


def _duration(container: av.container.InputContainer, stream: av.audio.AudioStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        seconds = float(stream.duration * stream.time_base)
    elif container.duration is not None:
        seconds = container.duration / av.time_base
    else:
        seconds = 0.0
    if seconds <= 0:
        raise AudioError("the audio has no duration (empty or truncated)")
    return round(seconds, 3)


def _decode_some(container: av.container.InputContainer, stream: av.audio.AudioStream) -> None:
    """Decode the first frames: a header with no decodable audio behind it is a truncated file."""
    decoded = 0
    for _frame in container.decode(stream):
        decoded += 1
        if decoded >= 3:
            return
    if decoded == 0:
        raise AudioError("no audio could be decoded (truncated file?)")


_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


def safe_filename(name: str, *, fallback: str = "audio") -> str:
    """A name safe to use as one path component: no separators, no dot-files, no control chars."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name:
        return fallback
    stem, dot, ext = name.rpartition(".")
    if dot and len(name.encode()) > 200:
        name = stem.encode()[: 200 - len(ext.encode()) - 1].decode(errors="ignore") + "." + ext
    return name.encode()[:200].decode(errors="ignore") or fallback


def extension_allowed(name: str) -> bool:
    return Path(name).suffix.lower() in AUDIO_EXTENSIONS
