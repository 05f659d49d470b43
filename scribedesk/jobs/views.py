"""What the browser and tools see of a job (no storage key, no secrets): the JobOut shape."""

from __future__ import annotations

from typing import Any

from scribedesk.jobs import lifecycle
from scribedesk.jobs.hints import failure_hint
from scribedesk.jobs.model import Job


def job_public(job: Job) -> dict[str, Any]:
    """The JobOut shape of docs/api.md."""
    return {
        "job_id": job.id,
        "filename": job.filename,
        "size": job.size,
        "duration": job.duration,
        "status": job.status.value,
        "status_label": lifecycle.status_label(job),
        "status_word": lifecycle.STATUS_WORDS[job.status],
        "progress": round(job.progress, 1),
        "step": job.step,
        "error": job.error,
        "engine": job.engine,
        "options": job.options.model_dump() if job.options is not None else {},
        "created_at": job.created_at.isoformat(),
        "updated_at": job.updated_at.isoformat(),
        "submitted_at": job.submitted_at.isoformat() if job.submitted_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "delay_time_ms": job.delay_time_ms,
        "execution_time_ms": job.execution_time_ms,
        "cost_usd": job.cost_usd,
        "fallback_reason": job.fallback_reason,
        "can_start": lifecycle.can_start(job),
        "can_cancel": lifecycle.can_cancel(job),
        "can_retry": lifecycle.can_retry(job),
        "has_result": job.status == lifecycle.S.COMPLETED,
        "hint": _hint(job),
    }


def _hint(job: Job) -> dict[str, str] | None:
    """What a failed job's error means for the user and what to do (jobs/hints.py)."""
    hint = failure_hint(job.error) if job.status == lifecycle.S.FAILED else None
    return hint.public() if hint else None
