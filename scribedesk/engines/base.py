"""The Engine protocol and the small value types every backend shares.

The runner owns retries and backoff: an engine makes one attempt per call and says, through the
exception it raises, whether the failure is final (EngineRejected, EngineJobLost) or worth
trying again (EngineUnavailable).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

# AudioRef and TranscribeOptions live in their own modules; engines and tests may import them from here.
from scribedesk.engines.audio_ref import AudioRef as AudioRef
from scribedesk.engines.catalog import EngineTraits
from scribedesk.options import TranscribeOptions as TranscribeOptions


class EngineState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass
class EngineStatus:
    """One answer to poll(): where the job is, and its output once COMPLETED."""

    state: EngineState
    progress: float | None = None
    """0..1 when the engine knows it."""
    output: dict[str, Any] | None = None
    """The worker's raw output (only with COMPLETED)."""
    error: str | None = None
    """A message a person can act on (FAILED)."""
    step: str | None = None
    """Optional human text for the status line, e.g. "Loading model…"."""
    delay_time_ms: int | None = None
    execution_time_ms: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class EngineError(Exception):
    """Base class; str(e) is shown to the user, so it must never contain a secret."""


class EngineRejected(EngineError):
    """A definite no (bad key, wrong endpoint, invalid input): retrying will not help."""


class EngineJobLost(EngineError):
    """The engine no longer knows this job (RunPod 404 after retention, panel restart locally)."""


class EngineUnavailable(EngineError):
    """Network error, 5xx, 429 or no workers: try again later (after retry_after when given)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class EngineSubmitUnknown(EngineUnavailable):
    """A submit went out but no answer came back: the remote job may exist (and be billed) unseen."""


class Engine(Protocol):
    """A place that turns audio into a worker-style output dict."""

    traits: EngineTraits
    """What sets this engine apart (words, polling, billing, storage): see engines/catalog.py."""
    name: str
    """runpod, worker or local; recorded on the job (the same as traits.name)."""
    resumable: bool
    """True when a handle survives a panel restart (remote engines); local jobs are resubmitted."""
    needs_storage: bool
    """True when submit() needs the audio in object storage first."""

    async def submit(self, audio: AudioRef, options: TranscribeOptions, job_key: str | None = None) -> str:
        """Start a job; return the handle to poll (a remote job id).

        `job_key` is the panel's job id; engines whose worker dedupes on it (our own `whisperx`
        schema on RunPod) send it, the others ignore it.
        """
        ...

    async def poll(self, handle: str) -> EngineStatus: ...

    async def cancel(self, handle: str) -> None: ...

    async def health(self) -> dict[str, Any]:
        """Reachability and queue facts for /health; never a secret."""
        ...

    async def aclose(self) -> None: ...
