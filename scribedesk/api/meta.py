"""/health and /api/config: what the panel runs on, and the defaults the page starts from."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request

from scribedesk import __version__
from scribedesk.api.deps import ServiceDep, SettingsDep
from scribedesk.diarize.encoder import available as diarizer_available
from scribedesk.exports import EXPORTERS
from scribedesk.redact import redact

router = APIRouter()

LANGUAGES = [
    ("ru", "Russian"), ("en", "English"), ("uk", "Ukrainian"), ("de", "German"), ("fr", "French"),
    ("es", "Spanish"), ("it", "Italian"), ("pt", "Portuguese"), ("pl", "Polish"), ("tr", "Turkish"),
    ("kk", "Kazakh"), ("be", "Belarusian"), ("nl", "Dutch"), ("zh", "Chinese"), ("ja", "Japanese"),
    ("ko", "Korean"), ("ar", "Arabic"), ("he", "Hebrew"),
]  # fmt: skip
MODELS = ["large-v3", "large-v2", "large-v3-turbo", "medium", "small", "base", "tiny"]
FORMAT_LABELS = {
    "docx": "Word (DOCX)", "md": "Markdown", "txt": "Plain text", "srt": "Subtitles (SRT)",
    "vtt": "Subtitles (VTT)", "json": "JSON (data)",
}  # fmt: skip


@router.get("/api/config")
async def config(settings: SettingsDep) -> dict[str, Any]:
    engine = settings.active_engine
    return {
        "default_language": settings.default_language,
        "languages": [{"code": c, "name": n} for c, n in LANGUAGES],
        "default_model": settings.default_model,
        "models": MODELS if engine != "local" else [settings.local_model],
        "engine": engine,
        "diarization_available": engine != "local" or diarizer_available(),
        "export_formats": [
            {"name": name, "label": FORMAT_LABELS.get(name, name.upper()), "extension": e.extension}
            for name, e in sorted(EXPORTERS.items(), key=lambda kv: list(FORMAT_LABELS).index(kv[0]))
        ],
        "max_upload_mb": settings.max_upload_mb,
        "hide_flagged": settings.hide_flagged,
    }


@router.get("/health")
async def health(
    request: Request, settings: SettingsDep, jobs: ServiceDep, checks: bool = False
) -> dict[str, Any]:
    runner = jobs.runner
    engine = settings.active_engine
    out: dict[str, Any] = {
        "status": "ok",
        "version": __version__,
        "engine": engine,
        "fallback_to_local": settings.fallback_to_local,
        "storage": {"configured": runner.storage is not None},
        "runpod": {"configured": settings.runpod_configured},
        "active_jobs": sum(1 for j in jobs.list() if j["can_cancel"]),
    }
    if runner.storage is not None:
        out["storage"].update(await asyncio.to_thread(runner.storage.check))
    try:
        out[engine] = {**out.get(engine, {}), **await asyncio.wait_for(runner.engine(engine).health(), 10)}
    except Exception as e:
        error = redact(str(e) or type(e).__name__, settings.secret_values())
        out[engine] = {**out.get(engine, {}), "reachable": False, "error": error}
    if checks:  # ?checks=true: the doctor's checks, one sentence each (scribedesk/doctor)
        from scribedesk.doctor import run_checks

        out["checks"] = (await run_checks(settings)).model_dump()
    return out
