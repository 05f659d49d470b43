"""The parts every job step works with, built once by wiring.py and shared by runner and service."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scribedesk.config import Settings
from scribedesk.engines.base import Engine
from scribedesk.jobs.activity import JobActivity
from scribedesk.jobs.exactly_once import SubmitTracker
from scribedesk.jobs.files import JobFiles
from scribedesk.jobs.store import JobStore
from scribedesk.jobs.tracker import JobTracker
from scribedesk.storage import ObjectStorage


class EnginePool:
    """One engine object per name, built on first use (the local one loads faster-whisper)."""

    def __init__(self, factory: Callable[[str], Engine]) -> None:
        self._factory = factory
        self._engines: dict[str, Engine] = {}

    def get(self, name: str) -> Engine:
        if name not in self._engines:
            self._engines[name] = self._factory(name)
        return self._engines[name]

    async def aclose(self) -> None:
        for engine in self._engines.values():
            with contextlib.suppress(Exception):
                await engine.aclose()


@dataclass
class JobContext:
    settings: Settings
    store: JobStore
    files: JobFiles
    tracker: JobTracker
    storage: ObjectStorage | None
    """None when object storage is not configured: audio stays on this computer."""
    engines: EnginePool
    activity: JobActivity = field(default_factory=JobActivity)
    """Threads each job has running (file writes, the push), so a delete waits for them."""
    submits: SubmitTracker = field(default_factory=SubmitTracker)
    """Submits in flight, shielded from cancellation (issue 9's exactly-once)."""
    held: dict[str, Any] = field(default_factory=dict)
    """Outputs that arrived but could not be written (disk full), kept until Retry processes them."""
