"""The HTTP worker's job queue: one transcription at a time on one thread, the rest wait in order.

Jobs live in memory; a finished job is kept for JOB_TTL_SECONDS (default one day) so a panel that
was away can still collect the result, then dropped.
"""

from __future__ import annotations

import os
import queue
import shutil
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from worker import core

TERMINAL = {"completed", "failed", "cancelled"}


@dataclass
class Job:
    id: str
    audio: str | None
    """What the request named (URL, volume path, base64); None for an upload."""
    upload: Path | None
    """The uploaded file on this machine, deleted when the job ends."""
    options: dict[str, Any]
    status: str = "queued"
    progress: float = 0.0
    output: dict[str, Any] | None = None
    error: str | None = None
    finished_at: float | None = None
    cancel: threading.Event = field(default_factory=threading.Event)

    def public(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "status": self.status, "progress": round(self.progress, 4)}
        if self.status == "completed":
            out["output"] = self.output
        if self.error:
            out["error"] = self.error
        return out


class JobQueue:
    def __init__(self, ttl_seconds: float | None = None) -> None:
        self.ttl = ttl_seconds if ttl_seconds is not None else float(os.environ.get("JOB_TTL_SECONDS", 86400))
        self._jobs: dict[str, Job] = {}
        self._order: queue.Queue[str | None] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._running: Job | None = None

    # --- called from the event loop (cheap, never blocking) ---

    def submit(self, *, audio: str | None, upload: Path | None, options: dict[str, Any]) -> Job:
        self._prune()
        job = Job(id=uuid.uuid4().hex, audio=audio, upload=upload, options=options)
        with self._lock:
            self._jobs[job.id] = job
        self._order.put(job.id)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def cancel(self, job_id: str) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.status in TERMINAL:
                return job
            job.cancel.set()
            if job.status == "queued":
                self._finish(job, "cancelled")
            return job

    def health(self) -> dict[str, Any]:
        with self._lock:
            queued = sum(1 for j in self._jobs.values() if j.status == "queued")
            return {"busy": self._running is not None, "queue": queued, "jobs": len(self._jobs)}

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="worker-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        with self._lock:
            for job in self._jobs.values():
                job.cancel.set()
        self._order.put(None)
        if self._thread is not None:
            self._thread.join(timeout=30)

    # --- the worker thread ---

    def _finish(self, job: Job, status: str, **changes: Any) -> None:
        job.status, job.finished_at = status, time.time()
        for key, value in changes.items():
            setattr(job, key, value)
        if job.upload is not None:
            shutil.rmtree(job.upload.parent, ignore_errors=True)

    def _prune(self) -> None:
        cutoff = time.time() - self.ttl
        with self._lock:
            for job_id in [j.id for j in self._jobs.values() if j.finished_at and j.finished_at < cutoff]:
                del self._jobs[job_id]

    def _loop(self) -> None:
        while (job_id := self._order.get()) is not None:
            with self._lock:
                job = self._jobs.get(job_id)
                if job is None or job.status != "queued":
                    continue
                job.status, self._running = "running", job
            try:
                self._run(job)
            finally:
                with self._lock:
                    self._running = None

    def _set_progress(self, job: Job, value: float) -> None:
        with self._lock:
            job.progress = max(job.progress, value)

    def _run(self, job: Job) -> None:
        kwargs = dict(job.options, should_stop=job.cancel.is_set)
        kwargs["progress"] = lambda p: self._set_progress(job, p)
        try:
            if job.upload is not None:
                output = core.transcribe(str(job.upload), **kwargs)
            else:
                with core.audio_file(job.audio or "") as path:
                    output = core.transcribe(str(path), **kwargs)
        except core.CancelledError:
            result: dict[str, Any] = {"status": "cancelled"}
        except (core.AudioError, core.RequestError) as e:
            result = {"status": "failed", "error": str(e)}
        except Exception as e:  # decoder/model failure: keep the worker alive, tell the panel why
            result = {"status": "failed", "error": f"transcription failed ({type(e).__name__}): {e}"}
        else:
            result = {"status": "completed", "output": output, "progress": 1.0}
        with self._lock:
            self._finish(job, result.pop("status"), **result)
