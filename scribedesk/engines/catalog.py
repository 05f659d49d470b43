"""What sets the engines apart, as data: names, words for the status line, polling, billing.

The runner and the lifecycle read these traits instead of asking `if name == "local"`. This module
imports nothing heavy, so the job list can word a status without building an engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EngineName = Literal["runpod", "worker", "local"]
FALLBACK_ENGINE: EngineName = "local"
"""Where a job goes when a remote engine stays unreachable (FALLBACK_TO_LOCAL)."""


@dataclass(frozen=True)
class EngineTraits:
    name: EngineName
    title: str
    """Starts a sentence: "RunPod not answering…"."""
    label: str
    """Where the audio is transcribed: "Transcribing on {label}…"."""
    remote: bool
    """Runs elsewhere: may be unreachable (then falls back), may read the audio from object storage."""
    resumable: bool
    """A handle survives a panel restart; a local job is resubmitted instead."""
    needs_storage: bool
    """submit() needs the audio in object storage (or inline), never a local file."""
    billable: bool
    """Runs on a paid GPU: GPU_PRICE_PER_HOUR applies."""
    poll_cap: float | None
    """Polls at most this far apart while running (in-process polls cost nothing); None = setting."""
    queued_poll_max: float
    """The longest wait between polls while the job is queued."""
    queued_step: str
    running_step: str


ENGINES: dict[EngineName, EngineTraits] = {
    "runpod": EngineTraits(
        name="runpod", title="RunPod", label="cloud GPU", remote=True, resumable=True,
        needs_storage=True, billable=True, poll_cap=None, queued_poll_max=15.0,
        queued_step="Queued (waiting for GPU)…", running_step="Transcribing on cloud GPU…",
    ),
    "worker": EngineTraits(
        name="worker", title="The GPU worker", label="GPU worker", remote=True, resumable=True,
        needs_storage=False, billable=True, poll_cap=None, queued_poll_max=15.0,
        queued_step="Queued (waiting for GPU)…", running_step="Transcribing on GPU worker…",
    ),
    "local": EngineTraits(
        name="local", title="The local engine", label="this computer", remote=False, resumable=False,
        needs_storage=False, billable=False, poll_cap=0.25, queued_poll_max=1.0,
        queued_step="Queued (waiting for the local engine)…", running_step="Transcribing locally…",
    ),
}  # fmt: skip
ENGINE_NAMES: tuple[EngineName, ...] = tuple(ENGINES)


def traits(name: str | None) -> EngineTraits | None:
    """The traits of a known engine name, else None (a job not started yet has no engine)."""
    return next((t for t in ENGINES.values() if t.name == name), None)
