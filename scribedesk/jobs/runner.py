"""The background loop that moves jobs along: push audio, submit, poll, save, finish.

One asyncio task per active job. Every step re-reads the job row first, so the row is the truth and a
restarted panel resumes from it: interrupted uploads start again, remote jobs are polled again, a
completed output already saved in raw.json is processed again instead of paid for twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scribedesk import speech
from scribedesk.config import Settings
from scribedesk.engines.base import (
    Engine,
    EngineJobLost,
    EngineRejected,
    EngineState,
    EngineStatus,
    EngineUnavailable,
    TranscribeOptions,
)
from scribedesk.jobs import outputs
from scribedesk.jobs.events import EventBus
from scribedesk.jobs.files import JobFiles
from scribedesk.jobs.model import Job, JobStatus, check_transition, job_public, utcnow
from scribedesk.jobs.store import JobNotFound, JobStore
from scribedesk.storage import ObjectStorage, StorageError, make_audio_ref

log = logging.getLogger("scribedesk.runner")
S = JobStatus

QUEUED_POLL_MAX = 15.0
LOCAL_POLL = 0.25
BACKOFF_MAX = 30.0
ENGINE_LABEL = {"runpod": "cloud GPU", "worker": "GPU worker", "local": "this computer"}


class UploadCancelled(Exception):
    pass


class Runner:
    def __init__(
        self,
        settings: Settings,
        store: JobStore,
        files: JobFiles,
        bus: EventBus,
        storage: ObjectStorage | None,
        engine_factory: Callable[[str], Engine],
    ) -> None:
        self.settings = settings
        self.store = store
        self.files = files
        self.bus = bus
        self.storage = storage
        self._engine_factory = engine_factory
        self._engines: dict[str, Engine] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._upload_stops: dict[str, threading.Event] = {}

    # --- life cycle ---
    async def start(self) -> None:
        for job in self.store.active():
            if job.status != S.UPLOADED:
                self.kick(job.id)

    async def stop(self) -> None:
        tasks = list(self._tasks.values())
        for ev in self._upload_stops.values():
            ev.set()
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        for engine in self._engines.values():
            with contextlib.suppress(Exception):
                await engine.aclose()

    def engine(self, name: str) -> Engine:
        if name not in self._engines:
            self._engines[name] = self._engine_factory(name)
        return self._engines[name]

    def kick(self, job_id: str) -> None:
        """Make sure a task drives this job (idempotent)."""
        task = self._tasks.get(job_id)
        if task is None or task.done():
            self._tasks[job_id] = asyncio.create_task(self._drive(job_id), name=f"job-{job_id}")

    async def halt(self, job_id: str) -> None:
        """Stop driving a job (cancel, delete); the row is left as it is."""
        if ev := self._upload_stops.get(job_id):
            ev.set()
        task = self._tasks.pop(job_id, None)
        if task and not task.done() and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def running(self, job_id: str) -> bool:
        task = self._tasks.get(job_id)
        return task is not None and not task.done()

    # --- row updates ---
    def update(self, job: Job, **changes: Any) -> Job:
        new_status = changes.get("status")
        if new_status is not None and new_status != job.status:
            check_transition(job.status, new_status)
        for key, value in changes.items():
            setattr(job, key, value)
        self.store.save(job)
        self.bus.publish("job", job_public(job))
        return job

    def fail(self, job: Job, message: str) -> None:
        log.warning("job %s failed: %s", job.id, message)
        self.update(job, status=S.FAILED, error=message, step="Failed", finished_at=utcnow())

    # --- the drive loop ---
    async def _drive(self, job_id: str) -> None:
        try:
            while True:
                job = self.store.get(job_id)
                if job.status == S.UPLOADING:
                    await self._push(job)
                elif job.status in (S.QUEUED, S.TRANSCRIBING):
                    await self._transcribe(job)
                elif job.status == S.PROCESSING:
                    await self._process(job)
                else:
                    return
        except (asyncio.CancelledError, JobNotFound):
            return
        except Exception as e:  # a bug must fail the job visibly, not leave it spinning
            log.exception("job %s crashed", job_id)
            with contextlib.suppress(Exception):
                self.fail(self.store.get(job_id), f"Internal error: {type(e).__name__}: {e}")

    # --- uploading -> uploaded ---
    async def _push(self, job: Job) -> None:
        # The speech timeline (issue 10) is computed once, beside the push and the transcription.
        audio, folder = self.files.upload_dir(job.id) / job.stored_name, self.files.result_dir(job.id)
        asyncio.get_running_loop().run_in_executor(None, speech.timeline_for, audio, folder)
        if self.storage is None or not job.storage_key:
            self.update(job, status=S.UPLOADED, progress=100, step="Ready to transcribe")
            return
        path = self.files.upload_dir(job.id) / job.stored_name
        stop = self._upload_stops.setdefault(job.id, threading.Event())
        stop.clear()
        loop = asyncio.get_running_loop()
        last = {"pct": -1.0, "t": 0.0}

        def on_progress(done: int) -> None:  # runs in boto3's threads
            if stop.is_set():
                raise UploadCancelled()
            pct = min(99.0, 100.0 * done / max(job.size, 1))
            now = time.monotonic()
            if pct - last["pct"] >= 1 or now - last["t"] >= 0.5:
                last.update(pct=pct, t=now)
                loop.call_soon_threadsafe(self._upload_progress, job.id, pct)

        self.update(job, progress=0, step="Uploading to cloud… 0%", error=None)
        try:
            await asyncio.to_thread(self.storage.upload_file, path, job.storage_key, on_progress)
        except UploadCancelled:  # cancel or shutdown: whoever stopped it sets the status
            return
        except (StorageError, OSError) as e:
            self.fail(self.store.get(job.id), f"Upload to object storage failed: {e}")
            return
        finally:
            self._upload_stops.pop(job.id, None)
        job = self.store.get(job.id)
        if job.status == S.UPLOADING:
            self.update(
                job, status=S.UPLOADED, uploaded_to_storage=True, progress=100, step="Ready to transcribe"
            )

    def _upload_progress(self, job_id: str, pct: float) -> None:
        with contextlib.suppress(JobNotFound):
            job = self.store.get(job_id)
            if job.status == S.UPLOADING:
                self.update(job, progress=pct, step=f"Uploading to cloud… {pct:.0f}%")

    # --- queued / transcribing ---
    async def _transcribe(self, job: Job) -> None:
        name = job.engine or self.settings.active_engine
        engine = self.engine(name)
        if job.remote_id is None:
            job = await self._submit(job, name, engine)
            if job.remote_id is None:
                return
        await self._follow(job, engine)

    async def _submit(self, job: Job, name: str, engine: Engine) -> Job:
        options = TranscribeOptions.model_validate(job.options)
        try:
            audio = await asyncio.to_thread(
                make_audio_ref,
                self.settings,
                self.storage if (job.uploaded_to_storage and name != "local") else None,
                job.storage_key,
                self.files.upload_dir(job.id) / job.stored_name,
                job.duration,
            )
        except StorageError as e:
            self.fail(job, str(e))
            return job
        waited = _Backoff()
        while True:
            try:
                handle = await engine.submit(audio, options)
                break
            except EngineRejected as e:
                self.fail(job, str(e))
                return job
            except EngineUnavailable as e:
                job = self.store.get(job.id)
                if await self._unreachable(job, name, e, waited):
                    return self.store.get(job.id)
        return self.update(
            job,
            engine=name,
            remote_id=handle,
            submitted_at=utcnow(),
            status=S.QUEUED,
            progress=0,
            error=None,
            step=_queued_step(name),
        )

    async def _follow(self, job: Job, engine: Engine) -> None:
        assert job.remote_id is not None
        name = engine.name
        waited = _Backoff()
        # A local job is polled in-process, so asking often costs nothing and saves seconds per job.
        interval = (
            min(LOCAL_POLL, self.settings.runpod_poll_interval)
            if name == "local"
            else self.settings.runpod_poll_interval
        )
        queued_max = 1.0 if name == "local" else QUEUED_POLL_MAX
        queued_delay = interval
        while True:
            try:
                st = await engine.poll(job.remote_id)
            except EngineJobLost as e:
                if not engine.resumable:  # a local job lost with the old process: run it again
                    self.update(job, remote_id=None, status=S.QUEUED, step=_queued_step(name))
                else:
                    self.fail(job, str(e))
                return
            except EngineRejected as e:
                self.fail(job, str(e))
                return
            except EngineUnavailable as e:
                if await self._unreachable(job, name, e, waited):
                    return
                job = self.store.get(job.id)
                continue
            waited.reset()
            job = self.store.get(job.id)
            if job.status not in (S.QUEUED, S.TRANSCRIBING):
                return
            if st.state == EngineState.QUEUED:
                self.update(job, status=S.QUEUED, step=st.step or _queued_step(name), **_timings(st))
                await asyncio.sleep(queued_delay)
                queued_delay = min(queued_delay * 1.5, queued_max)
            elif st.state == EngineState.RUNNING:
                pct = round(100 * st.progress, 1) if st.progress is not None else job.progress
                self.update(
                    job, status=S.TRANSCRIBING, progress=pct, step=st.step or _running_step(name, st.progress)
                )
                queued_delay = interval
                await asyncio.sleep(interval)
            elif st.state == EngineState.COMPLETED:
                # The output is saved before anything else touches it: RunPod forgets it in 30 minutes.
                await asyncio.to_thread(self.files.write_raw, job.id, st.output)
                self.update(
                    job, status=S.PROCESSING, progress=100, step="Processing results…", **_timings(st)
                )
                return
            elif st.state == EngineState.CANCELLED:
                self.update(job, status=S.CANCELLED, step="Cancelled", finished_at=utcnow(), **_timings(st))
                return
            else:
                self.update(job, **_timings(st))
                self.fail(job, st.error or "The transcription failed without a message.")
                return

    async def _unreachable(self, job: Job, name: str, e: EngineUnavailable, waited: _Backoff) -> bool:
        """Wait and return False to try again; or fall back / fail and return True to stop."""
        limit = self.settings.remote_unreachable_seconds
        if name != "local" and waited.elapsed() >= limit:
            if self.settings.fallback_to_local:
                await self._fall_back(job, name, str(e))
            else:
                self.fail(job, f"{_engine_title(name)} unreachable for {limit:.0f} s: {e}")
            return True
        delay = waited.next(e.retry_after)
        self.update(job, step=f"{_engine_title(name)} not answering ({e}); retrying in {delay:.0f} s…")
        await asyncio.sleep(delay)
        return False

    async def _fall_back(self, job: Job, name: str, reason: str) -> None:
        if job.remote_id:
            with contextlib.suppress(Exception):
                await self.engine(name).cancel(job.remote_id)
        message = f"{_engine_title(name)} unreachable ({reason}); transcribing on this computer instead"
        self.update(
            job,
            engine="local",
            remote_id=None,
            fallback_reason=message,
            status=S.QUEUED,
            progress=0,
            step=message,
        )

    # --- processing -> completed ---
    async def _process(self, job: Job) -> None:
        raw = await asyncio.to_thread(self.files.read_raw, job.id)
        if raw is None:
            self.fail(job, "The worker's output was not saved; retry to run the transcription again.")
            return
        try:
            model = Path(self.settings.local_model).name if job.engine == "local" else None
            audio = self.files.upload_dir(job.id) / job.stored_name
            regions = await asyncio.to_thread(speech.timeline_for, audio, self.files.result_dir(job.id))
            transcript = await asyncio.to_thread(
                outputs.build_transcript,
                job,
                raw,
                hide_flagged=self.settings.hide_flagged,
                model=model,
                speech=regions,
            )
        except ValueError as e:
            self.fail(
                job,
                f"The worker's output could not be read: {e}. It is kept untouched in "
                f"results/{job.id}/raw.json.",
            )
            return
        await asyncio.to_thread(self.files.write_transcript, job.id, transcript)
        await asyncio.to_thread(outputs.write_exports, self.files, job, transcript)
        job = self.store.get(job.id)
        self.update(
            job,
            status=S.COMPLETED,
            progress=100,
            step="Done",
            error=None,
            finished_at=utcnow(),
            cost_usd=self._cost(job),
        )

    def _cost(self, job: Job) -> float | None:
        price = self.settings.gpu_price_per_hour
        if price is None or job.execution_time_ms is None or job.engine == "local":
            return None
        return round(job.execution_time_ms / 3_600_000 * price, 4)


class _Backoff:
    """Exponential backoff with jitter, honouring a server's Retry-After; remembers when trouble began."""

    def __init__(self, base: float = 1.0) -> None:
        self.base = base
        self.attempt = 0
        self.since: float | None = None

    def reset(self) -> None:
        self.attempt = 0
        self.since = None

    def elapsed(self) -> float:
        if self.since is None:
            self.since = time.monotonic()
        return time.monotonic() - self.since

    def next(self, retry_after: float | None) -> float:
        self.elapsed()
        self.attempt += 1
        if retry_after is not None:
            return max(0.0, retry_after)
        ceiling = min(BACKOFF_MAX, self.base * 2 ** (self.attempt - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)


def _timings(st: EngineStatus) -> dict[str, int]:
    out = {}
    if st.delay_time_ms is not None:
        out["delay_time_ms"] = st.delay_time_ms
    if st.execution_time_ms is not None:
        out["execution_time_ms"] = st.execution_time_ms
    return out


def _engine_title(name: str) -> str:
    return {"runpod": "RunPod", "worker": "The GPU worker", "local": "The local engine"}.get(name, name)


def _queued_step(name: str) -> str:
    if name == "local":
        return "Queued (waiting for the local engine)…"
    return "Queued (waiting for GPU)…"


def _running_step(name: str, progress: float | None) -> str:
    text = "Transcribing locally…" if name == "local" else f"Transcribing on {ENGINE_LABEL[name]}…"
    if progress is not None:
        text += f" {100 * progress:.0f}%"
    return text
