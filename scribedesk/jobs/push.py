"""The push step (uploading -> uploaded): copy the audio to object storage, reporting progress."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable

from scribedesk import speech
from scribedesk.jobs import lifecycle
from scribedesk.jobs.context import JobContext
from scribedesk.jobs.model import Job, JobStatus
from scribedesk.jobs.store import JobNotFound
from scribedesk.storage import StorageError


class UploadCancelled(Exception):
    pass


class PushStep:
    def __init__(self, ctx: JobContext) -> None:
        self.ctx = ctx
        self._stops: dict[str, threading.Event] = {}

    def stop(self, job_id: str) -> None:
        """Stop a running upload (cancel, delete, shutdown) at its next progress report."""
        if ev := self._stops.get(job_id):
            ev.set()

    def stop_all(self) -> None:
        for ev in self._stops.values():
            ev.set()

    async def run(self, job: Job) -> None:
        ctx = self.ctx
        # The speech timeline (issue 10) is computed once, in a thread, beside the push and the run.
        audio, folder = ctx.files.upload_dir(job.id) / job.stored_name, ctx.files.result_dir(job.id)
        asyncio.get_running_loop().run_in_executor(None, speech.timeline_for, audio, folder)
        if ctx.storage is None or not job.storage_key:
            ctx.tracker.apply(job, lifecycle.uploaded(job, to_storage=False))
            return
        path = ctx.files.upload_dir(job.id) / job.stored_name
        stop = self._stops.setdefault(job.id, threading.Event())
        stop.clear()
        on_progress = self._progress_reporter(job, stop)
        ctx.tracker.apply(job, lifecycle.upload_begun())
        try:
            await ctx.activity.run(job.id, ctx.storage.upload_file, path, job.storage_key, on_progress)
        except UploadCancelled:  # cancel or shutdown: whoever stopped it sets the status
            return
        except (StorageError, OSError) as e:
            job = ctx.tracker.get(job.id)
            ctx.tracker.apply(job, lifecycle.on_failure(f"Upload to object storage failed: {e}"))
            return
        finally:
            self._stops.pop(job.id, None)
        job = ctx.tracker.get(job.id)
        ctx.tracker.apply(job, lifecycle.uploaded(job, to_storage=True))

    def _progress_reporter(self, job: Job, stop: threading.Event) -> _ProgressReporter:
        return _ProgressReporter(job, stop, asyncio.get_running_loop(), self._upload_progress)

    def _upload_progress(self, job_id: str, pct: float) -> None:
        with contextlib.suppress(JobNotFound):
            job = self.ctx.tracker.get(job_id)
            if job.status == JobStatus.UPLOADING:
                self.ctx.tracker.apply(job, lifecycle.upload_progress(job, pct))


class _ProgressReporter:
    """Called from boto3's threads with cumulative bytes; hands a percentage to the loop at most
    once a percent or twice a second, and stops the upload when asked to."""

    def __init__(
        self,
        job: Job,
        stop: threading.Event,
        loop: asyncio.AbstractEventLoop,
        report: Callable[[str, float], None],
    ) -> None:
        self._job_id = job.id
        self._size = max(job.size, 1)
        self._stop = stop
        self._loop = loop
        self._report = report
        self._last_pct = -1.0
        self._last_t = 0.0

    def __call__(self, done: int) -> None:
        if self._stop.is_set():
            raise UploadCancelled()
        pct = min(99.0, 100.0 * done / self._size)
        now = time.monotonic()
        if pct - self._last_pct >= 1 or now - self._last_t >= 0.5:
            self._last_pct, self._last_t = pct, now
            self._loop.call_soon_threadsafe(self._report, self._job_id, pct)
