"""Import for review: a recording plus a transcript another tool made (Whisper JSON, SRT, WebVTT).

The recording is uploaded as usual (/api/upload); the transcript is read, checked, and saved as the
job's raw output, and the job then goes through the same processing step as a transcribed one
(speech timeline, hallucination flags, exports), so review, edits and exports work the same way.
Nothing is paid for and no engine runs.
"""

from __future__ import annotations

import asyncio

from scribedesk.jobs import lifecycle
from scribedesk.jobs.lifecycle import Change
from scribedesk.jobs.model import Job, JobStatus
from scribedesk.jobs.service import BadRequest, Conflict, JobService
from scribedesk.options import TranscribeOptions
from scribedesk.transcript.normalize import NormalizeError, normalize
from scribedesk.transcript.subtitles import parse_transcript_text

MAX_TRANSCRIPT_BYTES = 20 * 1024 * 1024
"""A transcript file larger than this is not a transcript (an hour of WhisperX JSON is ~3 MB)."""
IMPORT_ENGINE = "import"


def read_transcript(data: bytes, filename: str, language: str | None) -> tuple[object, str | None]:
    """The file as data normalize() reads, and its language; BadRequest says what is wrong."""
    text = data.decode("utf-8-sig", errors="replace")
    try:
        raw = parse_transcript_text(text)
        t = normalize(raw, language=language)
    except NormalizeError as e:
        raise BadRequest(f"{filename!r} is not a transcript the panel can read: {e}") from None
    if not t.segments:
        raise BadRequest(f"{filename!r} has no text to review")
    return raw, language or t.language


async def import_transcript(
    jobs: JobService, job_id: str, data: bytes, filename: str, language: str | None = None
) -> Job:
    """Attach an existing transcript to an uploaded recording and process it like a finished run."""
    job = jobs.get(job_id)
    if job.status == JobStatus.UPLOADING:
        raise Conflict("the recording is still being copied to cloud storage; import when it is ready")
    if job.status != JobStatus.UPLOADED:
        raise Conflict(f"the job is {job.status.value}; a transcript can be imported only before a run")
    raw, lang = await asyncio.to_thread(read_transcript, data, filename, language)
    await asyncio.to_thread(jobs.files.write_raw, job.id, raw)
    fields = {"engine": IMPORT_ENGINE, "options": TranscribeOptions(language=lang, model=""), "error": None}
    job = jobs.tracker.apply(job, Change(JobStatus.QUEUED, f"Importing {filename}…", fields))
    job = jobs.tracker.apply(job, Change(JobStatus.PROCESSING, lifecycle.PROCESSING_STEP))
    jobs.runner.kick(job.id)
    return job
