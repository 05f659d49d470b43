"""How long a transcription will take and what it will cost, before it starts.

The estimate scales with the recording's length. It learns from this panel's own finished jobs on
the same engine (queue wait, run time per second of audio, cost per second of audio), and falls
back to typical figures until there is history. Pure: takes the jobs, reads nothing itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median
from typing import Literal

from scribedesk.jobs.model import Job, JobStatus

HISTORY_RUNS = 20
"""At most this many recent finished jobs of the engine are used."""

# Typical figures until a panel has history: (queue seconds, run seconds per audio second, setup s).
_TYPICAL: dict[str, tuple[float, float, float]] = {
    "runpod": (60.0, 0.06, 20.0),  # a cold start, then WhisperX large-v2 on a mid-range GPU
    "worker": (2.0, 0.06, 10.0),
    "local": (0.0, 0.5, 5.0),  # faster-whisper on a laptop CPU
}


@dataclass(frozen=True)
class Estimate:
    engine: str
    queue_seconds: float
    """Expected wait for a GPU before the run starts."""
    run_seconds: float
    """Expected transcription time once running."""
    cost_usd: float | None
    """Expected cost; 0 on this computer, None when no price is known."""
    basis: Literal["history", "typical"]
    runs: int
    """How many of this panel's finished jobs the figures come from."""

    @property
    def seconds(self) -> float:
        return self.queue_seconds + self.run_seconds


@dataclass(frozen=True)
class _Run:
    audio: float
    queue: float
    run: float
    cost: float | None


def _run_of(job: Job) -> _Run | None:
    """The timings of one finished job, or None when they are not known."""
    if job.status != JobStatus.COMPLETED or not job.duration or job.duration <= 0:
        return None
    if job.execution_time_ms is not None:
        run = job.execution_time_ms / 1000
        queue = (job.delay_time_ms or 0) / 1000
    elif job.submitted_at and job.finished_at:
        run = (job.finished_at - job.submitted_at).total_seconds()
        queue = 0.0
    else:
        return None
    return _Run(audio=job.duration, queue=queue, run=run, cost=job.cost_usd)


def history(jobs: list[Job], engine: str) -> list[_Run]:
    """This engine's recent finished runs, newest first (jobs come newest first)."""
    runs = [r for j in jobs if j.engine == engine and (r := _run_of(j)) is not None]
    return runs[:HISTORY_RUNS]


def estimate(duration: float, engine: str, jobs: list[Job], price_per_hour: float | None) -> Estimate:
    """Time and cost to transcribe `duration` seconds of audio on `engine`."""
    duration = max(0.0, duration)
    runs = history(jobs, engine)
    if runs:
        queue = median(r.queue for r in runs)
        per_second = median(r.run / r.audio for r in runs)
        run = per_second * duration
        costs = [r.cost / r.audio for r in runs if r.cost is not None]
        cost = median(costs) * duration if costs else _priced(run, engine, price_per_hour)
        return Estimate(engine, queue, run, _money(cost), "history", len(runs))
    queue, per_second, setup = _TYPICAL.get(engine, _TYPICAL["worker"])
    run = setup + per_second * duration
    return Estimate(engine, queue, run, _money(_priced(run, engine, price_per_hour)), "typical", 0)


def _priced(run_seconds: float, engine: str, price_per_hour: float | None) -> float | None:
    if engine == "local":
        return 0.0
    if price_per_hour is None:
        return None
    return run_seconds / 3600 * price_per_hour


def _money(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
