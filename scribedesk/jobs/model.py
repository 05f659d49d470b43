"""Job, JobStatus and the transitions a job may take."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from scribedesk.jobs.hints import failure_hint


class JobStatus(StrEnum):
    UPLOADING = "uploading"
    UPLOADED = "uploaded"
    QUEUED = "queued"
    TRANSCRIBING = "transcribing"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def terminal(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


S = JobStatus
_ENDS = {S.FAILED, S.CANCELLED}
ALLOWED: dict[JobStatus, set[JobStatus]] = {
    S.UPLOADING: {S.UPLOADED} | _ENDS,
    S.UPLOADED: {S.QUEUED} | _ENDS,
    S.QUEUED: {S.TRANSCRIBING, S.PROCESSING, S.QUEUED} | _ENDS,
    S.TRANSCRIBING: {S.PROCESSING, S.QUEUED, S.TRANSCRIBING} | _ENDS,
    S.PROCESSING: {S.COMPLETED} | _ENDS,
    S.COMPLETED: {S.QUEUED},
    S.FAILED: {S.QUEUED, S.UPLOADING, S.PROCESSING},
    S.CANCELLED: {S.QUEUED, S.UPLOADING},
}
"""QUEUED/TRANSCRIBING -> QUEUED covers RunPod requeueing a job and a local fallback resubmit;
FAILED -> PROCESSING is a retry that re-reads a saved raw output instead of paying for a new run."""


class InvalidTransition(Exception):
    pass


def check_transition(old: JobStatus, new: JobStatus) -> None:
    if new not in ALLOWED[old]:
        raise InvalidTransition(f"a job cannot go from {old} to {new}")


JOB_ID_RE = re.compile(r"^[a-z0-9]{12}$")


def new_job_id() -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def is_job_id(value: str) -> bool:
    return bool(JOB_ID_RE.fullmatch(value))


def utcnow() -> datetime:
    return datetime.now(UTC)


class Job(BaseModel):
    """One row of the job table."""

    id: str
    filename: str
    """The original name as dropped (display only; never a path)."""
    stored_name: str
    """Sanitized file name under uploads/<id>/."""
    size: int
    duration: float | None = None
    status: JobStatus = JobStatus.UPLOADING
    progress: float = 0.0
    step: str = ""
    error: str | None = None
    engine: str | None = None
    """The engine that ran (or runs) the job: runpod, worker or local."""
    remote_id: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    storage_key: str | None = None
    uploaded_to_storage: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = None
    finished_at: datetime | None = None
    delay_time_ms: int | None = None
    execution_time_ms: int | None = None
    cost_usd: float | None = None
    fallback_reason: str | None = None
    """Why a remote job was re-run locally, when it was."""


def job_public(job: Job) -> dict[str, Any]:
    """The JobOut shape of docs/api.md: what the browser and tools see (no storage key, no secrets)."""
    st = job.status
    return {
        "job_id": job.id,
        "filename": job.filename,
        "size": job.size,
        "duration": job.duration,
        "status": st.value,
        "progress": round(job.progress, 1),
        "step": job.step,
        "error": job.error,
        "engine": job.engine,
        "options": job.options,
        "created_at": job.created_at.isoformat(),
        "updated_at": job.updated_at.isoformat(),
        "submitted_at": job.submitted_at.isoformat() if job.submitted_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "delay_time_ms": job.delay_time_ms,
        "execution_time_ms": job.execution_time_ms,
        "cost_usd": job.cost_usd,
        "fallback_reason": job.fallback_reason,
        "can_start": st == S.UPLOADED,
        "can_cancel": st in (S.UPLOADING, S.QUEUED, S.TRANSCRIBING),
        "can_retry": st in (S.FAILED, S.CANCELLED),
        "has_result": st == S.COMPLETED,
        "hint": hint.public() if st == S.FAILED and (hint := failure_hint(job.error)) else None,
    }
