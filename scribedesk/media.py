"""What an upload really is: its container as FFmpeg reads it, and the only type it is ever served as.

A file's name says nothing: a valid M4A named `x.html`, or a JavaScript file with MP3 frames inside a
comment, passes the audio probe. So the panel serves an upload with the media type of its probed
container (never one derived from the name), and refuses files whose container is not an audio or
video container: FFmpeg also reads playlists and scripts (`concat`, `hls`, ...) that pull in other
files, and those are not recordings.
"""

from __future__ import annotations

from pathlib import Path

import av

MEDIA_TYPES: dict[str, tuple[str, str]] = {
    "mov": ("audio/mp4", "m4a"),
    "mp4": ("audio/mp4", "m4a"),
    "m4a": ("audio/mp4", "m4a"),
    "3gp": ("audio/3gpp", "3gp"),
    "3g2": ("audio/3gpp2", "3g2"),
    "mp3": ("audio/mpeg", "mp3"),
    "wav": ("audio/wav", "wav"),
    "w64": ("audio/wav", "wav"),
    "ogg": ("audio/ogg", "ogg"),
    "flac": ("audio/flac", "flac"),
    "aac": ("audio/aac", "aac"),
    "asf": ("audio/x-ms-wma", "wma"),
    "matroska": ("audio/webm", "webm"),
    "webm": ("audio/webm", "webm"),
    "amr": ("audio/amr", "amr"),
    "aiff": ("audio/aiff", "aiff"),
    "caf": ("audio/x-caf", "caf"),
    "avi": ("video/x-msvideo", "avi"),
    "mpegts": ("video/mp2t", "ts"),
    "mpeg": ("video/mpeg", "mpg"),
}
"""FFmpeg demuxer name -> (media type, extension) for the containers a recording comes in."""
FALLBACK = ("application/octet-stream", "bin")


class NotMediaContainer(ValueError):
    """The file is not in an audio or video container; the message says what it is instead."""


def container_format(path: Path) -> str:
    """FFmpeg's name for the file's container ("mov,mp4,m4a,3gp,3g2,mj2", "mp3", "concat", ...)."""
    # Only the file itself: a playlist must not make FFmpeg open other protocols while we look.
    with av.open(str(path), options={"protocol_whitelist": "file"}) as container:
        return str(container.format.name)


def media_type(format_name: str | None) -> tuple[str, str]:
    """(media type, extension) to serve a container as; application/octet-stream when unknown."""
    for name in (format_name or "").split(","):
        if name in MEDIA_TYPES:
            return MEDIA_TYPES[name]
    return FALLBACK


def check_container(path: Path) -> str:
    """The container's media type; NotMediaContainer when FFmpeg reads it as something else."""
    if path.stat().st_size == 0:
        raise NotMediaContainer("the file is empty")
    try:
        name = container_format(path)
    except (av.FFmpegError, OSError, ValueError, UnicodeDecodeError) as e:
        raise NotMediaContainer(f"the file is not audio that can be read ({type(e).__name__})") from e
    kind, _ = media_type(name)
    if kind == FALLBACK[0]:
        raise NotMediaContainer(f"FFmpeg reads it as '{name}', which is not an audio or video container")
    return kind
