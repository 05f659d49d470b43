"""The transcribe step (queued/transcribing -> processing): submit to the engine, then poll it.

Retries a remote engine that does not answer (backoff), and after REMOTE_UNREACHABLE_SECONDS either
falls back to this computer or fails. The raw output is saved the moment it arrives: RunPod forgets
it after 30 minutes, and a second run would be paid twice.
"""

from __future__ import annotations

import asyncio
import contextlib

from scribedesk.engines.audio_ref import audio_ref_for
from scribedesk.engines.base import (
    Engine,
    EngineJobLost,
    EngineRejected,
    EngineState,
    EngineStatus,
    EngineSubmitUnknown,
    EngineUnavailable,
)
from scribedesk.jobs import lifecycle
from scribedesk.jobs.backoff import Backoff
from scribedesk.jobs.context import JobContext
from scribedesk.jobs.keep import OutputKeeper, also, not_submitted, submit_intent
from scribedesk.jobs.model import Job
from scribedesk.options import TranscribeOptions
from scribedesk.storage import StorageError


class _Stop(Exception):
    """The job left the engine's hands (done, failed, fell back): stop following it."""


class TranscribeStep:
    def __init__(self, ctx: JobContext) -> None:
        self.ctx = ctx
        self.keeper = OutputKeeper(ctx)

    async def run(self, job: Job) -> None:
        engine = self.ctx.engines.get(job.engine or self.ctx.settings.active_engine)
        if job.remote_id is None:
            job = await self._submit(job, engine)
            if job.remote_id is None:
                return
        with contextlib.suppress(_Stop):
            await self._follow(job, engine)

    # --- submit ---
    async def _submit(self, job: Job, engine: Engine) -> Job:
        ctx = self.ctx
        try:
            audio = await asyncio.to_thread(
                audio_ref_for,
                engine.traits,
                ctx.settings,
                ctx.storage,
                job.uploaded_to_storage,
                job.storage_key,
                ctx.files.upload_dir(job.id) / job.stored_name,
                job.duration,
            )
        except StorageError as e:
            return ctx.tracker.apply(job, lifecycle.on_failure(str(e)))
        options = job.options or TranscribeOptions()
        if job.submitting_since is not None and await self.keeper.recover(job, engine.name):
            return ctx.tracker.get(job.id)  # an earlier submit's output was found, or the job stopped
        key, waited = job.id, Backoff()
        while True:
            # The intent is saved before /run goes out: a crash before its id is saved is known on restart.
            job = ctx.tracker.apply(ctx.tracker.get(key), submit_intent())
            try:
                # Shielded: a cancel or delete meanwhile cancels the remote job once its id is known.
                handle = await ctx.submits.submit(
                    key, engine, lambda: engine.submit(audio, options, job_key=key)
                )
                break
            except EngineRejected as e:  # a definite no: no remote job exists
                return ctx.tracker.apply(job, also(lifecycle.on_failure(str(e)), submitting_since=None))
            except EngineUnavailable as e:
                unknown = isinstance(e, EngineSubmitUnknown)
                # Only a submit that went out unanswered may have made a remote job: keep its intent.
                job = ctx.tracker.apply(ctx.tracker.get(key), None if unknown else not_submitted())
                if unknown and await self.keeper.recover(job, engine.name, str(e)):
                    return ctx.tracker.get(job.id)
                if await self._unreachable(job, engine, e, waited):
                    return ctx.tracker.get(job.id)
        job = ctx.tracker.get(job.id)
        ctx.submits.saved(job.id)
        return ctx.tracker.apply(job, also(lifecycle.submitted(engine.traits, handle), submitting_since=None))

    # --- poll ---
    async def _follow(self, job: Job, engine: Engine) -> None:
        waited = Backoff()
        interval = self._poll_interval(engine)
        queued_delay = interval
        while True:
            st = await self._poll(job, engine, waited)
            job = self.ctx.tracker.get(job.id)
            if st is None:
                continue
            waited.reset()
            if st.state == EngineState.COMPLETED and job.status in lifecycle.REMOTE_STATES:
                if not await self.keeper.keep(job, st.output):  # disk full: held in memory, job failed
                    return
            elif (
                st.extra.get("no_output")
                and job.status in lifecycle.REMOTE_STATES
                and await self.keeper.from_volume(job, engine.name)  # too big for RunPod to return
            ):
                return
            change = lifecycle.on_engine_status(job, st, engine.traits)
            if change is None:
                return
            self.ctx.tracker.apply(job, change)
            if st.state == EngineState.QUEUED:
                await asyncio.sleep(queued_delay)
                queued_delay = min(queued_delay * 1.5, engine.traits.queued_poll_max)
            elif st.state == EngineState.RUNNING:
                queued_delay = interval
                await asyncio.sleep(interval)
            else:
                return

    def _poll_interval(self, engine: Engine) -> float:
        # A local job is polled in-process, so asking often costs nothing and saves seconds per job.
        cap = engine.traits.poll_cap
        setting = self.ctx.settings.runpod_poll_interval
        return min(cap, setting) if cap is not None else setting

    async def _poll(self, job: Job, engine: Engine, waited: Backoff) -> EngineStatus | None:
        """One poll; None after waiting out an unreachable engine; _Stop when the job leaves it."""
        assert job.remote_id is not None
        tracker = self.ctx.tracker
        try:
            return await engine.poll(job.remote_id)
        except EngineJobLost as e:
            if engine.traits.resumable:
                if not await self.keeper.from_volume(job, engine.name):  # RunPod forgot it: the volume?
                    tracker.apply(job, lifecycle.on_failure(str(e)))
            else:  # a local job lost with the old process: run it again
                tracker.apply(job, lifecycle.lost_locally(engine.traits))
            raise _Stop() from e
        except EngineRejected as e:
            tracker.apply(job, lifecycle.on_failure(str(e)))
            raise _Stop() from e
        except EngineUnavailable as e:
            if await self._unreachable(job, engine, e, waited):
                raise _Stop() from e
            return None

    # --- an engine that does not answer ---
    async def _unreachable(self, job: Job, engine: Engine, e: EngineUnavailable, waited: Backoff) -> bool:
        """Wait and return False to try again; or fall back / fail and return True to stop."""
        ctx = self.ctx
        limit = ctx.settings.remote_unreachable_seconds
        if engine.traits.remote and waited.elapsed() >= limit:
            if ctx.settings.fallback_to_local:
                if job.remote_id:
                    with contextlib.suppress(Exception):
                        await engine.cancel(job.remote_id)
                ctx.tracker.apply(job, lifecycle.fall_back(engine.traits, str(e)))
            else:
                ctx.tracker.apply(job, lifecycle.unreachable_for(engine.traits, limit, str(e)))
            return True
        delay = waited.next(e.retry_after)
        ctx.tracker.apply(job, lifecycle.not_answering(engine.traits, str(e), delay))
        await asyncio.sleep(delay)
        return False
