"""The job service: what the HTTP handlers and the CLI ask for, as plain methods.

Handlers stay thin: they parse the request, call one method here, and map these exceptions to HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

from scribedesk.audio import AudioError, probe
from scribedesk.config import Settings
from scribedesk.engines.audio_ref import reach_problem
from scribedesk.engines.catalog import ENGINES
from scribedesk.exports import EXPORTERS, ExportOptions, render
from scribedesk.jobs import lifecycle, outputs
from scribedesk.jobs.context import JobContext
from scribedesk.jobs.events import Event
from scribedesk.jobs.lifecycle import InvalidTransition
from scribedesk.jobs.model import Job, JobStatus, is_job_id, new_job_id
from scribedesk.jobs.runner import Runner
from scribedesk.jobs.store import JobNotFound
from scribedesk.jobs.views import job_public
from scribedesk.options import TranscribeOptions
from scribedesk.storage import StorageError, object_key
from scribedesk.transcript.cleanup import flag_reason
from scribedesk.transcript.edits import apply_edit
from scribedesk.transcript.model import Transcript

log = logging.getLogger("scribedesk.jobs")
S = JobStatus


class NotFound(Exception):
    pass


class Conflict(Exception):
    """The job is not in a state that allows this (409); InvalidTransition is answered the same."""


class BadRequest(Exception):
    """The request itself is wrong (400)."""


class JobService:
    def __init__(self, ctx: JobContext, runner: Runner) -> None:
        self.ctx = ctx
        self.settings: Settings = ctx.settings
        self.store = ctx.store
        self.files = ctx.files
        self.tracker = ctx.tracker
        self.runner = runner
        self._edit_lock = asyncio.Lock()

    # --- reading ---
    def get(self, job_id: str) -> Job:
        if not is_job_id(job_id):
            raise NotFound("no such job")
        try:
            return self.store.get(job_id)
        except JobNotFound:
            raise NotFound("no such job") from None

    def list(self) -> list[dict[str, Any]]:
        return [job_public(j) for j in self.store.list()]

    def subscribe(self) -> AbstractAsyncContextManager[asyncio.Queue[Event | None]]:
        """Listen to job changes (`job` and `deleted` events) until the context ends."""
        return self.tracker.bus.subscribe()

    def audio_path(self, job_id: str) -> Path:
        job = self.get(job_id)
        path = self.files.upload_dir(job.id) / job.stored_name
        if not path.exists():
            raise NotFound("the audio file is no longer on this computer")
        return path

    # --- creating ---
    async def create_from_file(self, job_id: str, filename: str, stored_name: str, size: int) -> Job:
        """Register a file already streamed into uploads/<job_id>/; validates it is audio."""
        path = self.files.upload_dir(job_id) / stored_name
        try:
            info = await asyncio.to_thread(probe, path)
        except AudioError as e:
            await asyncio.to_thread(self.files.remove, job_id)
            raise BadRequest(f"{filename!r} is not usable audio: {e}") from e
        uses_storage = self.ctx.storage is not None
        job = Job(
            id=job_id,
            filename=filename,
            stored_name=stored_name,
            size=size,
            duration=info.duration,
            storage_key=object_key(job_id, filename) if uses_storage else None,
            **lifecycle.created(uses_storage),
        )
        self.tracker.add(job)
        if uses_storage:
            self.runner.kick(job.id)
        return job

    @staticmethod
    def new_id() -> str:
        return new_job_id()

    # --- running ---
    async def start(self, job_id: str, options: TranscribeOptions) -> Job:
        job = self.get(job_id)
        change = lifecycle.start(job, self.settings.active_engine, self._with_defaults(options))
        self._check_engine_can_reach_audio(job)
        self.tracker.apply(job, change)
        self.runner.kick(job.id)
        return job

    def _with_defaults(self, options: TranscribeOptions) -> TranscribeOptions:
        """Fill what the request left out from the settings (an explicit null language = detect)."""
        options = options.model_copy()
        if options.language is None and "language" not in options.model_fields_set:
            options.language = self.settings.default_language or None
        if "model" not in options.model_fields_set:
            options.model = self.settings.default_model
        return options

    def _check_engine_can_reach_audio(self, job: Job) -> None:
        engine = ENGINES[self.settings.active_engine]
        if problem := reach_problem(engine, job.uploaded_to_storage, self.settings):
            raise Conflict(problem)

    async def cancel(self, job_id: str) -> Job:
        lifecycle.cancel(self.get(job_id))  # refuse early, before stopping anything
        await self.runner.halt(job_id)
        job = self.get(job_id)
        try:
            lifecycle.cancel(job)
        except InvalidTransition:  # it finished meanwhile: let the runner carry on with it
            self.runner.kick(job.id)
            raise
        note = ""
        if job.remote_id and job.engine:
            try:
                await self.ctx.engines.get(job.engine).cancel(job.remote_id)
            except Exception as e:  # the user asked to stop: stop here even when the remote won't answer
                note = f" (the remote engine did not confirm: {e})"
        return self.tracker.apply(job, lifecycle.cancel(job, note))

    async def retry(self, job_id: str) -> Job:
        job = self.get(job_id)
        raw_saved = await asyncio.to_thread(self.files.raw_path(job.id).exists)
        change = lifecycle.retry(job, raw_saved=raw_saved, engine=self.settings.active_engine)
        if change.status == S.QUEUED:
            self._check_engine_can_reach_audio(job)
        self.tracker.apply(job, change)
        self.runner.kick(job.id)
        return job

    async def delete(self, job_id: str) -> None:
        job = self.get(job_id)
        await self.runner.halt(job.id)
        if job.status in lifecycle.REMOTE_STATES and job.remote_id and job.engine:
            with contextlib.suppress(Exception):
                await self.ctx.engines.get(job.engine).cancel(job.remote_id)
        storage = self.ctx.storage
        if job.storage_key and storage is not None:
            try:
                await asyncio.to_thread(storage.delete, job.storage_key)
            except StorageError as e:
                log.warning("could not delete the stored object of job %s: %s", job.id, e)
        await asyncio.to_thread(self.files.remove, job.id)
        self.tracker.remove(job.id)

    # --- results and edits ---
    # A three-hour transcript is megabytes of JSON: reading, parsing and dumping it happen in threads.
    async def _transcript(self, job: Job) -> Transcript:
        if job.status != S.COMPLETED:
            raise Conflict(f"the job is {job.status.value}; the transcript is not ready")
        t = await asyncio.to_thread(self.files.read_transcript, job.id)
        if t is None:
            raise NotFound("the transcript file is missing")
        return t

    async def result(self, job_id: str) -> dict[str, Any]:
        job = self.get(job_id)
        t = await self._transcript(job)
        return await asyncio.to_thread(self._result_view, job, t)

    def _result_view(self, job: Job, t: Transcript) -> dict[str, Any]:
        data = t.model_dump()
        flags = {f for seg in t.segments for f in seg.flags}
        return {
            "job_id": job.id,
            "filename": job.filename,
            **data,
            "flag_reasons": {f: flag_reason(f) for f in sorted(flags)},
            "can_undo": self.files.undo_count(job.id),
        }

    async def edit(self, job_id: str, op: dict[str, Any]) -> dict[str, Any]:
        async with self._edit_lock:
            job = self.get(job_id)
            before = await self._transcript(job)
            try:
                after = apply_edit(before, op)
            except ValueError as e:
                raise BadRequest(str(e)) from e
            await asyncio.to_thread(self._save_edit, job, before, after)
            return await asyncio.to_thread(self._result_view, job, after)

    def _save_edit(self, job: Job, before: Transcript, after: Transcript) -> None:
        self.files.push_undo(job.id, before)
        self.files.write_transcript(job.id, after)
        outputs.write_exports(self.files, job, after)

    async def rename_speakers(self, job_id: str, mapping: dict[str, str]) -> dict[str, Any]:
        return await self.edit(job_id, {"op": "rename", "speakers": mapping})

    async def undo(self, job_id: str) -> dict[str, Any]:
        async with self._edit_lock:
            job = self.get(job_id)
            if job.status != S.COMPLETED:
                raise Conflict(f"the job is {job.status.value}; the transcript is not ready")
            previous = await asyncio.to_thread(self.files.pop_undo, job.id)
            if previous is None:
                raise Conflict("nothing to undo")
            await asyncio.to_thread(self.files.write_transcript, job.id, previous)
            await asyncio.to_thread(outputs.write_exports, self.files, job, previous)
            return await asyncio.to_thread(self._result_view, job, previous)

    async def export(self, job_id: str, fmt: str, options: ExportOptions) -> tuple[bytes, str, str]:
        """(content, media type, download file name)."""
        if fmt not in EXPORTERS:
            raise NotFound(f"unknown format {fmt!r}; use one of {', '.join(EXPORTERS)}")
        job = self.get(job_id)
        t = await self._transcript(job)
        exporter = EXPORTERS[fmt]
        data = await asyncio.to_thread(render, fmt, t, options, outputs.export_meta(job, t))
        name = f"{Path(job.filename).stem or job.id}.{exporter.extension}"
        return data, exporter.media_type, name
