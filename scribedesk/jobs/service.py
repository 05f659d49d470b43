"""The job service: what the HTTP handlers and the CLI ask for, as plain methods.

Handlers stay thin: they parse the request, call one method here, and map these exceptions to HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, TypeVar

from scribedesk.audio import AudioError, probe
from scribedesk.config import Settings
from scribedesk.engines.audio_ref import reach_problem
from scribedesk.engines.catalog import ENGINES
from scribedesk.exports import EXPORTERS, ExportOptions, render
from scribedesk.jobs import lifecycle, outputs
from scribedesk.jobs.activity import JobGone
from scribedesk.jobs.context import JobContext
from scribedesk.jobs.events import Event
from scribedesk.jobs.keep import also
from scribedesk.jobs.lifecycle import Change, InvalidTransition
from scribedesk.jobs.model import Job, JobStatus, is_job_id, new_job_id
from scribedesk.jobs.quarantine import DamagedFile, set_aside
from scribedesk.jobs.runner import Runner
from scribedesk.jobs.store import JobNotFound
from scribedesk.jobs.views import job_public
from scribedesk.media import FALLBACK, MEDIA_TYPES, NotMediaContainer, check_container
from scribedesk.options import TranscribeOptions
from scribedesk.storage import StorageError, object_key
from scribedesk.transcript.cleanup import flag_reason
from scribedesk.transcript.edits import apply_edit
from scribedesk.transcript.model import Transcript
from scribedesk.transcript.sanitize import clean_edit, clean_line, clean_transcript

log = logging.getLogger("scribedesk.jobs")
S = JobStatus
T = TypeVar("T")


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

    async def audio_file(self, job_id: str) -> tuple[Path, str, str]:
        """(path, media type, file name) to serve: the type of the probed container, never the name's."""
        path = self.audio_path(job_id)
        kind = self.get(job_id).media_type
        if kind is None:  # a job from before the type was recorded
            with contextlib.suppress(NotMediaContainer):
                kind = await asyncio.to_thread(check_container, path)
        kind = kind or FALLBACK[0]
        ext = next((e for t, e in MEDIA_TYPES.values() if t == kind), FALLBACK[1])
        return path, kind, f"audio.{ext}"

    # --- creating ---
    async def create_from_file(self, job_id: str, filename: str, stored_name: str, size: int) -> Job:
        """Register a file already streamed into uploads/<job_id>/; validates it is audio."""
        filename = clean_line(filename) or "audio"  # shown on the page and written into every export
        path = self.files.upload_dir(job_id) / stored_name
        try:
            # The container first: a playlist or script is refused before anything decodes it.
            kind = await asyncio.to_thread(check_container, path)
            info = await asyncio.to_thread(probe, path)
        except (AudioError, NotMediaContainer) as e:
            await asyncio.to_thread(self.files.remove, job_id)
            raise BadRequest(f"{filename!r} is not usable audio: {e}") from e
        uses_storage = self.ctx.storage is not None
        job = Job(
            id=job_id,
            filename=filename,
            stored_name=stored_name,
            size=size,
            duration=info.duration,
            media_type=kind,
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
        submitting = await self.runner.halt(job_id)
        job = self.get(job_id)
        try:
            lifecycle.cancel(job)
        except InvalidTransition:  # it finished meanwhile: let the runner carry on with it
            self.runner.kick(job.id)
            raise
        note = " (the remote job is cancelled as soon as RunPod answers the submit)" if submitting else ""
        if job.remote_id and job.engine:
            try:
                await self.ctx.engines.get(job.engine).cancel(job.remote_id)
            except Exception as e:  # the user asked to stop: stop here even when the remote won't answer
                note = f" (the remote engine did not confirm: {e})"
        # A submit cut short here is cancelled remotely once answered: nothing to wait for on a retry.
        return self.tracker.apply(job, also(lifecycle.cancel(job, note), submitting_since=None))

    async def retry(self, job_id: str) -> Job:
        job = self.get(job_id)
        raw_saved = job.id in self.ctx.held or await asyncio.to_thread(self.files.raw_path(job.id).exists)
        change = lifecycle.retry(job, raw_saved=raw_saved, engine=self.settings.active_engine)
        if change.status == S.QUEUED:
            self._check_engine_can_reach_audio(job)
        self.tracker.apply(job, change)
        self.runner.kick(job.id)
        return job

    async def delete(self, job_id: str) -> None:
        job = self.get(job_id)
        await self.runner.halt(job.id)
        # Threads the job started (push, processing, an edit) finish before its folders go.
        await self.ctx.activity.retire(job.id)
        self.ctx.held.pop(job.id, None)
        job = self.get(job_id)
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

    async def _work(self, job_id: str, fn: Callable[..., T], *args: Any) -> T:
        """Blocking file work of a job in a thread that a delete waits for; NotFound once it is deleted."""
        try:
            return await self.ctx.activity.run(job_id, fn, *args)
        except JobGone:
            raise NotFound("the job was deleted") from None

    # --- results and edits ---
    # A three-hour transcript is megabytes of JSON: reading, parsing and dumping it happen in threads.
    async def _transcript(self, job: Job) -> Transcript:
        if job.status != S.COMPLETED:
            raise Conflict(f"the job is {job.status.value}; the transcript is not ready")
        try:
            t = await self._work(job.id, self.files.read_transcript, job.id)
        except ValueError:  # truncated or not a transcript: set aside, never a bare 500
            t, message = await self._work(job.id, self._restore_transcript, job)
            log.warning("job %s: %s", job.id, message)
            self.tracker.apply(self.get(job.id), Change(None, message))
        if t is None:
            raise NotFound("the transcript file is missing")
        return clean_transcript(t)  # one saved before text was cleaned at the boundary

    def _restore_transcript(self, job: Job) -> tuple[Transcript, str]:
        """A damaged transcript.json: set aside; the newest undo step comes back, else raw.json is rebuilt."""
        moved = set_aside(self.files.transcript_path(job.id))
        t: Transcript | None = None
        with contextlib.suppress(DamagedFile):
            t = self.files.pop_undo(job.id)
        source = "the last undo step (only your last edit is lost)"
        if t is None:
            raw = self.files.read_raw(job.id)
            if raw is None:
                raise Conflict(
                    f"The transcript file was damaged and has been set aside as {moved.name}; no saved "
                    "output is left to rebuild it from: delete the job and transcribe the recording again"
                )
            t = outputs.build_transcript(job, raw, hide_flagged=self.settings.hide_flagged)
            source = "the worker's saved output (your edits are lost)"
        self.files.write_transcript(job.id, t)
        outputs.write_exports(self.files, job, t)
        what = f"The transcript file was damaged and has been set aside as {moved.name}"
        return t, f"{what}; restored from {source}."

    async def result(self, job_id: str) -> dict[str, Any]:
        job = self.get(job_id)
        t = await self._transcript(job)
        return await asyncio.to_thread(self._result_view, job, t)

    def _result_view(self, job: Job, t: Transcript) -> dict[str, Any]:
        data = t.model_dump()
        flags = {f for seg in t.segments for f in seg.flags} | {
            s.reason for seg in t.segments for s in seg.spans
        }
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
                after = apply_edit(before, clean_edit(op))
            except ValueError as e:
                raise BadRequest(str(e)) from e
            await self._work(job.id, self._save_edit, job, before, after)
            return await asyncio.to_thread(self._result_view, job, after)

    def _save_edit(self, job: Job, before: Transcript, after: Transcript) -> None:
        rendered = outputs.render_exports(job, after)  # an edit no export can hold is refused, not saved
        self.files.push_undo(job.id, before)
        self.files.write_transcript(job.id, after)
        outputs.save_exports(self.files, job, rendered)

    async def rename_speakers(self, job_id: str, mapping: dict[str, str]) -> dict[str, Any]:
        return await self.edit(job_id, {"op": "rename", "speakers": mapping})

    async def undo(self, job_id: str) -> dict[str, Any]:
        async with self._edit_lock:
            job = self.get(job_id)
            if job.status != S.COMPLETED:
                raise Conflict(f"the job is {job.status.value}; the transcript is not ready")
            try:
                previous = await self._work(job.id, self.files.pop_undo, job.id)
            except DamagedFile as e:
                raise Conflict(str(e)) from None
            if previous is None:
                raise Conflict("nothing to undo")
            await self._work(job.id, self.files.write_transcript, job.id, previous)
            await self._work(job.id, outputs.write_exports, self.files, job, previous)
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
