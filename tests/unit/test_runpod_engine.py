"""RunPodEngine against httpx.MockTransport: request shape per worker schema, status mapping, errors."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
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
    EngineUnavailable,
    TranscribeOptions,
)
from scribedesk.engines.runpod import (
    RunPodEngine,
    build_payload,
    execution_timeout_ms,
    retry_after_seconds,
    ttl_ms,
)
from tests.support.fake_runpod import SCHEMAS, sdk_error, validate_input
from tests.support.whisperx_output import whisperx_output

API_KEY = "rpa_SECRET_abcdefghijklmnopqrstuvwxyz012345"
HOUR_MS = 3_600_000
URL = AudioRef(
    "url", "https://bucket.example.com/scribedesk/j/audio.m4a?X-Amz-Signature=abc", Path("/u/a.m4a"), 3600.0
)
VOLUME = AudioRef("volume", "/runpod-volume/scribedesk/j/audio.m4a", Path("/u/a.m4a"), 3600.0)
INLINE = AudioRef("inline", base64.b64encode(b"RIFF....WAVE").decode(), Path("/u/a.wav"), 2.0)
FILE = AudioRef("file", "/u/a.wav", Path("/u/a.wav"), 2.0)


def settings(**over: Any) -> Settings:
    values = {
        "runpod_api_key": API_KEY,
        "runpod_endpoint_id": "ep123abc",
        "runpod_api_url": "https://api.runpod.test/v2",
        **over,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


Handler = Callable[[httpx.Request], httpx.Response]


def engine(handler: Handler, **over: Any) -> RunPodEngine:
    return RunPodEngine(settings(**over), transport=httpx.MockTransport(handler))


def answer(status: int = 200, body: Any = None, **kw: Any) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body, **kw) if body is not None else httpx.Response(status, **kw)

    return handle


def options(**over: Any) -> TranscribeOptions:
    return TranscribeOptions(**{"language": "ru", **over})


# --- payload ---------------------------------------------------------------------------------


@pytest.mark.parametrize("schema", ["whisperx", "kodxana", "faster-whisper"])
@pytest.mark.parametrize("audio", [URL, INLINE], ids=["url", "inline"])
def test_payload_passes_the_workers_own_validator(schema: str, audio: AudioRef) -> None:
    opts = options(min_speakers=2, max_speakers=3, initial_prompt="Интервью.")
    payload = build_payload(settings(worker_schema=schema), audio, opts)
    assert validate_input(payload["input"], SCHEMAS[schema]) == []
    assert None not in payload["input"].values()


def test_whisperx_payload_carries_every_option() -> None:
    opts = options(diarize=True, align=True, batch_size=8, model="large-v3", min_speakers=2, max_speakers=2)
    payload = build_payload(settings(), VOLUME, opts)
    assert payload["input"] == {
        "audio": "/runpod-volume/scribedesk/j/audio.m4a",
        "language": "ru",
        "diarize": True,
        "align": True,
        "batch_size": 8,
        "model": "large-v3",
        "min_speakers": 2,
        "max_speakers": 2,
    }


def test_kodxana_payload_uses_its_own_names_and_no_model() -> None:
    payload = build_payload(settings(worker_schema="kodxana"), URL, options(diarize=True, align=False))
    assert payload["input"]["audio_file"] == URL.value
    assert payload["input"]["diarization"] is True and payload["input"]["align_output"] is False
    assert "model" not in payload["input"]
    inline = build_payload(settings(worker_schema="kodxana"), INLINE, options())
    assert inline["input"]["audio_file"] == INLINE.value and "://" not in inline["input"]["audio_file"]


def test_kodxana_cannot_take_a_volume_path() -> None:
    with pytest.raises(EngineRejected, match="AUDIO_SOURCE"):
        build_payload(settings(worker_schema="kodxana"), VOLUME, options())


def test_faster_whisper_payload_asks_for_word_times_and_vad() -> None:
    payload = build_payload(settings(worker_schema="faster-whisper"), URL, options(diarize=True))
    assert payload["input"]["audio"] == URL.value
    assert payload["input"]["word_timestamps"] is True and payload["input"]["enable_vad"] is True
    assert "diarize" not in payload["input"]
    inline = build_payload(settings(worker_schema="faster-whisper"), INLINE, options())
    assert inline["input"]["audio_base64"] == INLINE.value and "audio" not in inline["input"]


def test_unset_options_are_left_out() -> None:
    payload = build_payload(settings(), URL, TranscribeOptions(language=None, diarize=False, min_speakers=2))
    assert "language" not in payload["input"]  # None means: let the worker detect it
    assert "min_speakers" not in payload["input"]  # speaker counts mean nothing without diarization
    assert "initial_prompt" not in payload["input"]


def test_a_local_file_cannot_go_to_runpod() -> None:
    with pytest.raises(EngineRejected, match="object storage"):
        build_payload(settings(), FILE, options())


def test_policy_scales_with_the_audio() -> None:
    policy = build_payload(settings(), URL, options())["policy"]
    assert policy["executionTimeout"] == 10 * 60_000 + 5_400_000  # an hour: 10 min + 1.5 h
    assert policy["ttl"] == policy["executionTimeout"] + 24 * HOUR_MS


def test_policy_limits() -> None:
    assert execution_timeout_ms(5.0) >= 600_000  # never below RunPod's own 10-minute default
    assert execution_timeout_ms(None) >= 2 * HOUR_MS  # unknown length: room for a long interview
    assert execution_timeout_ms(30 * 24 * 3600.0) == 7 * 24 * HOUR_MS  # RunPod's maximum
    assert ttl_ms(600_000) >= 24 * HOUR_MS
    assert ttl_ms(7 * 24 * HOUR_MS) == 7 * 24 * HOUR_MS


# --- requests --------------------------------------------------------------------------------


async def test_submit_posts_the_payload_with_bearer_auth() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "job-1", "status": "IN_QUEUE"})

    rp = engine(handle)
    assert await rp.submit(URL, options()) == "job-1"
    await rp.aclose()
    request = seen[0]
    assert (request.method, str(request.url)) == ("POST", "https://api.runpod.test/v2/ep123abc/run")
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert json.loads(request.content) == build_payload(settings(), URL, options())


async def test_poll_and_cancel_hit_the_job_urls() -> None:
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        return httpx.Response(200, json={"id": "job-1", "status": "CANCELLED"})

    rp = engine(handle)
    await rp.poll("job-1")
    await rp.cancel("job-1")
    assert seen == ["GET /v2/ep123abc/status/job-1", "POST /v2/ep123abc/cancel/job-1"]


# --- status mapping --------------------------------------------------------------------------


async def poll_body(body: dict[str, Any]) -> Any:
    return await engine(answer(200, body)).poll("job-1")


async def test_queued_and_running() -> None:
    queued = await poll_body({"id": "job-1", "status": "IN_QUEUE"})
    assert queued.state is EngineState.QUEUED and "cold start" in (queued.step or "")
    for raw in ("IN_PROGRESS", "RUNNING"):
        running = await poll_body({"id": "job-1", "status": raw, "delayTime": 41_000})
        assert running.state is EngineState.RUNNING and running.delay_time_ms == 41_000


async def test_completed_hands_over_the_output_and_timings() -> None:
    output = whisperx_output("ru")
    done = await poll_body(
        {"id": "job-1", "status": "COMPLETED", "output": output, "delayTime": 1200, "executionTime": 95_000}
    )
    assert done.state is EngineState.COMPLETED and done.output == output
    assert (done.delay_time_ms, done.execution_time_ms) == (1200, 95_000)


async def test_completed_without_output_is_a_failure_that_says_why() -> None:
    status = await poll_body({"id": "job-1", "status": "COMPLETED", "executionTime": 5})
    assert status.state is EngineState.FAILED and "no output" in (status.error or "")
    assert "20 MB" in (status.error or "")


async def test_completed_with_an_error_in_the_output_is_a_failure() -> None:
    status = await poll_body(
        {"id": "job-1", "status": "COMPLETED", "output": {"error": "prediction: CUDA out of memory"}}
    )
    assert status.state is EngineState.FAILED and "CUDA out of memory" in (status.error or "")


async def test_failed_shows_the_plain_error() -> None:
    status = await poll_body({"id": "job-1", "status": "FAILED", "error": "audio input: Incorrect padding"})
    assert status.state is EngineState.FAILED and "audio input: Incorrect padding" in (status.error or "")


async def test_failed_with_the_sdk_json_error_shows_the_message_not_the_traceback() -> None:
    status = await poll_body(
        {
            "id": "job-1",
            "status": "FAILED",
            "error": sdk_error("No such file: /runpod-volume/x.wav", "<class 'FileNotFoundError'>"),
        }
    )
    assert status.state is EngineState.FAILED
    assert "FileNotFoundError: No such file: /runpod-volume/x.wav" in (status.error or "")
    assert "Traceback" not in (status.error or "") and "error_type" not in (status.error or "")


async def test_failed_with_validator_errors_lists_them() -> None:
    errors = ["Unexpected input. model is not a valid input option."]
    status = await poll_body({"id": "job-1", "status": "FAILED", "error": errors})
    assert "model is not a valid input option" in (status.error or "")


async def test_timed_out_names_the_execution_timeout() -> None:
    status = await poll_body({"id": "job-1", "status": "TIMED_OUT", "executionTime": 600_000})
    assert status.state is EngineState.FAILED and "executionTimeout" in (status.error or "")


async def test_cancelled() -> None:
    status = await poll_body({"id": "job-1", "status": "CANCELLED"})
    assert status.state is EngineState.CANCELLED


# --- HTTP errors -----------------------------------------------------------------------------


async def test_bad_key_is_rejected_without_showing_it() -> None:
    rp = engine(answer(401, text="Unauthorized"))
    with pytest.raises(EngineRejected) as caught:
        await rp.submit(URL, options())
    assert "RUNPOD_API_KEY" in str(caught.value) and API_KEY not in str(caught.value)
    with pytest.raises(EngineRejected):
        await rp.poll("job-1")


async def test_404_on_run_means_a_wrong_endpoint_id() -> None:
    with pytest.raises(EngineRejected, match="RUNPOD_ENDPOINT_ID"):
        await engine(answer(404, {"error": "not found"})).submit(URL, options())


async def test_404_on_status_means_the_job_is_gone() -> None:
    with pytest.raises(EngineJobLost, match="30 minutes"):
        await engine(answer(404, {"error": "request does not exist"})).poll("job-9")


async def test_cancelling_a_job_runpod_forgot_is_not_an_error() -> None:
    await engine(answer(404, {"error": "request does not exist"})).cancel("job-9")


async def test_429_carries_retry_after_seconds() -> None:
    with pytest.raises(EngineUnavailable) as caught:
        await engine(answer(429, {"error": "rate limited"}, headers={"Retry-After": "7"})).poll("job-1")
    assert caught.value.retry_after == 7.0


def test_retry_after_as_an_http_date() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (retry_after_seconds(when) or 0) <= 30
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


@pytest.mark.parametrize("code", [500, 502, 503])
async def test_server_errors_are_worth_retrying(code: int) -> None:
    with pytest.raises(EngineUnavailable, match=f"HTTP {code}"):
        await engine(answer(code, text="bad gateway")).poll("job-1")


async def test_network_errors_and_timeouts_are_worth_retrying() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(EngineUnavailable, match="Could not reach RunPod"):
        await engine(refuse).submit(URL, options())
    with pytest.raises(EngineUnavailable, match="did not answer in time"):
        await engine(slow).poll("job-1")


async def test_400_on_run_shows_runpods_reason() -> None:
    with pytest.raises(EngineRejected, match="ttl must be at least"):
        await engine(answer(400, {"error": "policy.ttl must be at least 10000"})).submit(URL, options())


async def test_malformed_answers_are_clear() -> None:
    with pytest.raises(EngineUnavailable, match="not a JSON object"):
        await engine(answer(200, text="<html>gateway</html>")).poll("job-1")
    with pytest.raises(EngineUnavailable, match="no job id"):
        await engine(answer(200, {"status": "IN_QUEUE"})).submit(URL, options())


async def test_an_error_echoing_the_key_is_scrubbed() -> None:
    with pytest.raises(EngineRejected) as caught:
        await engine(answer(400, {"error": f"bad token {API_KEY}"})).submit(URL, options())
    assert API_KEY not in str(caught.value)


async def test_unconfigured_engine_says_what_to_set() -> None:
    rp = RunPodEngine(Settings(_env_file=None))  # type: ignore[call-arg]
    with pytest.raises(EngineRejected, match="RUNPOD_API_KEY and RUNPOD_ENDPOINT_ID"):
        await rp.submit(URL, options())
    assert (await rp.health())["configured"] is False


# --- health ----------------------------------------------------------------------------------


async def test_health_reports_workers_and_queue() -> None:
    body = {
        "jobs": {"completed": 4, "failed": 1, "inProgress": 1, "inQueue": 2, "retried": 0},
        "workers": {"idle": 0, "running": 1},
    }
    health = await engine(answer(200, body)).health()
    assert health["reachable"] is True
    assert health["workers"]["running"] == 1 and health["jobs"]["inQueue"] == 2


async def test_health_of_an_unreachable_endpoint() -> None:
    health = await engine(answer(401, text="Unauthorized")).health()
    assert health["reachable"] is False and "RUNPOD_API_KEY" in health["error"]
    assert API_KEY not in json.dumps(health)
