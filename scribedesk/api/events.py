"""Server-Sent Events: one `job` event per job change, so the page needs no polling."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from scribedesk.api.deps import ServiceDep

router = APIRouter()
PING_SECONDS = 15.0


def _frame(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.get("/api/events")
async def events(request: Request, jobs: ServiceDep) -> StreamingResponse:
    async def stream() -> AsyncIterator[str]:
        async with jobs.subscribe() as queue:
            yield "retry: 2000\n\n"
            for job in jobs.list():
                yield _frame("job", job)
            while not await request.is_disconnected():
                try:
                    item = await asyncio.wait_for(queue.get(), PING_SECONDS)
                except TimeoutError:
                    yield ": ping\n\n"
                    continue
                if item is None:  # the server is shutting down
                    return
                yield _frame(*item)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)
