"""Never pay twice and never leave a paid orphan: submits in flight, and the worker's output on the volume.

RunPod has no idempotency key. The panel's side of the exactly-once contract (docs/architecture.md):
- the intent to submit is saved on the job before /run goes out, so a submit whose answer never came
  (a slow /run, a crash in between) is known as such on restart and not blindly repeated;
- a submit in flight is shielded from cancellation: when a cancel or delete arrives meanwhile, the
  remote job is cancelled the moment its id is known;
- with our own worker (WORKER_SCHEMA=whisperx) the panel sends its job id as `job_key`; the worker
  writes its output to `<volume>/scribedesk/<job_key>/output.json` before returning and answers a
  repeated key from that file. The panel reads the file when RunPod forgot the job (404), when
  COMPLETED came without output (over ~20 MB), or when a submit's outcome is unknown.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from scribedesk.config import Settings
from scribedesk.engines.base import Engine
from scribedesk.storage import ObjectStorage, StorageError

log = logging.getLogger("scribedesk.exactly_once")


def output_key(job_id: str) -> str:
    """Where our worker leaves a job's output on the network volume (the S3 key in its bucket)."""
    return f"scribedesk/{job_id}/output.json"


def keyed(settings: Settings, engine_name: str) -> bool:
    """True when the remote worker speaks our schema, so `job_key` is sent and output.json exists."""
    return engine_name == "runpod" and settings.worker_schema == "whisperx"


def volume_output(storage: ObjectStorage | None, job_id: str) -> dict[str, Any] | None:
    """The worker's saved output for this job, or None (no storage, not there, unreadable). Blocking."""
    if storage is None:
        return None
    try:
        data = storage.read(output_key(job_id))
    except StorageError as e:
        log.warning("could not read %s: %s", output_key(job_id), e)
        return None
    if data is None:
        return None
    try:
        value = json.loads(data)
    except ValueError:
        log.warning("%s is not valid JSON; ignored", output_key(job_id))
        return None
    return value if isinstance(value, dict) and not value.get("error") else None


def save_failed(what: str, e: OSError, kept: str) -> str:
    """The job's error when a write failed; a full disk says so, and says nothing paid is lost."""
    full = e.errno in (errno.ENOSPC, errno.EDQUOT)
    cause = "Disk full" if full else "Could not write to disk"
    return (
        f"{cause}: {what} could not be saved ({e.strerror or type(e).__name__}). It is kept {kept}: "
        "free some space, then press Retry (no new paid run)."
    )


class SubmitTracker:
    """Submits in flight, shielded; a job cancelled or deleted meanwhile has its remote job cancelled."""

    def __init__(self) -> None:
        self._inflight: dict[str, asyncio.Task[str]] = {}
        self._unsaved: dict[str, tuple[Engine, str]] = {}
        self._abandoned: set[str] = set()
        self._cleanups: set[asyncio.Task[None]] = set()

    async def submit(self, job_id: str, engine: Engine, call: Callable[[], Awaitable[str]]) -> str:
        """Run `call()` (engine.submit) so that cancelling the caller does not cancel the request."""

        async def attempt() -> str:
            return await call()

        task = asyncio.create_task(attempt(), name=f"submit-{job_id}")
        self._inflight[job_id] = task
        self._abandoned.discard(job_id)
        task.add_done_callback(lambda t: self._settled(job_id, engine, t))
        return await asyncio.shield(task)

    def saved(self, job_id: str) -> None:
        """The remote id is on the job row now: a later cancel finds it there."""
        self._unsaved.pop(job_id, None)

    def in_flight(self, job_id: str) -> bool:
        return job_id in self._inflight

    def abandon(self, job_id: str) -> bool:
        """The job was cancelled or deleted; True when a submit was in flight or its id not yet saved."""
        if job_id in self._inflight:
            self._abandoned.add(job_id)
            return True
        if (pending := self._unsaved.pop(job_id, None)) is not None:
            self._cancel_later(job_id, *pending)
            return True
        return False

    def _settled(self, job_id: str, engine: Engine, task: asyncio.Task[str]) -> None:
        self._inflight.pop(job_id, None)
        if task.cancelled() or task.exception() is not None:
            self._abandoned.discard(job_id)
            return
        if job_id in self._abandoned:
            self._abandoned.discard(job_id)
            self._cancel_later(job_id, engine, task.result())
        else:
            self._unsaved[job_id] = (engine, task.result())

    def _cancel_later(self, job_id: str, engine: Engine, handle: str) -> None:
        async def cancel() -> None:
            log.warning("job %s was cancelled during its submit: cancelling remote job %s", job_id, handle)
            with contextlib.suppress(Exception):
                await engine.cancel(handle)

        cleanup = asyncio.get_running_loop().create_task(cancel())
        self._cleanups.add(cleanup)
        cleanup.add_done_callback(self._cleanups.discard)

    async def settle(self) -> None:
        """Wait for the remote cancels already started (tests, shutdown)."""
        while self._cleanups:
            await asyncio.gather(*list(self._cleanups), return_exceptions=True)

    async def stop(self) -> None:
        """Shutdown: stop waiting for submits (their saved intent covers the restart), finish cancels."""
        for task in list(self._inflight.values()):
            task.cancel()
        await self.settle()
