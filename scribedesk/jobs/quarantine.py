"""Damaged rows and files are set aside with a clear message on their job; everything else keeps working.

A job row whose JSON no longer parses (or holds a status this version does not know) becomes a
failed placeholder job that says so, with the original text copied to `results/quarantine/`. A
damaged `transcript.json` or undo snapshot is renamed `<name>.damaged-<time>` and never read again.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime
from pathlib import Path

from scribedesk.jobs.model import Job, JobStatus, utcnow

log = logging.getLogger("scribedesk.quarantine")


class DamagedFile(Exception):
    """A file of the job could not be read; it was set aside. str(e) says what to do."""


def set_aside(path: Path) -> Path:
    """Rename a damaged file so nothing reads it again; return where it went."""
    target = path.with_name(f"{path.name}.damaged-{utcnow():%Y%m%dT%H%M%S%f}")
    os.replace(path, target)
    log.warning("set aside damaged file %s as %s", path, target.name)
    return target


def damaged_job(job_id: str, created_at: str, data: str, reason: str, folder: Path) -> Job:
    """A failed placeholder for a row that cannot be read; the row's text is copied to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / f"{job_id}.json"
    if not copy.exists():
        copy.write_text(data, encoding="utf-8", errors="replace")
        log.warning("job row %s is damaged (%s); copied to %s", job_id, reason, copy)
    try:
        salvaged = json.loads(data)
    except ValueError:
        salvaged = {}
    name = salvaged.get("filename") if isinstance(salvaged, dict) else None
    try:
        created = datetime.fromisoformat(created_at)
    except ValueError:
        created = utcnow()
    return Job(
        id=job_id,
        filename=name if isinstance(name, str) else "(unreadable job)",
        stored_name="",
        size=0,
        status=JobStatus.FAILED,
        step="Damaged record",
        error=(
            f"This job's record is damaged ({reason}); it is set aside in {copy.parent.name}/{copy.name}. "
            "Other jobs are not affected. Delete this job to remove its files."
        ),
        created_at=created,
    )
