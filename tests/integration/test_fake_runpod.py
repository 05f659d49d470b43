"""RunPodEngine against the fake RunPod queue API over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from scribedesk.config import Settings
from scribedesk.engines.base import (
    AudioRef,
    EngineJobLost,
    EngineRejected,
    EngineState,
    EngineStatus,
    EngineUnavailable,
    TranscribeOptions,
)
from scribedesk.engines.runpod import RunPodEngine
from tests.support.fake_runpod import NO_OUTPUT, Ending, FakeRunPod, run_fake_runpod, sdk_error
from tests.support.whisperx_output import whisperx_output

AUDIO = AudioRef("volume", "/runpod-volume/scribedesk/abc/audio.m4a", Path("/tmp/a.m4a"), 1800.0)
OPTIONS = TranscribeOptions(language="ru", min_speakers=2, max_speakers=2)


@pytest.fixture
def fake() -> Iterator[FakeRunPod]:
    with run_fake_runpod(queued_polls=2, running_polls=2) as f:
        yield f


def settings_for(fake: FakeRunPod, **over: Any) -> Settings:
    return Settings(_env_file=None, **{**fake.settings_overrides(), **over})  # type: ignore[call-arg]


@pytest.fixture
async def engine(fake: FakeRunPod) -> AsyncIterator[RunPodEngine]:
    rp = RunPodEngine(settings_for(fake))
    yield rp
    await rp.aclose()


async def poll_until_final(rp: RunPodEngine, job_id: str, max_polls: int = 50) -> list[EngineStatus]:
    seen: list[EngineStatus] = []
    for _ in range(max_polls):
        status = await rp.poll(job_id)
        seen.append(status)
        if status.state in (EngineState.COMPLETED, EngineState.FAILED, EngineState.CANCELLED):
            return seen
    raise AssertionError(f"job never finished: {[s.state for s in seen]}")


async def test_a_job_goes_queued_running_completed(fake: FakeRunPod, engine: RunPodEngine) -> None:
    job_id = await engine.submit(AUDIO, OPTIONS)
    seen = await poll_until_final(engine, job_id)
    assert [s.state for s in seen] == ["queued", "queued", "running", "running", "completed"]
    assert seen[-1].output == whisperx_output("ru")
    assert (seen[-1].delay_time_ms, seen[-1].execution_time_ms) == (
        fake.delay_time_ms,
        fake.execution_time_ms,
    )

    sent = fake.submissions[0]
    assert sent["input"]["audio"] == AUDIO.value and sent["input"]["language"] == "ru"
    assert sent["policy"]["executionTimeout"] == 600_000 + 2_700_000
    assert fake.requests[0]["headers"]["authorization"] == f"Bearer {fake.api_key}"


async def test_states_can_advance_with_time() -> None:
    with run_fake_runpod(seconds_per_state=0.05) as fake:
        rp = RunPodEngine(settings_for(fake))
        job_id = await rp.submit(AUDIO, OPTIONS)
        states: list[str] = []
        for _ in range(400):
            status = await rp.poll(job_id)
            if not states or states[-1] != status.state:
                states.append(status.state)
            if status.state == EngineState.COMPLETED:
                break
            await asyncio.sleep(0.01)
        await rp.aclose()
    assert states == ["queued", "running", "completed"]


async def test_429_then_the_poll_succeeds(fake: FakeRunPod, engine: RunPodEngine) -> None:
    job_id = await engine.submit(AUDIO, OPTIONS)
    fake.fail_next("status", 429, retry_after=1)
    with pytest.raises(EngineUnavailable) as caught:
        await engine.poll(job_id)
    assert caught.value.retry_after == 1.0
    assert (await engine.poll(job_id)).state is EngineState.QUEUED


async def test_5xx_on_run_twice_then_accepted(fake: FakeRunPod, engine: RunPodEngine) -> None:
    fake.fail_next("run", 500, times=2)
    for _ in range(2):
        with pytest.raises(EngineUnavailable, match="HTTP 500"):
            await engine.submit(AUDIO, OPTIONS)
    assert await engine.submit(AUDIO, OPTIONS) in fake.jobs
    assert len(fake.submissions) == 1


async def test_an_expired_job_is_lost(fake: FakeRunPod, engine: RunPodEngine) -> None:
    job_id = await engine.submit(AUDIO, OPTIONS)
    await poll_until_final(engine, job_id)
    fake.expire(job_id)
    with pytest.raises(EngineJobLost, match=job_id):
        await engine.poll(job_id)


@pytest.mark.parametrize(
    ("ending", "expected"),
    [
        (Ending("COMPLETED", output=NO_OUTPUT), "returned no output"),
        (Ending("FAILED", error="audio input: Incorrect padding"), "Incorrect padding"),
        (Ending("FAILED", error=sdk_error("CUDA out of memory")), "RuntimeError: CUDA out of memory"),
        (Ending("TIMED_OUT"), "executionTimeout"),
    ],
    ids=["no-output", "plain-error", "sdk-error", "timed-out"],
)
async def test_failures_reach_the_user_as_clear_text(
    fake: FakeRunPod, engine: RunPodEngine, ending: Ending, expected: str
) -> None:
    fake.end_next(ending)
    job_id = await engine.submit(AUDIO, OPTIONS)
    final = (await poll_until_final(engine, job_id))[-1]
    assert final.state is EngineState.FAILED
    assert expected in (final.error or "")
    assert "Traceback" not in (final.error or "")


async def test_a_custom_result_comes_back_untouched(fake: FakeRunPod, engine: RunPodEngine) -> None:
    fake.next_result = whisperx_output("en", credit_line=True)
    job_id = await engine.submit(AUDIO, OPTIONS)
    final = (await poll_until_final(engine, job_id))[-1]
    assert final.output == whisperx_output("en", credit_line=True)


async def test_a_schema_mismatch_fails_with_the_validator_message() -> None:
    with run_fake_runpod(schema="kodxana", queued_polls=0, running_polls=0) as fake:
        wrong = RunPodEngine(settings_for(fake, worker_schema="whisperx"))
        right = RunPodEngine(settings_for(fake, worker_schema="kodxana"))
        url = AudioRef("url", "https://files.example.com/a.m4a", Path("/tmp/a.m4a"), 60.0)
        failed = (await poll_until_final(wrong, await wrong.submit(url, OPTIONS)))[-1]
        done = (await poll_until_final(right, await right.submit(url, OPTIONS)))[-1]
        await wrong.aclose()
        await right.aclose()
    assert failed.state is EngineState.FAILED
    assert "audio is not a valid input option" in (failed.error or "")
    assert done.state is EngineState.COMPLETED


async def test_cancel_while_queued(fake: FakeRunPod, engine: RunPodEngine) -> None:
    job_id = await engine.submit(AUDIO, OPTIONS)
    await engine.cancel(job_id)
    assert (await engine.poll(job_id)).state is EngineState.CANCELLED


async def test_wrong_key_and_wrong_endpoint_are_final(fake: FakeRunPod) -> None:
    bad_key = RunPodEngine(settings_for(fake, runpod_api_key="rpa_wrong"))
    bad_endpoint = RunPodEngine(settings_for(fake, runpod_endpoint_id="nosuchendpoint"))
    with pytest.raises(EngineRejected, match="RUNPOD_API_KEY"):
        await bad_key.submit(AUDIO, OPTIONS)
    with pytest.raises(EngineRejected, match="RUNPOD_ENDPOINT_ID"):
        await bad_endpoint.submit(AUDIO, OPTIONS)
    assert (await bad_key.health())["reachable"] is False
    await bad_key.aclose()
    await bad_endpoint.aclose()


async def test_malformed_status_answer(fake: FakeRunPod, engine: RunPodEngine) -> None:
    job_id = await engine.submit(AUDIO, OPTIONS)
    fake.fail_next("status", 200, body="<html>upstream hiccup</html>")
    with pytest.raises(EngineUnavailable, match="not a JSON object"):
        await engine.poll(job_id)


async def test_health_counts_jobs(fake: FakeRunPod, engine: RunPodEngine) -> None:
    await engine.submit(AUDIO, OPTIONS)
    health = await engine.health()
    assert health["reachable"] is True
    assert health["jobs"]["inQueue"] == 1 and health["workers"] == {"idle": 1, "running": 0}


async def test_the_fake_retries_a_failed_job_like_runpod(fake: FakeRunPod, engine: RunPodEngine) -> None:
    fake.end_next(Ending("FAILED", error="worker crashed"))
    job_id = await engine.submit(AUDIO, OPTIONS)
    await poll_until_final(engine, job_id)
    headers = {"Authorization": f"Bearer {fake.api_key}"}
    async with httpx.AsyncClient(base_url=f"{fake.api_url}/{fake.endpoint_id}", headers=headers) as client:
        retried = await client.post(f"/retry/{job_id}")
        not_again = await client.post(f"/retry/{job_id}")
    assert retried.json() == {"id": job_id, "status": "IN_QUEUE"}
    assert not_again.status_code == 400
    assert (await poll_until_final(engine, job_id))[-1].state is EngineState.COMPLETED
