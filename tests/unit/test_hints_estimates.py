"""Failed-job hints in the user's words, and time/cost estimates from this panel's history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scribedesk.jobs.estimates import estimate
from scribedesk.jobs.hints import failure_hint
from scribedesk.jobs.model import Job, JobStatus, utcnow


@pytest.mark.parametrize(
    ("error", "kind", "action"),
    [
        ("The RunPod worker failed: CUDA out of memory. Tried to allocate 2.00 GiB", "memory", "options"),
        ("RunPod rejected the API key (HTTP 401) — check RUNPOD_API_KEY", "key", "settings"),
        ("The GPU worker refused the API key (WORKER_API_KEY).", "key", "settings"),
        ("The RunPod worker failed: ffmpeg: Invalid data found when processing input", "audio", "file"),
        ("Could not reach RunPod (run: ConnectError)", "network", "retry"),
        ("The RunPod worker failed: something nobody has seen before", "worker", "retry"),
    ],
)
def test_common_failures_get_a_plain_explanation_and_a_place_to_go(
    error: str, kind: str, action: str
) -> None:
    hint = failure_hint(error)
    assert hint is not None
    assert (hint.kind, hint.action) == (kind, action)
    assert hint.title.endswith(".") and hint.advice


def test_no_error_no_hint() -> None:
    assert failure_hint(None) is None
    assert failure_hint("  ") is None


def test_a_failed_jobs_json_carries_its_hint_and_others_do_not() -> None:
    from scribedesk.jobs.views import job_public

    job = Job(id="abcdefabcdef", filename="a.wav", stored_name="a.wav", size=1, status=JobStatus.FAILED)
    job.error = "CUDA out of memory"
    assert job_public(job)["hint"]["action"] == "options"
    job.status = JobStatus.COMPLETED
    assert job_public(job)["hint"] is None


def done(engine: str, duration: float, run_s: float, queue_s: float = 0, cost: float | None = None) -> Job:
    now = utcnow()
    return Job(
        id="a" * 12,
        filename="x.wav",
        stored_name="x.wav",
        size=1,
        duration=duration,
        status=JobStatus.COMPLETED,
        engine=engine,
        submitted_at=now - timedelta(seconds=run_s + queue_s),
        finished_at=now,
        delay_time_ms=int(queue_s * 1000) if engine != "local" else None,
        execution_time_ms=int(run_s * 1000) if engine != "local" else None,
        cost_usd=cost,
    )


def test_without_history_the_estimate_is_typical_and_grows_with_the_length() -> None:
    short = estimate(600, "runpod", [], 0.69)
    long = estimate(7200, "runpod", [], 0.69)
    assert short.basis == "typical" and short.runs == 0
    assert long.run_seconds > short.run_seconds
    assert long.cost_usd is not None and short.cost_usd is not None and long.cost_usd > short.cost_usd
    assert estimate(600, "runpod", [], None).cost_usd is None
    assert estimate(600, "local", [], None).cost_usd == 0.0


def test_history_of_real_runs_on_the_same_engine_drives_the_estimate() -> None:
    jobs = [
        done("runpod", 1000, run_s=100, queue_s=30, cost=0.02),
        done("runpod", 2000, run_s=200, queue_s=50, cost=0.04),
        done("local", 100, run_s=500),
    ]
    e = estimate(3000, "runpod", jobs, None)
    assert e.basis == "history" and e.runs == 2
    assert e.run_seconds == pytest.approx(300)  # 0.1 s per second of audio
    assert e.queue_seconds == pytest.approx(40)
    assert e.cost_usd == pytest.approx(0.06)
    local = estimate(100, "local", jobs, None)
    assert local.run_seconds == pytest.approx(500) and local.runs == 1
