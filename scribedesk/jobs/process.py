"""The process step (processing -> completed): raw output -> transcript, exports, cost."""

from __future__ import annotations

import asyncio
from pathlib import Path

from scribedesk import speech
from scribedesk.engines.catalog import traits
from scribedesk.jobs import lifecycle, outputs
from scribedesk.jobs.context import JobContext
from scribedesk.jobs.exactly_once import save_failed
from scribedesk.jobs.keep import OutputKeeper
from scribedesk.jobs.model import Job


class ProcessStep:
    def __init__(self, ctx: JobContext) -> None:
        self.ctx = ctx

    async def run(self, job: Job) -> None:
        ctx = self.ctx
        raw = ctx.held.get(job.id)
        if raw is not None:  # kept in memory when the disk was full: save it first
            if not await OutputKeeper(ctx).keep(job, raw):
                return
        else:
            raw = await ctx.activity.run(job.id, ctx.files.read_raw, job.id)
        if raw is None:
            message = "The worker's output was not saved; retry to run the transcription again."
            ctx.tracker.apply(job, lifecycle.on_failure(message))
            return
        # The speech timeline (issue 10): usually ready, started beside the push; else computed now.
        audio = ctx.files.upload_dir(job.id) / job.stored_name
        regions = await asyncio.to_thread(speech.timeline_for, audio, ctx.files.result_dir(job.id))
        try:
            transcript = await asyncio.to_thread(
                outputs.build_transcript,
                job,
                raw,
                hide_flagged=ctx.settings.hide_flagged,
                model=self._model(job),
                speech=regions,
            )
        except ValueError as e:
            message = (
                f"The worker's output could not be read: {e}. It is kept untouched in "
                f"results/{job.id}/raw.json."
            )
            ctx.tracker.apply(job, lifecycle.on_failure(message))
            return
        try:
            await ctx.activity.run(job.id, ctx.files.write_transcript, job.id, transcript)
            await ctx.activity.run(job.id, outputs.write_exports, ctx.files, job, transcript)
        except OSError as e:
            message = save_failed("the transcript", e, kept="in raw.json")
            ctx.tracker.apply(ctx.tracker.get(job.id), lifecycle.on_failure(message))
            return
        job = ctx.tracker.get(job.id)
        ctx.tracker.apply(job, lifecycle.on_output(self._cost(job), outputs.worker_warnings(raw)))

    def _model(self, job: Job) -> str | None:
        """The model that ran, when the engine's output does not say (the local engine's setting)."""
        engine = traits(job.engine)
        return Path(self.ctx.settings.local_model).name if engine and not engine.remote else None

    def _cost(self, job: Job) -> float | None:
        price = self.ctx.settings.gpu_price_per_hour
        engine = traits(job.engine)
        if price is None or job.execution_time_ms is None or engine is None or not engine.billable:
            return None
        return round(job.execution_time_ms / 3_600_000 * price, 4)
