"""Job and JobStatus: one row of the job table. The transitions live in jobs/lifecycle.py."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator

from scribedesk.options import TranscribeOptions


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
    media_type: str | None = None
    """The probed container's media type: the only type the upload is ever served as."""
    status: JobStatus = JobStatus.UPLOADING
    progress: float = 0.0
    step: str = ""
    error: str | None = None
    engine: str | None = None
    """The engine that ran (or runs) the job: runpod, worker or local."""
    remote_id: str | None = None
    options: TranscribeOptions | None = None
    """What the user asked for when starting the job (None until it is started)."""
    storage_key: str | None = None
    uploaded_to_storage: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitting_since: datetime | None = None
    """Set before a submit goes out, cleared when its id is saved: set with no id = outcome unknown."""
    submitted_at: datetime | None = None
    finished_at: datetime | None = None
    delay_time_ms: int | None = None
    execution_time_ms: int | None = None
    cost_usd: float | None = None
    fallback_reason: str | None = None
    """Why a remote job was re-run locally, when it was."""

    @field_validator("options", mode="before")
    @classmethod
    def _never_started(cls, value: object) -> object:
        """Rows written before options were typed keep `{}` for a job never started."""
        return None if value == {} else value
