"""Run the real panel (create_app) on uvicorn on 127.0.0.1 for integration and browser tests."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from scribedesk.app import create_app
from scribedesk.config import Settings
from tests.support.servers import serve

TERMINAL = {"completed", "failed", "cancelled"}


@dataclass
class Panel:
    url: str
    settings: Settings
    client: httpx.Client
    app: Any

    def upload(self, path: Path, name: str | None = None) -> httpx.Response:
        with path.open("rb") as f:
            return self.client.post("/api/upload", files={"file": (name or path.name, f)})

    def wait_for(self, job_id: str, statuses: set[str], timeout: float = 120) -> dict[str, Any]:
        """Poll until the job reaches one of `statuses` (a safety net, not a speed assertion)."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.client.get(f"/api/jobs/{job_id}").json()
            if job["status"] in statuses:
                return job
            if job["status"] in TERMINAL or time.monotonic() > deadline:
                raise AssertionError(f"job {job_id} stopped at {job['status']}: {job}")
            time.sleep(0.05)


def panel_settings(root: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "upload_dir": root / "uploads",
        "results_dir": root / "results",
        "runpod_poll_interval": 0.05,
        "engine": "local",
        "fallback_to_local": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@contextmanager
def run_panel(root: Path, engine_factory: Any = None, **overrides: Any) -> Iterator[Panel]:
    """Serve the panel with its data under `root`; run it again on the same root to 'restart' it."""
    settings = panel_settings(root, **overrides)
    app = create_app(settings, engine_factory=engine_factory)
    with serve(app, timeout_graceful_shutdown=1) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield Panel(url=url, settings=settings, client=client, app=app)
