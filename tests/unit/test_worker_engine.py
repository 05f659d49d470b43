"""WorkerEngine against fake workers (httpx.MockTransport): choosing a worker, uploads, status and errors."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
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
from scribedesk.engines.worker import WorkerEngine

KEY = "sekret-worker-key"
W0, W1, W2 = "http://gpu-a:9000", "http://gpu-b:9000", "http://gpu-c:9000"
Handler = Callable[[httpx.Request], httpx.Response]


class FakeWorkers:
    """Several workers behind one transport; each has a health answer and records what it got."""

    def __init__(self, health: dict[str, dict[str, Any] | None]) -> None:
        self.health = health
        self.submits: list[httpx.Request] = []
        self.bodies: list[bytes] = []
        self.submit_status: dict[str, int] = {}
        self.job: dict[str, Any] = {"id": "j1", "status": "queued", "progress": 0}
        self.job_status_code = 200

    def __call__(self, request: httpx.Request) -> httpx.Response:
        base = f"{request.url.scheme}://{request.url.host}:{request.url.port}"
        facts = self.health.get(base)
        if facts is None:
            raise httpx.ConnectError("connection refused", request=request)
        path = request.url.path
        if path == "/health":
            return httpx.Response(200, json={"status": "ok", **facts})
        if request.headers.get("X-API-Key") != KEY:
            return httpx.Response(401, json={"detail": "missing or wrong X-API-Key"})
        if path.startswith("/transcribe"):
            self.submits.append(request)
            self.bodies.append(request.read())
            code = self.submit_status.get(base, 202)
            return httpx.Response(code, json={"id": "j1", "status": "queued"} if code == 202 else {})
        if path == "/jobs/j1" or path == "/jobs/j1/cancel":
            return httpx.Response(self.job_status_code, json=self.job)
        return httpx.Response(404, json={"detail": "job not found"})


def make_engine(fake: FakeWorkers, urls: list[str], key: str = KEY) -> WorkerEngine:
    settings = Settings(_env_file=None, worker_url=",".join(urls), worker_api_key=key)  # type: ignore[call-arg]
    return WorkerEngine(settings, transport=httpx.MockTransport(fake))


def file_ref(path: Path) -> AudioRef:
    return AudioRef(kind="file", value=str(path), local_path=path)


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    path = tmp_path / "Интервью с мэром.m4a"
    path.write_bytes(b"\x00\x01fake-aac-bytes" * 5000)
    return path


async def test_picks_the_least_busy_live_worker(recording: Path) -> None:
    fake = FakeWorkers({W0: {"busy": True, "queue": 2}, W1: None, W2: {"busy": True, "queue": 0}})
    engine = make_engine(fake, [W0, W1, W2])
    handle = await engine.submit(file_ref(recording), TranscribeOptions(language="ru"))
    await engine.aclose()

    assert handle == f"{W2}/jobs/j1"
    assert [str(r.url) for r in fake.submits] == [f"{W2}/transcribe/upload"]


async def test_upload_streams_the_file_under_a_safe_name(recording: Path) -> None:
    fake = FakeWorkers({W0: {"busy": False, "queue": 0}})
    engine = make_engine(fake, [W0])
    await engine.submit(file_ref(recording), TranscribeOptions(language=None, diarize=False, min_speakers=2))
    await engine.aclose()

    request, body = fake.submits[0], fake.bodies[0]
    assert request.headers["Content-Length"] == str(len(body))
    assert recording.read_bytes() in body
    assert b'filename="audio.m4a"' in body
    assert "Интервью".encode() not in body  # the user's file name never leaves the machine
    assert b'name="diarize"\r\n\r\nfalse\r\n' in body
    assert b'name="min_speakers"\r\n\r\n2\r\n' in body
    assert b'name="language"\r\n\r\n\r\n' in body  # empty = detect
    assert b'name="max_speakers"' not in body


async def test_presigned_url_is_passed_as_audio_url(recording: Path) -> None:
    fake = FakeWorkers({W0: {"busy": False, "queue": 0}})
    engine = make_engine(fake, [W0])
    url = "https://bucket.example/audio/x.m4a?X-Amz-Signature=abc"
    await engine.submit(
        AudioRef(kind="url", value=url, local_path=recording), TranscribeOptions(language="en")
    )
    await engine.aclose()

    assert str(fake.submits[0].url) == f"{W0}/transcribe"
    sent = json.loads(fake.bodies[0])
    assert sent["audio_url"] == url and sent["language"] == "en" and "min_speakers" not in sent


async def test_moves_on_when_the_chosen_worker_fails_at_submit(recording: Path) -> None:
    fake = FakeWorkers({W0: {"busy": False, "queue": 0}, W1: {"busy": True, "queue": 3}})
    fake.submit_status[W0] = 503
    engine = make_engine(fake, [W0, W1])
    handle = await engine.submit(file_ref(recording), TranscribeOptions())
    await engine.aclose()
    assert handle == f"{W1}/jobs/j1"


async def test_no_live_worker_is_unavailable(recording: Path) -> None:
    engine = make_engine(FakeWorkers({}), [W0, W1])
    with pytest.raises(EngineUnavailable, match="No GPU worker answered"):
        await engine.submit(file_ref(recording), TranscribeOptions())
    await engine.aclose()


async def test_wrong_key_is_rejected_without_echoing_it(recording: Path) -> None:
    engine = make_engine(FakeWorkers({W0: {"busy": False, "queue": 0}}), [W0], key="wrong-key-value")
    with pytest.raises(EngineRejected, match="API key") as caught:
        await engine.submit(file_ref(recording), TranscribeOptions())
    await engine.aclose()
    assert "wrong-key-value" not in str(caught.value)


@pytest.mark.parametrize(
    ("job", "state", "check"),
    [
        ({"status": "queued", "progress": 0}, EngineState.QUEUED, lambda s: s.step.startswith("Waiting")),
        ({"status": "running", "progress": 0.37}, EngineState.RUNNING, lambda s: s.step.endswith("37%")),
        ({"status": "completed", "progress": 1, "output": {"segments": []}}, EngineState.COMPLETED, None),
        (
            {"status": "completed", "progress": 1},
            EngineState.FAILED,
            lambda s: "without a transcript" in s.error,
        ),
        (
            {"status": "failed", "error": "audio URL answered 403"},
            EngineState.FAILED,
            lambda s: "403" in s.error,
        ),
        ({"status": "cancelled", "progress": 0.2}, EngineState.CANCELLED, None),
    ],
)
async def test_poll_maps_worker_states(
    job: dict[str, Any], state: EngineState, check: Callable[[Any], bool] | None
) -> None:
    fake = FakeWorkers({W0: {"busy": True, "queue": 0}})
    fake.job = {"id": "j1", **job}
    engine = make_engine(fake, [W0])
    status = await engine.poll(f"{W0}/jobs/j1")
    await engine.aclose()
    assert status.state == state
    if state == EngineState.COMPLETED:
        assert status.output == {"segments": []}
    if check is not None:
        assert check(status)


async def test_poll_errors_tell_the_runner_what_to_do() -> None:
    fake = FakeWorkers({W0: {"busy": True, "queue": 0}})
    engine = make_engine(fake, [W0, W1])
    with pytest.raises(EngineJobLost):
        await engine.poll(f"{W0}/jobs/unknown")
    with pytest.raises(EngineUnavailable, match="unreachable"):
        await engine.poll(f"{W1}/jobs/j1")  # W1 is down
    fake.job_status_code = 502
    with pytest.raises(EngineUnavailable):
        await engine.poll(f"{W0}/jobs/j1")
    with pytest.raises(EngineJobLost, match="no longer in WORKER_URL"):
        await engine.poll("http://gpu-gone:9000/jobs/j1")
    await engine.aclose()


async def test_health_lists_every_worker() -> None:
    engine = make_engine(FakeWorkers({W0: {"busy": False, "queue": 1}}), [W0, W1])
    health = await engine.health()
    await engine.aclose()
    assert health["ok"] is True
    assert [(w["url"], w["ok"]) for w in health["workers"]] == [(W0, True), (W1, False)]
    assert health["workers"][0]["queue"] == 1
    assert KEY not in json.dumps(health)


async def test_a_worker_that_never_finishes_its_answer_hits_the_overall_deadline() -> None:
    async def stalls(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(30)  # a status answer that never completes
        return httpx.Response(200, json={"status": "running"})

    settings = Settings(_env_file=None, worker_url=W0, worker_api_key=KEY)  # type: ignore[call-arg]
    engine = WorkerEngine(settings, transport=httpx.MockTransport(stalls), call_deadline=0.2)
    with pytest.raises(EngineUnavailable, match=r"within 0\.2 s"):
        await engine.poll(f"{W0}/jobs/j1")
    await engine.aclose()
