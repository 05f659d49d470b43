"""The panel's WorkerEngine against real worker/app.py instances on 127.0.0.1 with tiny.en."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from scribedesk.config import Settings
from scribedesk.engines.base import (
    AudioRef,
    EngineRejected,
    EngineState,
    EngineStatus,
    EngineUnavailable,
    TranscribeOptions,
)
from scribedesk.engines.worker import WorkerEngine
from tests.support.audio import make_m4a, speak_wav
from tests.support.models import TINY_EN
from tests.support.s3 import moto_s3
from tests.support.servers import free_port, serve
from worker.app import create_app

pytestmark = pytest.mark.slow

SENTENCE = "Hello world. Thank you for joining this interview today. We will talk about your work."
KEY = "live-worker-key"
TERMINAL = {EngineState.COMPLETED, EngineState.FAILED, EngineState.CANCELLED}


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("audio")
    return make_m4a(speak_wav(SENTENCE, folder / "speech.wav"), folder / "Интервью.m4a")


@pytest.fixture(scope="module")
def worker_env() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WHISPER_MODEL", str(TINY_EN))
        mp.setenv("WHISPER_DEVICE", "cpu")
        mp.setenv("WHISPER_COMPUTE_TYPE", "int8")
        mp.setenv("RUNPOD_ALLOW_PRIVATE_DOWNLOAD_URLS", "1")
        yield


def engine_for(*urls: str, key: str = KEY) -> WorkerEngine:
    settings = Settings(_env_file=None, worker_url=",".join(urls), worker_api_key=key)  # type: ignore[call-arg]
    return WorkerEngine(settings)


async def finish(engine: WorkerEngine, handle: str) -> EngineStatus:
    for _ in range(6000):  # a hang guard (about 5 minutes), not a speed check
        status = await engine.poll(handle)
        if status.state in TERMINAL:
            return status
        await asyncio.sleep(0.05)
    raise AssertionError("worker job never finished")


def assert_speech(status: EngineStatus) -> None:
    assert status.state == EngineState.COMPLETED, status.error
    assert status.output is not None
    text = " ".join(s["text"] for s in status.output["segments"]).lower()
    assert all(k in text for k in ("hello", "world", "interview"))


async def test_two_workers_one_stopped_uses_the_live_one(worker_env: None, recording: Path) -> None:
    with serve(create_app(api_key=KEY)) as live:
        with serve(create_app(api_key=KEY)) as stopped:
            pass  # this worker ran and is now stopped; it comes first in WORKER_URL
        engine = engine_for(stopped, live)
        try:
            health = await engine.health()
            assert [w["ok"] for w in health["workers"]] == [False, True]
            ref = AudioRef(kind="file", value=str(recording), local_path=recording)
            handle = await engine.submit(ref, TranscribeOptions(language="en", diarize=False))
            assert handle.startswith(f"{live}/jobs/")
            assert_speech(await finish(engine, handle))
        finally:
            await engine.aclose()


async def test_presigned_url_through_the_engine(worker_env: None, recording: Path) -> None:
    with moto_s3() as s3, serve(create_app(api_key=KEY)) as url:
        s3.client().upload_file(str(recording), s3.bucket, "audio/job.m4a")
        signed = s3.client().generate_presigned_url(
            "get_object", Params={"Bucket": s3.bucket, "Key": "audio/job.m4a"}, ExpiresIn=600
        )
        engine = engine_for(url)
        try:
            handle = await engine.submit(
                AudioRef(kind="url", value=signed, local_path=recording), TranscribeOptions(language="en")
            )
            assert_speech(await finish(engine, handle))
        finally:
            await engine.aclose()


async def test_worker_dies_during_poll_is_unavailable(worker_env: None, recording: Path) -> None:
    port = free_port()
    engine = engine_for(f"http://127.0.0.1:{port}")
    try:
        with serve(create_app(api_key=KEY), port=port) as url:
            ref = AudioRef(kind="file", value=str(recording), local_path=recording)
            handle = await engine.submit(ref, TranscribeOptions(language="en"))
            assert handle.startswith(url)
        with pytest.raises(EngineUnavailable):
            await engine.poll(handle)
    finally:
        await engine.aclose()


async def test_wrong_api_key_is_rejected(worker_env: None, recording: Path) -> None:
    with serve(create_app(api_key=KEY)) as url:
        engine = engine_for(url, key="not-the-key")
        try:
            with pytest.raises(EngineRejected, match="API key"):
                ref = AudioRef(kind="file", value=str(recording), local_path=recording)
                await engine.submit(ref, TranscribeOptions(language="en"))
        finally:
            await engine.aclose()
