"""HTTP door to the worker core, for a plain GPU box: submit, poll, cancel, health.

Run with `uvicorn worker.app:app --host 0.0.0.0 --port 9000` from the folder holding `worker/`.
When WORKER_API_KEY is set every route but /health needs the `X-API-Key` header.
"""

from __future__ import annotations

import asyncio
import hmac
import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Form, Header, HTTPException, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from worker import core
from worker.jobs import JobQueue


class Options(BaseModel):
    """Transcription options, as JSON fields or as form fields next to an upload."""

    model_config = ConfigDict(extra="ignore")

    language: str | None = None
    diarize: bool = False
    align: bool = True
    batch_size: int = Field(default=16, ge=1, le=64)
    model: str | None = None
    min_speakers: int | None = Field(default=None, ge=1, le=20)
    max_speakers: int | None = Field(default=None, ge=1, le=20)
    initial_prompt: str | None = Field(default=None, max_length=2000)

    def as_kwargs(self) -> dict[str, Any]:
        values = self.model_dump()
        values["language"] = values["language"] or None  # a form sends "" for "detect"
        return values


class UrlRequest(Options):
    model_config = ConfigDict(extra="forbid")

    audio_url: str = Field(min_length=1)
    """An http(s) URL (presigned), a /runpod-volume path, or base64."""


def _safe_suffix(filename: str | None) -> str:
    suffix = Path(filename or "").suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ".audio"


def _save_upload(file: UploadFile, folder: Path) -> Path:
    """Copy the (already spooled) upload to our own folder in chunks; the name is ours, not the client's."""
    folder.mkdir(parents=True, exist_ok=True)
    target = Path(tempfile.mkdtemp(dir=folder)) / f"audio{_safe_suffix(file.filename)}"
    with target.open("wb") as out:
        shutil.copyfileobj(file.file, out, 1 << 20)
    return target


def create_app(api_key: str | None = None, upload_dir: Path | None = None) -> FastAPI:
    """The worker app; `api_key` None means no key is required."""
    jobs = JobQueue()
    folder = upload_dir or Path(tempfile.gettempdir()) / "scribedesk-worker-uploads"

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        jobs.start()
        try:
            yield
        finally:
            await asyncio.to_thread(jobs.stop)

    def check_key(x_api_key: Annotated[str | None, Header()] = None) -> None:
        if api_key and not (x_api_key and hmac.compare_digest(x_api_key.encode(), api_key.encode())):
            raise HTTPException(401, "missing or wrong X-API-Key")

    app = FastAPI(title="Scribedesk GPU worker", lifespan=lifespan)
    auth = [Depends(check_key)]

    def known(job_id: str) -> dict[str, Any]:
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, "job not found (finished too long ago, or the worker restarted)")
        return job.public()

    @app.get("/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", **jobs.health(), **core.info()}

    @app.post("/transcribe", status_code=202, dependencies=auth)
    async def transcribe_url(request: UrlRequest) -> dict[str, Any]:
        options = request.as_kwargs()
        audio = options.pop("audio_url")
        return jobs.submit(audio=audio, upload=None, options=options).public()

    @app.post("/transcribe/upload", status_code=202, dependencies=auth)
    async def transcribe_upload(file: UploadFile, options: Annotated[Options, Form()]) -> dict[str, Any]:
        path = await asyncio.to_thread(_save_upload, file, folder)
        if path.stat().st_size == 0:
            shutil.rmtree(path.parent, ignore_errors=True)
            raise HTTPException(400, "the uploaded file is empty")
        return jobs.submit(audio=None, upload=path, options=options.as_kwargs()).public()

    @app.get("/jobs/{job_id}", dependencies=auth)
    async def job_status(job_id: str) -> dict[str, Any]:
        return known(job_id)

    @app.post("/jobs/{job_id}/cancel", dependencies=auth)
    async def cancel(job_id: str) -> dict[str, Any]:
        jobs.cancel(job_id)
        return known(job_id)

    return app


app = create_app(os.environ.get("WORKER_API_KEY") or None)
