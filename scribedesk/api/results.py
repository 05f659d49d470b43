"""Routes for the finished transcript: read it, fix it, undo, download it."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Body, Response

from scribedesk.api.deps import ServiceDep, SettingsDep
from scribedesk.api.voices import remember_named
from scribedesk.exports import ExportOptions

router = APIRouter()


@router.get("/api/results/{job_id}")
async def result(job_id: str, jobs: ServiceDep) -> dict[str, Any]:
    return await jobs.result(job_id)


@router.put("/api/jobs/{job_id}/speakers")
async def rename_speakers(
    job_id: str, jobs: ServiceDep, settings: SettingsDep, names: Annotated[dict[str, str], Body()]
) -> dict[str, Any]:
    result = await jobs.rename_speakers(job_id, names)
    await remember_named(job_id, jobs, settings)  # voice memory: keep the named voices' prints
    return result


@router.post("/api/jobs/{job_id}/edits")
async def edit(
    job_id: str, jobs: ServiceDep, settings: SettingsDep, op: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    result = await jobs.edit(job_id, op)
    if op.get("op") in ("rename", "merge_speakers"):
        await remember_named(job_id, jobs, settings)  # voice memory: keep the named voices' prints
    return result


@router.post("/api/jobs/{job_id}/undo")
async def undo(job_id: str, jobs: ServiceDep) -> dict[str, Any]:
    return await jobs.undo(job_id)


@router.get("/api/jobs/{job_id}/export/{fmt}")
async def export(
    job_id: str,
    fmt: str,
    jobs: ServiceDep,
    timestamps: bool = True,
    speakers: bool = True,
    include_flagged: bool = False,
) -> Response:
    options = ExportOptions(timestamps=timestamps, speakers=speakers, include_flagged=include_flagged)
    data, media_type, name = await jobs.export(job_id, fmt, options)
    return Response(data, media_type=media_type, headers={"Content-Disposition": attachment(name)})


def attachment(name: str) -> str:
    """An ASCII fallback plus the UTF-8 name per RFC 5987/6266 (Cyrillic names survive)."""
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    ascii_name = ascii_name.replace("\\", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
