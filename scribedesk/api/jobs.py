"""Routes for uploading, starting, following, cancelling, retrying and deleting jobs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import FileResponse

from scribedesk.api.deps import ServiceDep, SettingsDep
from scribedesk.api.receive import UploadRejected, receive_upload
from scribedesk.jobs.views import job_public
from scribedesk.options import TranscribeOptions

router = APIRouter()


@router.post("/api/upload", status_code=201)
async def upload(request: Request, jobs: ServiceDep, settings: SettingsDep) -> dict[str, Any]:
    job_id = jobs.new_id()
    try:
        got = await receive_upload(request, jobs.files.upload_dir(job_id), settings.max_upload_bytes)
    except UploadRejected as e:
        raise HTTPException(e.status, str(e)) from None
    job = await jobs.create_from_file(job_id, got.filename, got.stored_name, got.size)
    return job_public(job)


@router.get("/api/jobs")
async def list_jobs(jobs: ServiceDep) -> dict[str, Any]:
    return {"jobs": jobs.list()}


@router.get("/api/jobs/{job_id}")
async def get_job(job_id: str, jobs: ServiceDep) -> dict[str, Any]:
    return job_public(jobs.get(job_id))


@router.delete("/api/jobs/{job_id}", status_code=204)
async def delete_job(job_id: str, jobs: ServiceDep) -> Response:
    await jobs.delete(job_id)
    return Response(status_code=204)


@router.post("/api/transcribe/{job_id}", status_code=202)
async def transcribe(
    job_id: str, jobs: ServiceDep, options: TranscribeOptions | None = None
) -> dict[str, Any]:
    opts = options or TranscribeOptions()
    if opts.language is not None and not opts.language.strip():
        opts.language = None  # "" means detect
    return job_public(await jobs.start(job_id, opts))


@router.get("/api/status/{job_id}")
async def status(job_id: str, jobs: ServiceDep) -> dict[str, Any]:
    out = job_public(jobs.get(job_id))
    return {k: out[k] for k in ("job_id", "status", "progress", "step", "error")}


@router.post("/api/jobs/{job_id}/cancel")
async def cancel(job_id: str, jobs: ServiceDep) -> dict[str, Any]:
    return job_public(await jobs.cancel(job_id))


@router.post("/api/jobs/{job_id}/retry", status_code=202)
async def retry(job_id: str, jobs: ServiceDep) -> dict[str, Any]:
    return job_public(await jobs.retry(job_id))


AUDIO_HEADERS = {"Content-Security-Policy": "sandbox; default-src 'none'"}
"""An upload is data: even opened directly it runs nothing in the panel's origin (the security
middleware adds nosniff to every answer)."""


@router.get("/api/jobs/{job_id}/audio")
async def audio(job_id: str, jobs: ServiceDep) -> FileResponse:
    path, media_type, name = await jobs.audio_file(job_id)
    # FileResponse answers Range requests with 206, so the player can seek.
    return FileResponse(
        path, media_type=media_type, filename=name, content_disposition_type="inline", headers=AUDIO_HEADERS
    )
