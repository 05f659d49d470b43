"""Exactly-once results on the network volume, keyed by the panel's job id (`job_key`).

When the volume is attached (WORKER_VOLUME_ROOT, default /runpod-volume), a finished job's whole
output is written atomically to `<volume>/scribedesk/<job_key>/output.json` BEFORE the handler
returns. The panel reads that object when RunPod's own result has expired or came back empty, and a
job that arrives again with the same `job_key` (a retry, a re-queued request) is answered from the
file without transcribing, so a paid GPU run is never repeated and the user's words never lost.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from worker import env

log = logging.getLogger("worker.results")

KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
FOLDER = "scribedesk"
FILENAME = "output.json"


def valid_key(key: str) -> bool:
    """A key names one folder: letters, digits, '-' and '_' only (no path tricks)."""
    return KEY_PATTERN.fullmatch(key) is not None


def output_path(key: str) -> Path | None:
    """Where `key`'s output lives, or None when no volume is attached."""
    root = env.volume_root()
    return root / FOLDER / key / FILENAME if root.is_dir() else None


def load(key: str) -> dict[str, Any] | None:
    """The stored output for `key`, or None (none yet, no volume, or an unreadable file)."""
    path = output_path(key)
    if path is None or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        log.warning("stored output for job %s is unreadable (%s); transcribing again", key, e)
        return None
    return data if isinstance(data, dict) and "segments" in data else None


def save(key: str, output: dict[str, Any]) -> Path | None:
    """Write `output` atomically (temporary file, fsync, rename); None when no volume is attached."""
    path = output_path(key)
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".output-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(output, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def once(key: str | None, run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """`run()` at most once per key: a stored output answers; a fresh one is stored before returning.

    Error outputs ({"error": ...}) are not stored: a fixed input may be sent again with the same key.
    """
    if not key:
        return run()
    if (stored := load(key)) is not None:
        log.info("job %s: answered from the stored output", key)
        return stored
    output = run()
    if "error" not in output:
        try:
            save(key, output)
        except OSError as e:  # the transcript still goes back through RunPod
            log.warning("job %s: could not store the output on the volume (%s)", key, e)
            note = f"the result could not be stored on the network volume ({type(e).__name__})"
            output.setdefault("warnings", []).append(note)
    return output
