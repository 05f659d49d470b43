"""The job side of the push: which file goes (Opus copy or original), what the row remembers, progress.

The runner's push step calls `push_job` in a thread. It decides once per job whether the GPU gets an
Opus copy (TRANSCODE), records that and the multipart upload id in the job row before any part leaves
(so a restart resumes the same upload), and reports one progress figure: the share of the object
stored, with the encode's progress in the step text while it runs.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from scribedesk.config import Settings
from scribedesk.jobs.files import JobFiles
from scribedesk.jobs.model import Job
from scribedesk.storage import ObjectStorage, object_key
from scribedesk.transcode import OPUS_BITRATE, encode_opus, wants_opus_for
from scribedesk.transfer import OPUS_PART_SIZE, PART_SIZE, PushHooks, PushPlan, PushResult, PushStopped, push

GPU_COPY = ".gpu.opus"
"""The Opus copy's name under uploads/<job>/: a dot name, which safe_filename never gives an upload."""

ROW_WAIT = 60.0
"""Seconds a push thread waits for the event loop to save the row before it gives up (shutdown)."""
Persist = Callable[[dict[str, Any]], None]
"""Applies changes to the job row on the event loop (the row's only writer)."""
Report = Callable[[float, str], None]
"""Shows progress (0-100) and a step text on the job, on the event loop."""


def gpu_path(files: JobFiles, job: Job) -> Path:
    """The file a remote engine reads: the Opus copy when there is one, else the upload itself."""
    folder = files.upload_dir(job.id)
    return folder / GPU_COPY if job.transcoded else folder / job.stored_name


def engine_path(files: JobFiles, job: Job, engine: str) -> Path:
    """The local engine reads the original; a remote one the file that was (or would be) pushed."""
    return gpu_path(files, job) if engine != "local" else files.upload_dir(job.id) / job.stored_name


def decide(settings: Settings, job: Job) -> dict[str, Any]:
    """The row changes that fix, once, what this job pushes (empty when already decided)."""
    if job.transcoded is not None or job.storage_key is None:
        return {}
    opus = wants_opus_for(settings.transcode, job.size, job.duration)
    key = object_key(job.id, "audio.opus" if opus else job.filename)
    return {"transcoded": opus, "storage_key": key}


def ensure_copy(settings: Settings, files: JobFiles, job: Job) -> dict[str, Any]:
    """Without object storage a remote engine still gets the Opus copy (inline, upload to a worker):
    encode it before the submit. Returns the row changes (empty when already decided); blocks."""
    if job.transcoded is not None:
        return {}
    if not wants_opus_for(settings.transcode, job.size, job.duration):
        return {"transcoded": False}
    folder = files.upload_dir(job.id)
    copy = folder / GPU_COPY
    partial = folder / (GPU_COPY + ".part")
    with partial.open("wb") as out:
        encode_opus(folder / job.stored_name, out)
    partial.replace(copy)
    return {"transcoded": True, "copy_size": copy.stat().st_size}


def push_job(
    storage: ObjectStorage,
    files: JobFiles,
    job: Job,
    stop: threading.Event,
    loop: asyncio.AbstractEventLoop,
    persist: Persist,
    report: Report,
) -> PushResult:
    """Push the job's GPU file to `job.storage_key`, resuming its recorded upload; blocks (a thread)."""
    assert job.storage_key is not None
    folder = files.upload_dir(job.id)
    plan = PushPlan(
        key=job.storage_key,
        original=folder / job.stored_name,
        copy=folder / GPU_COPY if job.transcoded else None,
        upload_id=job.push_upload_id,
        copy_size=job.copy_size,
        part_size=OPUS_PART_SIZE if job.transcoded else PART_SIZE,
    )
    progress = _Progress(job, report, loop)

    def remember(upload_id: str | None, copy_size: int | None) -> None:
        progress.copy_size = copy_size
        _on_loop(loop, persist, {"push_upload_id": upload_id, "copy_size": copy_size})

    hooks = PushHooks(remember=remember, on_sent=progress.sent, on_encoded=progress.encoded, stop=stop)
    return push(storage, plan, hooks)


def pushed_fields(job: Job, result: PushResult) -> dict[str, Any]:
    """What the finished push leaves on the row: bytes sent and saved."""
    return {
        "push_upload_id": None,
        "bytes_sent": result.object_size,
        "bytes_saved": max(0, job.size - result.object_size),
    }


def _on_loop(loop: asyncio.AbstractEventLoop, persist: Persist, changes: dict[str, Any]) -> None:
    """Run `persist` on the loop and wait for it: the upload id is saved before any part is sent."""
    done: Future[None] = Future()

    def run() -> None:
        try:
            persist(changes)
            done.set_result(None)
        except BaseException as e:
            done.set_exception(e)

    try:
        loop.call_soon_threadsafe(run)
        done.result(timeout=ROW_WAIT)
    except (RuntimeError, TimeoutError) as e:  # the loop is closing (shutdown): stop, resume later
        raise PushStopped() from e


class _Progress:
    """Turns bytes stored and seconds encoded into one percentage and a step text, a few times a second."""

    def __init__(self, job: Job, report: Report, loop: asyncio.AbstractEventLoop) -> None:
        self._report = report
        self._loop = loop
        self._duration = job.duration or 0.0
        self._transcoding = bool(job.transcoded)
        self.copy_size: int | None = job.copy_size
        self._size = job.size
        self._encoded = 0.0
        self._sent = 0
        self._pct = -1.0
        self._at = 0.0
        self._lock = threading.Lock()

    def encoded(self, seconds: float) -> None:
        self._encoded = seconds
        self._show()

    def sent(self, stored: int) -> None:
        self._sent = stored
        self._show()

    def _show(self) -> None:
        with self._lock:
            pct, step = self._figures()
            now = time.monotonic()
            if pct < self._pct or (pct - self._pct < 1 and now - self._at < 0.5):
                return
            self._pct, self._at = pct, now
        self._loop.call_soon_threadsafe(self._report, pct, step)

    def _figures(self) -> tuple[float, str]:
        if not self._transcoding:
            pct = min(99.0, 100.0 * self._sent / max(self._size, 1))
            return pct, f"Uploading to cloud… {pct:.0f}%"
        # Until the encode ends, the copy's size is estimated from the target bitrate (VBR speech lands
        # a little under it, so the bar may jump forward at the end, never back).
        expected = self.copy_size or max(self._sent, int(self._duration * OPUS_BITRATE / 8))
        pct = min(99.0, 100.0 * self._sent / max(expected, 1))
        if self.copy_size is None and self._duration:
            converted = min(100.0, 100.0 * self._encoded / self._duration)
            return pct, f"Converting for the GPU {converted:.0f}% · uploading {pct:.0f}%"
        return pct, f"Uploading to cloud… {pct:.0f}%"
