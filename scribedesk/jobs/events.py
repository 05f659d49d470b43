"""A small in-process pub/sub: the runner and the service publish job changes, SSE clients listen."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

Event = tuple[str, dict[str, Any]]


class EventBus:
    def __init__(self, queue_size: int = 1000) -> None:
        self._subscribers: set[asyncio.Queue[Event | None]] = set()
        self._queue_size = queue_size

    def publish(self, name: str, data: dict[str, Any]) -> None:
        for q in list(self._subscribers):
            with contextlib.suppress(asyncio.QueueFull):  # a stalled client misses events, never blocks
                q.put_nowait((name, data))

    def close(self) -> None:
        """Tell every listener to stop (server shutdown)."""
        for q in list(self._subscribers):
            with contextlib.suppress(asyncio.QueueFull):
                q.put_nowait(None)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[Event | None]]:
        q: asyncio.Queue[Event | None] = asyncio.Queue(self._queue_size)
        self._subscribers.add(q)
        try:
            yield q
        finally:
            self._subscribers.discard(q)
