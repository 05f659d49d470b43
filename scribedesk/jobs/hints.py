"""What a failed job's error means for the user, and what to do next, in plain words.

Engines report failures in their own terms ("CUDA out of memory", "HTTP 401", an ffmpeg message).
`failure_hint` maps the common ones to a short explanation and the one place the user should go:
the transcription options (a smaller model or batch size), the panel's settings (keys), the file
itself, or simply Retry. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Literal

HintAction = Literal["options", "settings", "file", "retry"]


@dataclass(frozen=True)
class Hint:
    kind: str
    """A stable name for the kind of failure: memory, key, audio, storage, network, worker."""
    title: str
    """What happened, in one short sentence."""
    advice: str
    """What to do about it."""
    action: HintAction
    """Where the page sends the user: options, settings, file or retry."""

    def public(self) -> dict[str, str]:
        return asdict(self)


_RULES: list[tuple[re.Pattern[str], Hint]] = [
    (
        re.compile(r"out of memory|\bOOM\b|CUBLAS_STATUS_ALLOC_FAILED|memory allocation", re.I),
        Hint(
            "memory",
            "The GPU ran out of memory.",
            "Choose a smaller model (medium or small) or a smaller batch size below, then Retry.",
            "options",
        ),
    ),
    (
        re.compile(
            r"API key|HTTP 401|HTTP 403|unauthori[sz]ed|InvalidAccessKeyId|SignatureDoesNotMatch"
            r"|AccessDenied|not configured|set RUNPOD|set WORKER_URL",
            re.I,
        ),
        Hint(
            "key",
            "The panel could not sign in to the GPU service or the storage.",
            "Check the keys in the panel's .env (RUNPOD_API_KEY, WORKER_API_KEY, storage keys), "
            "restart the panel, then Retry.",
            "settings",
        ),
    ),
    (
        re.compile(
            r"ffmpeg|ffprobe|could not (?:read|decode|open)|Invalid data found|not usable audio"
            r"|no audio|unsupported (?:format|codec)|corrupt|missing on this machine",
            re.I,
        ),
        Hint(
            "audio",
            "The worker could not read the audio file.",
            "Open the file in a player to check it plays; if it does, convert it to WAV or MP3 and "
            "add it again.",
            "file",
        ),
    ),
    (
        re.compile(r"S3|bucket|storage|presign", re.I),
        Hint(
            "storage",
            "The audio could not be passed through the cloud storage.",
            "Check the storage settings (S3_BUCKET and its keys) and your connection, then Retry.",
            "settings",
        ),
    ),
    (
        re.compile(r"not reachable|unreachable|did not answer|could not reach|timed? ?out|connect", re.I),
        Hint(
            "network",
            "The GPU service could not be reached.",
            "Check your internet connection (and that the worker is running), then Retry.",
            "retry",
        ),
    ),
]

_FALLBACK = Hint(
    "worker",
    "The transcription stopped with an error.",
    "Retry once; if it fails the same way, try another model below or check the panel's log.",
    "retry",
)


def failure_hint(error: str | None) -> Hint | None:
    """The hint for a failed job's error text; None when there is no error to explain."""
    if not error or not error.strip():
        return None
    for pattern, hint in _RULES:
        if pattern.search(error):
            return hint
    return _FALLBACK
