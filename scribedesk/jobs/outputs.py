"""Turn a worker's raw output into the saved transcript, and keep the export files beside it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scribedesk.audio import safe_filename
from scribedesk.exports import ExportMeta, ExportOptions, render
from scribedesk.jobs.files import JobFiles, atomic_write
from scribedesk.jobs.model import Job
from scribedesk.transcript.cleanup import flag_hallucinations
from scribedesk.transcript.model import Transcript
from scribedesk.transcript.normalize import normalize
from scribedesk.transcript.sanitize import clean_line, clean_transcript

SAVED_FORMATS = ("json", "md", "docx")
"""Formats written next to transcript.json for people who look in the results folder."""


def build_transcript(
    job: Job,
    raw: object,
    *,
    hide_flagged: bool = True,
    model: str | None = None,
    speech: Sequence[tuple[float, float]] | None = None,
) -> Transcript:
    """Normalize and flag; raises NormalizeError (a ValueError) on output nobody can read.

    `speech` is the recording's speech timeline (scribedesk/speech.py), when it could be computed.

    With hide_flagged off (HIDE_FLAGGED=false) segments keep their flags but stay visible.
    """
    options = job.options
    source = {"engine": job.engine or "", "model": model or (options.model if options else "")}
    language = options.language if options else None
    t = normalize(raw, language=language, duration=job.duration, source=source)
    t = clean_transcript(t)  # worker text with a NUL or an escape would fail every DOCX export
    t = flag_hallucinations(t, audio_duration=job.duration, speech=speech)
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
        filename=clean_line(job.filename),
        created=job.created_at,
        engine=t.source.get("engine") or job.engine,
        model=t.source.get("model") or None,
    )


def export_stem(job: Job) -> str:
    return Path(safe_filename(job.filename, fallback=job.id)).stem or job.id


def render_exports(job: Job, t: Transcript) -> dict[str, bytes]:
    """Every saved format rendered in memory, so a failing export stops an edit before anything is written."""
    meta = export_meta(job, t)
    return {fmt: render(fmt, t, ExportOptions(), meta) for fmt in SAVED_FORMATS}


def save_exports(files: JobFiles, job: Job, rendered: dict[str, bytes]) -> None:
    # A subfolder, so a recording named "raw.m4a" or "transcript.m4a" cannot overwrite our own files.
    folder = files.result_dir(job.id) / "exports"
    stem = export_stem(job)
    for fmt, data in rendered.items():
        atomic_write(folder / f"{stem}.{fmt}", data)


def write_exports(files: JobFiles, job: Job, t: Transcript) -> None:
    """Blocking (python-docx): call from a thread."""
    save_exports(files, job, render_exports(job, t))
