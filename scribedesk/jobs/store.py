"""The job table in SQLite (stdlib sqlite3, WAL): one row a job, the Job model kept as JSON."""

from __future__ import annotations

import builtins
import sqlite3
import threading
from pathlib import Path

from pydantic import ValidationError

from scribedesk.jobs.model import Job, JobStatus, utcnow
from scribedesk.jobs.quarantine import damaged_job

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status);
"""

_COLUMNS = "id, created_at, data"


class JobNotFound(KeyError):
    pass


class JobStore:
    """Rows are small and writes rare, so one connection behind a lock serves the loop and threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self._quarantine = path.parent / "quarantine"

    def _load(self, row: tuple[str, str, str]) -> Job:
        """A row as a Job; a row that cannot be read becomes a failed placeholder that says so."""
        job_id, created_at, data = row
        try:
            return Job.model_validate_json(data)
        except ValidationError as e:
            errors = e.errors()
            where = ".".join(str(p) for p in errors[0]["loc"]) if errors else ""
            reason = f"{where or 'record'}: {errors[0]['msg'] if errors else 'unreadable'}"
            return damaged_job(job_id, created_at, data, reason, self._quarantine)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def insert(self, job: Job) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO jobs (id, status, created_at, data) VALUES (?, ?, ?, ?)",
                (job.id, job.status.value, job.created_at.isoformat(), job.model_dump_json()),
            )

    def save(self, job: Job) -> Job:
        job.updated_at = utcnow()
        with self._lock:
            cur = self._db.execute(
                "UPDATE jobs SET status = ?, data = ? WHERE id = ?",
                (job.status.value, job.model_dump_json(), job.id),
            )
        if cur.rowcount == 0:
            raise JobNotFound(job.id)
        return job

    def get(self, job_id: str) -> Job:
        with self._lock:
            row = self._db.execute("SELECT id, created_at, data FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFound(job_id)
        return self._load(row)

    def exists(self, job_id: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM jobs WHERE id = ?", (job_id,)).fetchone() is not None

    def list(self) -> list[Job]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, created_at, data FROM jobs ORDER BY created_at DESC"
            ).fetchall()
        return [self._load(r) for r in rows]

    def active(self) -> builtins.list[Job]:
        ends = tuple(s.value for s in JobStatus if s.terminal)
        with self._lock:
            rows = self._db.execute(
                "SELECT id, created_at, data FROM jobs WHERE status NOT IN (?, ?, ?) ORDER BY created_at",
                ends,
            ).fetchall()
        return [job for job in map(self._load, rows) if not job.status.terminal]

    def delete(self, job_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))
