"""The doctor's checks in order: RunPod key, endpoint, workers; storage; the self-hosted worker; the local
model. Each says in one sentence what it found or what to fix; no message ever holds a secret.
"""

from __future__ import annotations

import asyncio
from typing import Any

from scribedesk.config import Settings
from scribedesk.doctor.model import Check, CheckStatus, Report
from scribedesk.doctor.storage_checks import storage_checks
from scribedesk.engines.factory import build_engine


async def run_checks(settings: Settings, *, test_job: bool = False) -> Report:
    checks = await runpod_checks(settings)
    checks += await asyncio.to_thread(storage_checks, settings)
    checks += await worker_checks(settings)
    checks.append(local_model_check(settings))
    if test_job:
        from scribedesk.doctor.testjob import test_job_check

        checks.append(await test_job_check(settings, checks))
    return scrubbed(settings, checks)


def scrubbed(settings: Settings, checks: list[Check]) -> Report:
    secrets = settings.secret_values()
    clean = []
    for c in checks:
        message = c.message
        for secret in secrets:
            message = message.replace(secret, "***")
        clean.append(Check(c.name, c.status, message))
    return Report(ok=not any(c.status == "fail" for c in clean), checks=clean)


async def runpod_checks(settings: Settings) -> list[Check]:
    needed = settings.active_engine == "runpod"
    if not settings.runpod_api_key:
        unset: CheckStatus = "fail" if settings.engine == "runpod" else "skip"
        return [Check("RunPod API key", unset, "RUNPOD_API_KEY is not set (RunPod is not used)")]
    if not settings.runpod_endpoint_id:
        return [
            Check("RunPod API key", "skip", "Not checked: RUNPOD_ENDPOINT_ID is empty"),
            Check(
                "RunPod endpoint",
                "fail",
                "RUNPOD_ENDPOINT_ID is empty — copy the id from the endpoint's page",
            ),
        ]
    engine = build_engine("runpod", settings)
    try:
        health = await engine.health()
    finally:
        await engine.aclose()
    if health.get("reachable"):
        return [
            Check("RunPod API key", "ok", "RunPod accepted the API key"),
            Check("RunPod endpoint", "ok", f"Endpoint '{settings.runpod_endpoint_id}' exists and answers"),
            _workers_check(health),
        ]
    error = str(health.get("error") or "no answer")
    if "rejected the API key" in error:
        return [
            Check("RunPod API key", "fail", error),
            Check("RunPod endpoint", "skip", "Not checked: the API key was rejected"),
        ]
    if "has no endpoint" in error:
        return [
            Check("RunPod API key", "ok", "RunPod accepted the API key"),
            Check("RunPod endpoint", "fail", error),
        ]
    status: CheckStatus = "fail" if needed else "warn"
    return [
        Check("RunPod API key", "skip", "Not checked: RunPod did not answer"),
        Check("RunPod", status, error),
    ]


def _workers_check(health: dict[str, Any]) -> Check:
    workers, jobs = health.get("workers") or {}, health.get("jobs") or {}
    idle, running = int(workers.get("idle", 0) or 0), int(workers.get("running", 0) or 0)
    queued = int(jobs.get("inQueue", 0) or 0)
    summary = f"{idle} idle, {running} running; {queued} job(s) queued"
    if idle or running:
        return Check("RunPod workers", "ok", f"Workers: {summary}")
    return Check(
        "RunPod workers",
        "warn",
        f"Workers: {summary} — none is up now, so the first job waits for a cold start (normal for an "
        "endpoint scaled to zero; if jobs stay queued, raise the endpoint's max workers above 0)",
    )


async def worker_checks(settings: Settings) -> list[Check]:
    if not settings.worker_urls:
        return []
    engine = build_engine("worker", settings)
    try:
        health = await engine.health()
    finally:
        await engine.aclose()
    out = []
    for probe in health.get("workers", []):
        url = str(probe.get("url", "worker"))
        if probe.get("ok"):
            out.append(Check("GPU worker", "ok", f"{url} answers"))
        else:
            out.append(Check("GPU worker", "fail", f"{url}: {probe.get('error') or 'no answer'}"))
    return out


def local_model_check(settings: Settings) -> Check:
    from scribedesk.engines.models import model_status

    status = model_status(settings)
    if status.ready:
        size = f"{status.size_bytes / 1e6:.0f} MB"
        return Check("local model", "ok", f"Local model '{status.name}' is at {status.path} ({size})")
    level: CheckStatus = "warn" if settings.active_engine == "local" else "skip"
    return Check(
        "local model",
        level,
        f"Local model '{status.name}' is not downloaded yet; the first local job downloads it "
        f"(about {status.expected_mb} MB) to {status.path}",
    )
