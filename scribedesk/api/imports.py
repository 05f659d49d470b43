"""Route for importing an existing transcript (JSON, SRT, VTT) onto an uploaded recording."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from scribedesk.api.deps import ServiceDep
from scribedesk.jobs.importing import MAX_TRANSCRIPT_BYTES, import_transcript

router = APIRouter()


class ImportAccepted(BaseModel):
    """The job now processes the imported transcript; follow it like any job."""

    job_id: str
    status: str
    step: str | None


@router.post("/api/jobs/{job_id}/import", status_code=202, response_model=ImportAccepted)
async def import_route(
    job_id: str, request: Request, jobs: ServiceDep, filename: str = "transcript", language: str | None = None
) -> ImportAccepted:
    """The request body is the transcript file as is; `filename` names it in messages."""
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_TRANSCRIPT_BYTES:
            raise HTTPException(
                413, f"a transcript file is at most {MAX_TRANSCRIPT_BYTES // (1024 * 1024)} MB"
            )
    if not body:
        raise HTTPException(400, "send the transcript file as the request body")
    job = await import_transcript(jobs, job_id, bytes(body), filename[:200], (language or "").strip() or None)
    return ImportAccepted(job_id=job.id, status=job.status.value, step=job.step)
