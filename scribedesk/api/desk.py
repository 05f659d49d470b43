"""Routes the review desk needs beyond the job basics: estimates before a start, a retry with
changed options, and browser uploads in pieces that survive a reload (see jobs/partial.py)."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field

from scribedesk.api.deps import ServiceDep, SettingsDep
from scribedesk.config import Settings
from scribedesk.jobs.estimates import estimate
from scribedesk.jobs.model import JobStatus
from scribedesk.jobs.partial import PartialError, PartialUpload, PartialUploads
from scribedesk.jobs.views import job_public
from scribedesk.options import TranscribeOptions

router = APIRouter()


class EstimateOut(BaseModel):
    engine: str
    seconds: float = Field(description="Expected time from Start to Done")
    queue_seconds: float = Field(description="Expected wait for a GPU")
    run_seconds: float = Field(description="Expected transcription time once running")
    cost_usd: float | None = Field(description="Expected cost; 0 on this computer; null when unknown")
    basis: Literal["history", "typical"]
    runs: int = Field(description="Finished jobs on this panel the figures come from")


class UploadOut(BaseModel):
    upload_id: str
    filename: str
    size: int
    fingerprint: str
    received: int


class UploadIn(BaseModel):
    filename: str = Field(min_length=1, max_length=1000)
    size: int = Field(gt=0)
    fingerprint: str = Field(min_length=1, max_length=2000)


@router.get("/api/jobs/{job_id}/estimate")
async def job_estimate(job_id: str, jobs: ServiceDep, settings: SettingsDep) -> EstimateOut:
    job = jobs.get(job_id)
    engine = job.engine if job.status != JobStatus.UPLOADED and job.engine else settings.active_engine
    history = await asyncio.to_thread(jobs.store.list)
    e = estimate(job.duration or 0.0, engine, history, settings.gpu_price_per_hour)
    return EstimateOut(
        engine=e.engine,
        seconds=round(e.seconds, 1),
        queue_seconds=round(e.queue_seconds, 1),
        run_seconds=round(e.run_seconds, 1),
        cost_usd=e.cost_usd,
        basis=e.basis,
        runs=e.runs,
    )


@router.post("/api/jobs/{job_id}/retry-with", status_code=202)
async def retry_with(job_id: str, jobs: ServiceDep, options: TranscribeOptions) -> dict[str, Any]:
    """Retry a failed job with changed options (a smaller model or batch size after running out
    of GPU memory). Only the fields sent change; a saved raw output is not re-read."""
    job = jobs.get(job_id)
    if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED) or job.options is None:
        return job_public(await jobs.retry(job_id))  # the service gives the refusal its words
    merged = {**job.options.model_dump(), **options.model_dump(exclude_unset=True)}
    job.options = TranscribeOptions.model_validate(merged)
    jobs.store.save(job)
    return job_public(await jobs.retry(job_id))


def _partials(settings: Settings) -> PartialUploads:
    return PartialUploads(settings.upload_dir, settings.max_upload_bytes)


def _out(upload: PartialUpload) -> UploadOut:
    return UploadOut(**upload.__dict__)


def _refused(e: PartialError) -> HTTPException:
    status = 404 if str(e) == "unknown upload" else 409 if "bytes" in str(e) else 400
    return HTTPException(status, str(e))


@router.post("/api/uploads", status_code=201)
async def open_upload(body: UploadIn, settings: SettingsDep) -> UploadOut:
    """Start an upload in pieces, or find the unfinished one of the same file."""
    try:
        upload = await asyncio.to_thread(_partials(settings).open, body.filename, body.size, body.fingerprint)
    except PartialError as e:
        raise _refused(e) from None
    return _out(upload)


@router.get("/api/uploads/{upload_id}")
async def upload_state(upload_id: str, settings: SettingsDep) -> UploadOut:
    try:
        return _out(await asyncio.to_thread(_partials(settings).get, upload_id))
    except PartialError as e:
        raise _refused(e) from None


@router.put("/api/uploads/{upload_id}")
async def upload_piece(upload_id: str, offset: int, request: Request, settings: SettingsDep) -> UploadOut:
    """Append the request body at `offset` (which must be where the received part ends)."""
    partials = _partials(settings)
    try:
        upload, out = await asyncio.to_thread(partials.writer, upload_id, offset)
    except PartialError as e:
        raise _refused(e) from None
    written = 0
    try:
        async for chunk in request.stream():
            written += len(chunk)
            if offset + written > upload.size:
                raise HTTPException(400, "more data than the file's size")
            await asyncio.to_thread(out.write, chunk)
    finally:
        out.close()
    return _out(await asyncio.to_thread(partials.get, upload_id))


@router.post("/api/uploads/{upload_id}/finish", status_code=201)
async def finish_upload(upload_id: str, jobs: ServiceDep, settings: SettingsDep) -> dict[str, Any]:
    """The whole file is here: it becomes a job (checked to be audio, as /api/upload does)."""
    job_id = jobs.new_id()
    try:
        upload, stored = await asyncio.to_thread(
            _partials(settings).finish, upload_id, jobs.files.upload_dir(job_id)
        )
    except PartialError as e:
        raise _refused(e) from None
    job = await jobs.create_from_file(job_id, upload.filename, stored, upload.size)
    return job_public(job)


@router.delete("/api/uploads/{upload_id}", status_code=204)
async def cancel_upload(upload_id: str, settings: SettingsDep) -> Response:
    try:
        await asyncio.to_thread(_partials(settings).remove, upload_id)
    except PartialError as e:
        raise _refused(e) from None
    return Response(status_code=204)
