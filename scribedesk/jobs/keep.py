"""Keep what was paid for: the worker's output is written before anything else, held in memory when the
disk is full, and fetched from the network volume when RunPod cannot give it back.

Used by the transcribe and process steps; the rules are in jobs/exactly_once.py's docstring.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from scribedesk.engines.runpod import execution_timeout_ms
from scribedesk.jobs import lifecycle
from scribedesk.jobs.context import JobContext
from scribedesk.jobs.exactly_once import keyed, save_failed, volume_output
from scribedesk.jobs.lifecycle import Change
from scribedesk.jobs.model import Job, JobStatus, utcnow

RECOVER_POLL_MAX = 15.0
"""Longest pause between two looks for output.json while a submit's outcome is unknown."""


def also(change: Change, **fields: Any) -> Change:
    """`change` setting these fields too."""
    return Change(change.status, change.step, change.fields | fields)


def submit_intent() -> Change:
    """Saved before /run goes out: set with no remote id means the submit's outcome is unknown."""
    return Change(None, None, {"submitting_since": utcnow()})


def not_submitted() -> Change:
    """The submit surely made no remote job (refused, not reached): nothing to wait for on restart."""
    return Change(None, None, {"submitting_since": None})


def read_from_volume() -> Change:
    fields = {"progress": 100, "submitting_since": None}
    return Change(JobStatus.PROCESSING, "Processing results (read from the network volume)…", fields)


def waiting_for_lost_submit(why: str, minutes: float) -> Change:
    return Change(
        None,
        f"The answer to the submit was lost ({why}); waiting up to {minutes:.0f} min for the worker's "
        "output before submitting again…",
    )


class OutputKeeper:
    def __init__(self, ctx: JobContext) -> None:
        self.ctx = ctx

    async def keep(self, job: Job, output: Any) -> bool:
        """Write raw.json; on a full disk hold the output in memory and fail with the way back."""
        ctx = self.ctx
        try:
            await ctx.activity.run(job.id, ctx.files.write_raw, job.id, output)
        except OSError as e:
            ctx.held[job.id] = output
            message = save_failed("the worker's output", e, kept="in memory")
            ctx.tracker.apply(ctx.tracker.get(job.id), lifecycle.on_failure(message))
            return False
        ctx.held.pop(job.id, None)
        return True

    async def from_volume(self, job: Job, engine: str) -> bool:
        """Our worker's output.json on the volume, saved and moved to processing; False when absent."""
        ctx = self.ctx
        if not keyed(ctx.settings, engine):
            return False
        output = await asyncio.to_thread(volume_output, ctx.storage, job.id)
        if output is None:
            return False
        if await self.keep(job, output):
            ctx.tracker.apply(ctx.tracker.get(job.id), read_from_volume())
        return True

    async def recover(self, job: Job, engine: str, why: str = "the panel stopped") -> bool:
        """A submit whose outcome is unknown: wait for its output on the volume before paying again.

        True when the output was found (or the job was stopped meanwhile); False to submit again: a
        third-party schema has no key to match on, or the window passed with nothing on the volume.
        """
        ctx = self.ctx
        if not keyed(ctx.settings, engine) or ctx.storage is None:
            return False
        window = execution_timeout_ms(job.duration) / 1000
        ctx.tracker.apply(job, waiting_for_lost_submit(why, window / 60))
        began, delay = time.monotonic(), ctx.settings.runpod_poll_interval
        while time.monotonic() - began < window:
            if await self.from_volume(job, engine):
                return True
            job = ctx.tracker.get(job.id)
            if job.status not in lifecycle.REMOTE_STATES:
                return True
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, RECOVER_POLL_MAX)
        return False
