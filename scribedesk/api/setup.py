"""The desk's "Check settings" and first-run model download: /api/doctor and /api/local-model.

/api/doctor runs the same checks as `scribedesk doctor` (never the paid test job). /api/local-model says
where the local model is stored and how large it is, and starts, follows or cancels its download; the
download runs on a thread and continues a partial one (engines/models.py).
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from fastapi import APIRouter, Request
from pydantic import BaseModel

from scribedesk.api.deps import SettingsDep
from scribedesk.doctor import Report, run_checks
from scribedesk.engines import models

router = APIRouter()


class LocalModelInfo(BaseModel):
    name: str
    path: str
    ready: bool
    size_bytes: int
    expected_mb: int | None
    downloading: bool
    done_bytes: int
    total_bytes: int | None
    error: str | None
    used: bool
    """True when the local engine is the active one (or the fallback)."""


@router.get("/api/doctor")
async def doctor(settings: SettingsDep) -> Report:
    return await run_checks(settings)


@router.get("/api/local-model")
async def local_model(settings: SettingsDep) -> LocalModelInfo:
    return _info(settings)


@router.post("/api/local-model/download")
async def download(request: Request, settings: SettingsDep) -> LocalModelInfo:
    running: dict[Path, threading.Event] = _downloads(request)
    folder = models.target_dir(settings, settings.local_model)
    status = models.model_status(settings)
    if not status.ready and not status.downloading and folder not in running:
        stop = threading.Event()
        running[folder] = stop
        started = threading.Event()

        def work() -> None:
            try:
                models.ensure_model(settings, lambda done, total: started.set(), stop)
            except (models.DownloadCancelled, models.DownloadFailed):
                pass  # the status table keeps the error for the desk
            finally:
                started.set()
                running.pop(folder, None)

        threading.Thread(target=work, name="model-download", daemon=True).start()
        await asyncio.to_thread(started.wait, 30)  # until the sizes are known (or it failed)
    return _info(settings)


@router.post("/api/local-model/cancel")
async def cancel(request: Request, settings: SettingsDep) -> LocalModelInfo:
    stop = _downloads(request).get(models.target_dir(settings, settings.local_model))
    if stop is not None:
        stop.set()
    return _info(settings)


def _downloads(request: Request) -> dict[Path, threading.Event]:
    if not hasattr(request.app.state, "model_downloads"):
        request.app.state.model_downloads = {}
    found: dict[Path, threading.Event] = request.app.state.model_downloads
    return found


def _info(settings: SettingsDep) -> LocalModelInfo:
    s = models.model_status(settings)
    used = settings.active_engine == "local" or settings.fallback_to_local
    fields = {k: v for k, v in vars(s).items() if k != "path"}
    return LocalModelInfo(**fields, path=str(s.path), used=used)
