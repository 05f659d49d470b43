"""Turn a worker's raw output into the saved transcript, and keep the export files beside it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scribedesk.audio import safe_filename
from scribedesk.exports import ExportMeta, ExportOptions, render
from scribedesk.jobs.files import JobFiles, atomic_write
from scribedesk.jobs.model import Job
from scribedesk.transcript.cleanup import flag_hallucinations
from scribedesk.transcript.model import Transcript
from scribedesk.transcript.normalize import normalize

SAVED_FORMATS = ("json", "md", "docx")
"""Formats written next to transcript.json for people who look in the results folder."""


def build_transcript(
    job: Job, raw: object, *, hide_flagged: bool = True, model: str | None = None
) -> Transcript:
    """Normalize and flag; raises NormalizeError (a ValueError) on output nobody can read.

    With hide_flagged off (HIDE_FLAGGED=false) segments keep their flags but stay visible.
    """
    options = job.options
    source = {"engine": job.engine or "", "model": model or (options.model if options else "")}
    language = options.language if options else None
    t = normalize(raw, language=language, duration=job.duration, source=source)
    t = flag_hallucinations(t, audio_duration=job.duration)
    if not hide_flagged:
        t = t.model_copy(update={"segments": [s.model_copy(update={"hidden": False}) for s in t.segments]})
    return t


def worker_warnings(raw: object) -> list[str]:
    """What the worker skipped (e.g. "speakers skipped: …"), from its `warnings` list; [] if none."""
    data: Any = raw
    for _ in range(4):  # a JSON string, and RunPod's {"output": ...} envelope, at most a few deep
        if isinstance(data, bytes | bytearray | str):
            try:
                data = json.loads(data)
            except ValueError:
                return []
        if isinstance(data, dict) and "segments" not in data and "output" in data:
            data = data["output"]
    notes = data.get("warnings") if isinstance(data, dict) else None
    if not isinstance(notes, list):
        return []
    return [str(n)[:500] for n in notes if isinstance(n, str) and n.strip()][:5]


def export_meta(job: Job, t: Transcript) -> ExportMeta:
    return ExportMeta(
        filename=job.filename,
        created=job.created_at,
        engine=t.source.get("engine") or job.engine,
        model=t.source.get("model") or None,
    )


def export_stem(job: Job) -> str:
    return Path(safe_filename(job.filename, fallback=job.id)).stem or job.id


def write_exports(files: JobFiles, job: Job, t: Transcript) -> None:
    """Blocking (python-docx): call from a thread."""
    meta = export_meta(job, t)
    # A subfolder, so a recording named "raw.m4a" or "transcript.m4a" cannot overwrite our own files.
    folder = files.result_dir(job.id) / "exports"
    stem = export_stem(job)
    for fmt in SAVED_FORMATS:
        atomic_write(folder / f"{stem}.{fmt}", render(fmt, t, ExportOptions(), meta))
