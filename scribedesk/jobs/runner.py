"""The background loop that moves jobs along, one asyncio task per active job.

Every step re-reads the job row first, so the row is the truth and a restarted panel resumes from
it: interrupted uploads start again, remote jobs are polled again, a completed output already saved
in raw.json is processed again instead of paid for twice. The steps themselves live in push.py,
transcribe.py and process.py; every change of a job goes through the tracker and the lifecycle.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from scribedesk.engines.base import Engine
from scribedesk.jobs import lifecycle
from scribedesk.jobs.activity import JobGone
from scribedesk.jobs.context import JobContext
from scribedesk.jobs.model import JobStatus
from scribedesk.jobs.process import ProcessStep
from scribedesk.jobs.push import PushStep
from scribedesk.jobs.store import JobNotFound
from scribedesk.jobs.transcribe import TranscribeStep
from scribedesk.storage import ObjectStorage

log = logging.getLogger("scribedesk.runner")
S = JobStatus


class Runner:
    def __init__(self, ctx: JobContext) -> None:
        self.ctx = ctx
        self._push = PushStep(ctx)
        self._transcribe = TranscribeStep(ctx)
        self._process = ProcessStep(ctx)
        self._tasks: dict[str, asyncio.Task[None]] = {}

    @property
    def storage(self) -> ObjectStorage | None:
        return self.ctx.storage

    @storage.setter
    def storage(self, value: ObjectStorage | None) -> None:  # tests wrap the adapter
        self.ctx.storage = value

    def engine(self, name: str) -> Engine:
        return self.ctx.engines.get(name)

    # --- supervision ---
    async def start(self) -> None:
        """Resume every unfinished job (an uploaded one waits for Start)."""
        for job in self.ctx.store.active():
            if job.status != S.UPLOADED:
                self.kick(job.id)

    async def stop(self) -> None:
        tasks = list(self._tasks.values())
        self._push.stop_all()
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        await self.ctx.submits.stop()  # the saved intent covers a submit cut short here
        await self.ctx.engines.aclose()

    def kick(self, job_id: str) -> None:
        """Make sure a task drives this job (idempotent)."""
        task = self._tasks.get(job_id)
        if task is None or task.done():
            self._tasks[job_id] = asyncio.create_task(self._drive(job_id), name=f"job-{job_id}")

    async def halt(self, job_id: str) -> bool:
        """Stop driving a job (cancel, delete); the row is left as it is.

        True when a submit was in flight: its remote job is cancelled as soon as its id arrives.
        """
        submitting = self.ctx.submits.abandon(job_id)
        self._push.stop(job_id)
        task = self._tasks.pop(job_id, None)
        if task and not task.done() and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        return submitting

    def running(self, job_id: str) -> bool:
        task = self._tasks.get(job_id)
        return task is not None and not task.done()

    # --- the drive loop ---
    async def _drive(self, job_id: str) -> None:
        tracker = self.ctx.tracker
        try:
            while True:
                job = tracker.get(job_id)
                if job.status == S.UPLOADING:
                    await self._push.run(job)
                elif job.status in lifecycle.REMOTE_STATES:
                    await self._transcribe.run(job)
                elif job.status == S.PROCESSING:
                    await self._process.run(job)
                else:
                    return
        except (asyncio.CancelledError, JobNotFound, JobGone):
            return
        except Exception as e:  # a bug must fail the job visibly, not leave it spinning
            log.exception("job %s crashed", job_id)
            with contextlib.suppress(Exception):
                message = f"Internal error: {type(e).__name__}: {e}"
                tracker.apply(tracker.get(job_id), lifecycle.on_failure(message))
