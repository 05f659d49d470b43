"""Run a `scribedesk serve` command as a real process and wait until the panel answers."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx


@contextmanager
def serving(
    command: Sequence[str], cwd: Path, env: dict[str, str]
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start `command` (a serve command) in cwd; yield (process, the URL it printed) once /health answers."""
    proc = subprocess.Popen(
        list(command),
        cwd=cwd,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("Scribedesk on http://"), first + (proc.stdout.read() if proc.poll() else "")
        url = first.split()[2]
        _wait_up(url, proc)
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.terminate()
        proc.communicate(timeout=20)


def _wait_up(url: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{url}/health", timeout=5)
            return
        except httpx.TransportError:
            assert proc.poll() is None and time.monotonic() < deadline, "the panel did not start"
            time.sleep(0.1)
