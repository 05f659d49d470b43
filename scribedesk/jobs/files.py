"""Atomic file writes and the layout of a job's folders (uploads/<id>/, results/<id>/)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from scribedesk.jobs.model import is_job_id
from scribedesk.jobs.quarantine import DamagedFile, set_aside
from scribedesk.transcript.model import Transcript

UNDO_DEPTH = 50


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync, rename: a crash leaves old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        replace_when_free(Path(tmp), path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def replace_when_free(src: Path, dst: Path, attempts: int = 20) -> None:
    """os.replace, retried while Windows refuses because another handle (a download, a virus scanner)
    has the target open; on Linux and macOS the first attempt succeeds."""
    for attempt in range(attempts):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def dump_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")


class JobFiles:
    """Where one job's files live; every path is built from a validated job id, never a client name."""

    def __init__(self, upload_root: Path, results_root: Path) -> None:
        self.upload_root = upload_root
        self.results_root = results_root

    def _check(self, job_id: str) -> str:
        if not is_job_id(job_id):
            raise ValueError("malformed job id")
        return job_id

    def upload_dir(self, job_id: str) -> Path:
        return self.upload_root / self._check(job_id)

    def result_dir(self, job_id: str) -> Path:
        return self.results_root / self._check(job_id)

    def raw_path(self, job_id: str) -> Path:
        return self.result_dir(job_id) / "raw.json"

    def transcript_path(self, job_id: str) -> Path:
        return self.result_dir(job_id) / "transcript.json"

    def write_raw(self, job_id: str, raw: Any) -> None:
        atomic_write(self.raw_path(job_id), dump_json(raw))

    def read_raw(self, job_id: str) -> Any | None:
        p = self.raw_path(job_id)
        return json.loads(p.read_bytes()) if p.exists() else None

    def write_transcript(self, job_id: str, t: Transcript) -> None:
        atomic_write(self.transcript_path(job_id), t.model_dump_json(indent=1).encode("utf-8"))

    def read_transcript(self, job_id: str) -> Transcript | None:
        p = self.transcript_path(job_id)
        return Transcript.model_validate_json(p.read_bytes()) if p.exists() else None

    # --- undo: numbered snapshots of transcript.json taken before each edit ---
    def _undo_dir(self, job_id: str) -> Path:
        return self.result_dir(job_id) / "undo"

    def _snapshots(self, job_id: str) -> list[Path]:
        d = self._undo_dir(job_id)
        return sorted(d.glob("*.json")) if d.exists() else []

    def push_undo(self, job_id: str, t: Transcript) -> None:
        snaps = self._snapshots(job_id)
        n = int(snaps[-1].stem) + 1 if snaps else 1
        path = self._undo_dir(job_id) / f"{n:06d}.json"
        atomic_write(path, t.model_dump_json().encode("utf-8"))
        for old in snaps[: max(0, len(snaps) + 1 - UNDO_DEPTH)]:
            old.unlink(missing_ok=True)

    def pop_undo(self, job_id: str) -> Transcript | None:
        snaps = self._snapshots(job_id)
        if not snaps:
            return None
        try:
            t = Transcript.model_validate_json(snaps[-1].read_bytes())
        except ValueError as e:
            set_aside(snaps[-1])
            raise DamagedFile(
                "The last undo step was damaged and has been set aside; undo again for the one before it"
            ) from e
        snaps[-1].unlink()
        return t

    def undo_count(self, job_id: str) -> int:
        return len(self._snapshots(job_id))

    def remove(self, job_id: str) -> None:
        shutil.rmtree(self.upload_dir(job_id), ignore_errors=True)
        shutil.rmtree(self.result_dir(job_id), ignore_errors=True)
