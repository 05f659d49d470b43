"""Run an ASGI app on a real uvicorn server on 127.0.0.1 in a background thread, for tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # a thread cannot own signals
        pass


@contextmanager
def serve(app: Any, port: int | None = None, **config: Any) -> Iterator[str]:
    """Serve `app` until the block ends; yields its base URL, e.g. http://127.0.0.1:53211."""
    port = port or free_port()
    cfg = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **config)
    server = _Server(cfg)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
