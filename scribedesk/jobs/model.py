"""Job, JobStatus and the transitions a job may take."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


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
    S.FAILED: {S.QUEUED, S.UPLOADING},
    S.CANCELLED: {S.QUEUED, S.UPLOADING},
}
"""QUEUED/TRANSCRIBING -> QUEUED covers RunPod requeueing a job and a local fallback resubmit."""


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
