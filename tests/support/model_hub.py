"""A stand-in for the model hub on 127.0.0.1: the real tiny.en files at /<repo>/resolve/main/<file>,
with HEAD sizes and HTTP Range, and a gate that can hold a download after its first chunk."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from fastapi.responses import Response, StreamingResponse

from tests.support.models import TINY_EN
from tests.support.servers import serve

REPO = "Systran/faster-whisper-tiny.en"


@dataclass
class Hub:
    url: str = ""
    ranges: list[str | None] = field(default_factory=list)
    """The Range header of every GET, in order."""
    gate: threading.Event | None = None
    """When set to an unset Event, each GET sends one chunk and waits for the event."""


def _hub_app(hub: Hub) -> FastAPI:
    app = FastAPI()

    @app.api_route("/{owner}/{name}/resolve/main/{filename}", methods=["GET", "HEAD"])
    async def resolve(owner: str, name: str, filename: str, request: Request) -> Response:
        path = TINY_EN / filename
        if f"{owner}/{name}" != REPO or not path.is_file():
            return Response("Entry not found", status_code=404)
        size = path.stat().st_size
        if request.method == "HEAD":
            return Response(headers={"content-length": str(size)})
        hub.ranges.append(request.headers.get("range"))
        start = (
            int(request.headers["range"].removeprefix("bytes=").split("-")[0])
            if "range" in request.headers
            else 0
        )

        def chunks() -> Iterator[bytes]:
            with path.open("rb") as f:
                f.seek(start)
                while block := f.read(256 * 1024):
                    yield block
                    if hub.gate is not None:
                        hub.gate.wait(60)

        headers = {"content-length": str(size - start)}
        if start:
            headers["content-range"] = f"bytes {start}-{size - 1}/{size}"
        return StreamingResponse(chunks(), status_code=206 if start else 200, headers=headers)

    return app


@contextmanager
def run_hub() -> Iterator[Hub]:
    """Serve the stand-in hub until the block ends; `hub.url` is the value for MODEL_HUB_URL."""
    state = Hub()
    with serve(_hub_app(state)) as url:
        state.url = url
        yield state
