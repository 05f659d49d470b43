"""The push step (uploading -> uploaded): the GPU's file to object storage, resumable, with progress.

What goes (an Opus copy or the original, per TRANSCODE), the multipart upload id and the copy's size
are saved on the job row before any part leaves, so a restarted panel continues the same upload
(jobs/pushing.py, transfer.py). Parts already sent while the browser's upload arrived (TRANSCODE=off,
jobs/early_push.py) are handed over here and kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Any

from scribedesk import speech
from scribedesk.audio import AudioError
from scribedesk.jobs import lifecycle, pushing
from scribedesk.jobs.context import JobContext
from scribedesk.jobs.early_push import EarlyPush
from scribedesk.jobs.model import Job, JobStatus
from scribedesk.jobs.store import JobNotFound
from scribedesk.storage import StorageError
from scribedesk.transfer import PushStopped


class PushStep:
    def __init__(self, ctx: JobContext) -> None:
        self.ctx = ctx
        self._stops: dict[str, threading.Event] = {}
        self.early: dict[str, EarlyPush] = {}
        """Parts pushed while the browser's upload arrived, waiting for this step to take over."""

    def stop(self, job_id: str) -> None:
        """Stop a running upload (cancel, delete, shutdown) at its next part read."""
        if ev := self._stops.get(job_id):
            ev.set()

    def stop_all(self) -> None:
        for ev in self._stops.values():
            ev.set()

    async def drop_early(self, job_id: str) -> None:
        """A job deleted or cancelled before its push took over the early parts: drop them."""
        if (early := self.early.pop(job_id, None)) is not None:
            await asyncio.to_thread(early.abort)

    async def run(self, job: Job) -> None:
        ctx = self.ctx
        # The speech timeline (issue 10) is computed once, in a thread, beside the push and the run.
        audio, folder = ctx.files.upload_dir(job.id) / job.stored_name, ctx.files.result_dir(job.id)
        asyncio.get_running_loop().run_in_executor(None, speech.timeline_for, audio, folder)
        storage = ctx.storage
        if storage is None or not job.storage_key:
            ctx.tracker.apply(job, lifecycle.uploaded(job, to_storage=False))
            return
        job = await self._take_early(job)
        job = self._save(job, pushing.decide(ctx.settings, job))
        stop = self._stops.setdefault(job.id, threading.Event())
        stop.clear()
        ctx.tracker.apply(job, lifecycle.upload_begun())
        loop = asyncio.get_running_loop()

        def persist(changes: dict[str, Any]) -> None:
            self._save(ctx.tracker.get(job.id), changes)

        try:
            result = await ctx.activity.run(
                job.id, pushing.push_job, storage, ctx.files, job, stop, loop, persist, self._progress(job.id)
            )
        except PushStopped:  # cancel or shutdown: whoever stopped it sets the status
            return
        except (StorageError, AudioError, OSError) as e:
            job = ctx.tracker.get(job.id)
            ctx.tracker.apply(job, lifecycle.on_failure(f"Upload to object storage failed: {e}"))
            return
        finally:
            self._stops.pop(job.id, None)
        job = ctx.tracker.get(job.id)
        if job.status == JobStatus.UPLOADING:
            job = self._save(job, pushing.pushed_fields(job, result))
            ctx.tracker.apply(job, lifecycle.uploaded(job, to_storage=True))

    async def _take_early(self, job: Job) -> Job:
        early = self.early.pop(job.id, None)
        handed = await asyncio.to_thread(early.handover) if early is not None else None
        if handed is None or job.push_upload_id is not None:
            return job
        key, upload_id = handed  # keep the parts sent while the file arrived
        return self._save(job, {"storage_key": key, "push_upload_id": upload_id, "transcoded": False})

    def _save(self, job: Job, fields: dict[str, Any]) -> Job:
        return self.ctx.tracker.apply(job, lifecycle.Change(fields=fields)) if fields else job

    def _progress(self, job_id: str) -> pushing.Report:
        def report(pct: float, step: str) -> None:
            with contextlib.suppress(JobNotFound):
                job = self.ctx.tracker.get(job_id)
                if job.status == JobStatus.UPLOADING:
                    self.ctx.tracker.apply(job, lifecycle.Change(step=step, fields={"progress": pct}))

        return report
