"""A job's life in one place: its states, the moves allowed between them, and the words for each.

Pure: every function takes a job (and what happened) and returns a `Change` (the new status, the step
text, the fields to set) or raises `InvalidTransition` with a sentence for the user. Nothing here
saves or publishes; the tracker (jobs/tracker.py) applies a change. The runner and the service both
decide through these functions, so a guard or a status word is written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scribedesk.engines.base import EngineState, EngineStatus
from scribedesk.engines.catalog import FALLBACK_ENGINE, EngineTraits, traits
from scribedesk.jobs.model import Job, JobStatus, utcnow
from scribedesk.options import TranscribeOptions

S = JobStatus
ALLOWED: dict[JobStatus, frozenset[JobStatus]] = {
    S.UPLOADING: frozenset({S.UPLOADED, S.FAILED, S.CANCELLED}),
    S.UPLOADED: frozenset({S.QUEUED}),
    S.QUEUED: frozenset({S.TRANSCRIBING, S.PROCESSING, S.FAILED, S.CANCELLED}),
    S.TRANSCRIBING: frozenset({S.QUEUED, S.PROCESSING, S.FAILED, S.CANCELLED}),
    S.PROCESSING: frozenset({S.COMPLETED, S.FAILED}),
    S.COMPLETED: frozenset(),
    S.FAILED: frozenset({S.QUEUED, S.UPLOADING, S.PROCESSING}),
    S.CANCELLED: frozenset({S.QUEUED, S.UPLOADING}),
}
"""Moves between different states (staying in a state is an update, always allowed).
TRANSCRIBING -> QUEUED is RunPod requeueing a job or a fallback resubmit; QUEUED -> PROCESSING a
job that finished between two polls; FAILED -> PROCESSING a retry that re-reads the saved raw output
instead of paying for a new run."""

CANCELLABLE = frozenset({S.UPLOADING, S.QUEUED, S.TRANSCRIBING})
RETRYABLE = frozenset({S.FAILED, S.CANCELLED})
REMOTE_STATES = frozenset({S.QUEUED, S.TRANSCRIBING})
"""An engine holds the job: polling goes on, a remote job may need cancelling."""

STATUS_WORDS: dict[JobStatus, str] = {
    S.UPLOADING: "Uploading",
    S.UPLOADED: "Ready",
    S.QUEUED: "Queued",
    S.TRANSCRIBING: "Transcribing",
    S.PROCESSING: "Processing",
    S.COMPLETED: "Done",
    S.FAILED: "Failed",
    S.CANCELLED: "Cancelled",
}
"""One word a status, for badges."""

PROCESSING_STEP = "Processing results…"
READY_STEP = "Ready to transcribe"


class InvalidTransition(Exception):
    """A move the job's state does not allow; str(e) says why, for the user (HTTP 409)."""


@dataclass(frozen=True)
class Change:
    """What to do to a job: a new status (None keeps it), a new step text (None keeps it), fields."""

    status: JobStatus | None = None
    step: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)


def check_transition(old: JobStatus, new: JobStatus) -> None:
    if new != old and new not in ALLOWED[old]:
        raise InvalidTransition(f"a job cannot go from {old} to {new}")


# --- guards ---------------------------------------------------------------------------------------
def can_start(job: Job) -> bool:
    return job.status == S.UPLOADED


def can_cancel(job: Job) -> bool:
    return job.status in CANCELLABLE


def can_retry(job: Job) -> bool:
    return job.status in RETRYABLE


# --- what the user asks ---------------------------------------------------------------------------
def created(uses_storage: bool) -> dict[str, Any]:
    """A new row's first state: it waits for the push to object storage, or is ready at once."""
    if uses_storage:
        return {"status": S.UPLOADING, "step": "Waiting to upload to cloud…", "progress": 0}
    return {"status": S.UPLOADED, "step": READY_STEP, "progress": 100}


def start(job: Job, engine: str, options: TranscribeOptions) -> Change:
    if job.status == S.UPLOADING:
        raise InvalidTransition("the upload to object storage has not finished yet")
    if not can_start(job):
        raise InvalidTransition(f"the job is {job.status.value}; only an uploaded job can be started")
    return Change(S.QUEUED, "Submitting…", _submitting(engine) | {"options": options})


def cancel(job: Job, note: str = "") -> Change:
    if not can_cancel(job):
        raise InvalidTransition(f"the job is {job.status.value}; nothing to cancel")
    return Change(S.CANCELLED, "Cancelled" + note, {"finished_at": utcnow(), "progress": 0})


def retry(job: Job, *, raw_saved: bool, engine: str) -> Change:
    """Upload again, re-read a saved output (no second paid run), or submit again, in that order."""
    if not can_retry(job):
        raise InvalidTransition(
            f"the job is {job.status.value}; only a failed or cancelled job can be retried"
        )
    again: dict[str, Any] = {"error": None, "finished_at": None, "progress": 0}
    if job.storage_key and not job.uploaded_to_storage:
        return Change(S.UPLOADING, _upload_step(0), again)
    if job.status == S.FAILED and raw_saved:
        return Change(S.PROCESSING, PROCESSING_STEP, again)
    if job.options is not None:
        return Change(S.QUEUED, "Submitting…", again | _submitting(engine))
    raise InvalidTransition("this job was never started; press Start instead")


def _submitting(engine: str) -> dict[str, Any]:
    return {"engine": engine, "remote_id": None, "error": None, "progress": 0}


# --- the push to object storage -------------------------------------------------------------------
def upload_begun() -> Change:
    return Change(None, _upload_step(0), {"progress": 0, "error": None})


def upload_progress(job: Job, pct: float) -> Change | None:
    """None once the job has left UPLOADING (a late progress report after a cancel)."""
    if job.status != S.UPLOADING:
        return None
    return Change(None, _upload_step(pct), {"progress": pct})


def uploaded(job: Job, *, to_storage: bool) -> Change | None:
    if job.status != S.UPLOADING:
        return None
    fields: dict[str, Any] = {"progress": 100}
    if to_storage:
        fields["uploaded_to_storage"] = True
    return Change(S.UPLOADED, READY_STEP, fields)


def _upload_step(pct: float) -> str:
    return f"Uploading to cloud… {pct:.0f}%"


# --- the engine's side ----------------------------------------------------------------------------
def submitted(engine: EngineTraits, handle: str) -> Change:
    fields = {"engine": engine.name, "remote_id": handle, "submitted_at": utcnow(), "progress": 0}
    return Change(S.QUEUED, engine.queued_step, fields | {"error": None})


def on_engine_status(job: Job, st: EngineStatus, engine: EngineTraits) -> Change | None:
    """What one poll answer means; None when the job has moved on meanwhile (cancelled, deleted).

    For COMPLETED the caller saves the output first: it is the only copy (RunPod forgets it)."""
    if job.status not in REMOTE_STATES:
        return None
    times = _timings(st)
    if st.state == EngineState.QUEUED:
        return Change(S.QUEUED, st.step or engine.queued_step, times)
    if st.state == EngineState.RUNNING:
        pct = round(100 * st.progress, 1) if st.progress is not None else job.progress
        return Change(S.TRANSCRIBING, st.step or running_step(engine, st.progress), {"progress": pct})
    if st.state == EngineState.COMPLETED:
        return Change(S.PROCESSING, PROCESSING_STEP, {"progress": 100} | times)
    if st.state == EngineState.CANCELLED:
        return Change(S.CANCELLED, "Cancelled", {"finished_at": utcnow()} | times)
    failed = on_failure(st.error or "The transcription failed without a message.")
    return Change(failed.status, failed.step, failed.fields | times)


def lost_locally(engine: EngineTraits) -> Change:
    """A job of an engine that does not survive a restart: submit it again."""
    return Change(S.QUEUED, engine.queued_step, {"remote_id": None})


def not_answering(engine: EngineTraits, problem: str, delay: float) -> Change:
    return Change(None, f"{engine.title} not answering ({problem}); retrying in {delay:.0f} s…")


def unreachable_for(engine: EngineTraits, seconds: float, problem: str) -> Change:
    return on_failure(f"{engine.title} unreachable for {seconds:.0f} s: {problem}")


def fall_back(engine: EngineTraits, problem: str) -> Change:
    message = f"{engine.title} unreachable ({problem}); transcribing on this computer instead"
    fields = {"engine": FALLBACK_ENGINE, "remote_id": None, "fallback_reason": message, "progress": 0}
    return Change(S.QUEUED, message, fields)


def on_output(cost_usd: float | None, warnings: list[str] | None = None) -> Change:
    """The transcript and its exports are saved: the job is done (with what the worker skipped)."""
    fields = {"progress": 100, "error": None, "finished_at": utcnow(), "cost_usd": cost_usd}
    return Change(S.COMPLETED, "Done — " + "; ".join(warnings) if warnings else "Done", fields)


def on_failure(message: str) -> Change:
    return Change(S.FAILED, "Failed", {"error": message, "finished_at": utcnow()})


def running_step(engine: EngineTraits, progress: float | None) -> str:
    text = engine.running_step
    if progress is not None:
        text += f" {100 * progress:.0f}%"
    return text


def _timings(st: EngineStatus) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if st.delay_time_ms is not None:
        out["delay_time_ms"] = st.delay_time_ms
    if st.execution_time_ms is not None:
        out["execution_time_ms"] = st.execution_time_ms
    return out


# --- words for the page ---------------------------------------------------------------------------
def status_label(job: Job) -> str:
    """The status line in words (the page shows it; the server's `step` adds detail under it)."""
    engine = traits(job.engine)
    pct = f"{max(0.0, min(100.0, job.progress)):.0f}%"
    match job.status:
        case S.UPLOADING:
            return _upload_step(job.progress)
        case S.UPLOADED:
            return READY_STEP
        case S.QUEUED:
            return engine.queued_step if engine else "Queued…"
        case S.TRANSCRIBING:
            text = engine.running_step if engine else "Transcribing…"
            return f"{text} {pct}" if job.progress > 0 else text
        case S.PROCESSING:
            return PROCESSING_STEP
        case S.COMPLETED:
            return "Done ✓"
    return STATUS_WORDS[job.status]
