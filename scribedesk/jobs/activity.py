"""The blocking work a job has running in threads, so a delete can wait for it and nothing outlives it.

A thread cannot be cancelled: cancelling the asyncio task that awaits `asyncio.to_thread` leaves the
thread writing `transcript.json` or the exports after the delete removed the folder. Every file write
of a job goes through `JobActivity.run`; `retire` (delete) refuses new work for the job and waits for
the threads already running, so the folder is removed after the last write, never before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class JobGone(Exception):
    """The job was deleted while this work was asked for."""


class JobActivity:
    def __init__(self) -> None:
        self._running: dict[str, set[asyncio.Future[Any]]] = {}
        self._gone: set[str] = set()

    def gone(self, job_id: str) -> bool:
        return job_id in self._gone

    async def run(self, job_id: str, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` in a thread, tracked; JobGone when the job is being deleted."""
        if job_id in self._gone:
            raise JobGone(job_id)
        future: asyncio.Future[T] = asyncio.ensure_future(asyncio.to_thread(fn, *args))
        running = self._running.setdefault(job_id, set())
        running.add(future)
        future.add_done_callback(lambda f: self._done(job_id, f))
        # Shielded: a cancelled caller stops waiting, but the thread stays tracked until it ends.
        return await asyncio.shield(future)

    def _done(self, job_id: str, future: asyncio.Future[Any]) -> None:
        running = self._running.get(job_id)
        if running is not None:
            running.discard(future)
            if not running:
                del self._running[job_id]
        if not future.cancelled():
            future.exception()  # retrieved, so an abandoned failure is not logged as "never retrieved"

    async def retire(self, job_id: str) -> None:
        """No new work for this job; return once every thread it still has running has ended."""
        self._gone.add(job_id)
        while pending := list(self._running.get(job_id, ())):
            await asyncio.gather(*pending, return_exceptions=True)
