"""The local engine with the real tiny.en model on espeak-ng speech: text, timings, progress, cancel."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import huggingface_hub.constants
import pytest

from scribedesk.config import Settings
from scribedesk.engines.base import (
    AudioRef,
    EngineJobLost,
    EngineRejected,
    EngineState,
    EngineStatus,
    TranscribeOptions,
)
from scribedesk.engines.local import WAITING_STEP, LocalEngine
from tests.support.audio import concat_wav, make_m4a, silence_wav, speak_wav, wav_duration
from tests.support.models import TINY_EN

pytestmark = pytest.mark.slow

SENTENCE = "Hello world. Thank you for joining this interview today. We will talk about your work."
TERMINAL = {EngineState.COMPLETED, EngineState.FAILED, EngineState.CANCELLED}


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return speak_wav(SENTENCE, tmp_path_factory.mktemp("audio") / "speech.wav")


@pytest.fixture(scope="module")
def long_speech(tmp_path_factory: pytest.TempPathFactory, speech: Path) -> Path:
    """About 80 s of speech: several 30 s decoding windows, so progress moves in steps."""
    folder = tmp_path_factory.mktemp("long")
    gap = silence_wav(folder / "gap.wav", 0.8)
    return concat_wav([speech, gap] * 12, folder / "long.wav")


def settings(**overrides: object) -> Settings:
    values: dict[str, object] = {"local_model": str(TINY_EN), "local_device": "cpu", **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def ref(path: Path) -> AudioRef:
    return AudioRef(kind="file", value=str(path), local_path=path)


@pytest.fixture
async def engine() -> AsyncIterator[LocalEngine]:
    eng = LocalEngine(settings())
    yield eng
    await eng.aclose()


async def wait_until_done(engine: LocalEngine, handle: str) -> tuple[EngineStatus, list[EngineStatus]]:
    """Poll like the runner does; return the final status and every status seen on the way."""
    seen: list[EngineStatus] = []
    for _ in range(30000):  # a hang guard only (about 5 minutes), not a speed check
        status = await engine.poll(handle)
        seen.append(status)
        if status.state in TERMINAL:
            return status, seen
        await asyncio.sleep(0.01)
    raise AssertionError("the local job never finished")


async def test_transcribes_speech_with_word_timings(engine: LocalEngine, speech: Path) -> None:
    handle = await engine.submit(ref(speech), TranscribeOptions(language="en"))
    status, _ = await wait_until_done(engine, handle)

    assert status.state == EngineState.COMPLETED, status.error
    out = status.output
    assert out is not None
    text = " ".join(s["text"] for s in out["segments"]).lower()
    for keyword in ("hello", "world", "interview", "thank"):
        assert keyword in text
    assert out["language"] == "en"
    assert out["duration"] == pytest.approx(wav_duration(speech), abs=0.1)
    words = [w for s in out["segments"] for w in s["words"]]
    assert len(words) >= 10
    starts = [w["start"] for w in words]
    assert starts == sorted(starts)
    for w in words:
        assert 0 <= w["start"] <= w["end"] <= out["duration"] + 0.05
        assert 0 <= w["score"] <= 1
        assert w["word"] == w["word"].strip() and w["word"]
    # no diarization backend locally: no invented speakers
    assert all("speaker" not in s for s in out["segments"])
    assert status.progress == 1.0


async def test_detects_language_when_none_given_and_reads_m4a(
    engine: LocalEngine, speech: Path, tmp_path: Path
) -> None:
    m4a = make_m4a(speech, tmp_path / "phone.m4a")
    handle = await engine.submit(ref(m4a), TranscribeOptions(language=None))
    status, _ = await wait_until_done(engine, handle)

    assert status.state == EngineState.COMPLETED, status.error
    assert status.output is not None and status.output["language"] == "en"
    assert "interview" in " ".join(s["text"] for s in status.output["segments"]).lower()


class RecordingEngine(LocalEngine):
    """The real engine, keeping every state it reports (a poll only samples them, and how many it
    catches depends on how busy the machine is)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reported: list[tuple[EngineState, float | None, str | None]] = []

    def _update(self, job: Any, **changes: Any) -> None:
        super()._update(job, **changes)
        self.reported.append((job.state, job.progress, job.step))


async def test_progress_rises_while_transcribing(long_speech: Path) -> None:
    engine = RecordingEngine(settings())
    try:
        handle = await engine.submit(ref(long_speech), TranscribeOptions(language="en"))
        status, _ = await wait_until_done(engine, handle)
    finally:
        await engine.aclose()

    assert status.state == EngineState.COMPLETED, status
    running = [(p, step) for state, p, step in engine.reported if state == EngineState.RUNNING and p]
    values = [p for p, _ in running]
    assert values == sorted(values), values
    assert sum(1 for v in values if 0 < v < 1) >= 3, values  # twelve phrases: the bar moves in steps
    partial = [step for p, step in running if 0 < p < 1]
    assert all(step and step.startswith("Transcribing locally… ") and step.endswith("%") for step in partial)


async def test_cancel_stops_a_running_job(engine: LocalEngine, long_speech: Path) -> None:
    handle = await engine.submit(ref(long_speech), TranscribeOptions(language="en"))
    while (await engine.poll(handle)).state == EngineState.QUEUED:
        await asyncio.sleep(0.01)
    await engine.cancel(handle)
    status, _ = await wait_until_done(engine, handle)

    assert status.state == EngineState.CANCELLED
    assert status.output is None


async def test_second_job_waits_for_the_first(engine: LocalEngine, long_speech: Path, speech: Path) -> None:
    first = await engine.submit(ref(long_speech), TranscribeOptions(language="en"))
    second = await engine.submit(ref(speech), TranscribeOptions(language="en"))
    while (await engine.poll(first)).state == EngineState.QUEUED:
        await asyncio.sleep(0.01)

    waiting = await engine.poll(second)
    assert waiting.state == EngineState.QUEUED, (waiting, await engine.poll(first))
    assert waiting.step == WAITING_STEP
    assert (await engine.health())["busy"] is True

    await engine.cancel(first)
    status, _ = await wait_until_done(engine, second)
    assert status.state == EngineState.COMPLETED, status
    assert (await engine.poll(first)).state == EngineState.CANCELLED


async def test_cancel_of_a_queued_job_ends_it_at_once(
    engine: LocalEngine, long_speech: Path, speech: Path
) -> None:
    first = await engine.submit(ref(long_speech), TranscribeOptions(language="en"))
    second = await engine.submit(ref(speech), TranscribeOptions(language="en"))
    await engine.cancel(second)
    assert (await engine.poll(second)).state == EngineState.CANCELLED
    await engine.cancel(first)
    status, _ = await wait_until_done(engine, first)
    assert status.state == EngineState.CANCELLED


async def test_unknown_handle_after_restart_is_lost(engine: LocalEngine) -> None:
    with pytest.raises(EngineJobLost):
        await engine.poll("a-handle-from-before-the-restart")


async def test_missing_audio_is_rejected(engine: LocalEngine, tmp_path: Path) -> None:
    with pytest.raises(EngineRejected):
        await engine.submit(ref(tmp_path / "gone.wav"), TranscribeOptions())


async def test_english_only_model_refuses_other_languages(engine: LocalEngine, speech: Path) -> None:
    handle = await engine.submit(ref(speech), TranscribeOptions(language="ru"))
    status, _ = await wait_until_done(engine, handle)
    assert status.state == EngineState.FAILED
    assert status.error is not None and "only understands English" in status.error


async def test_offline_model_name_fails_with_advice(
    speech: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    eng = LocalEngine(settings(local_model="tiny"), download_root=tmp_path / "hf")
    try:
        handle = await eng.submit(ref(speech), TranscribeOptions(language="en"))
        status, _ = await wait_until_done(eng, handle)
    finally:
        await eng.aclose()
    assert status.state == EngineState.FAILED
    assert status.error is not None and "LOCAL_MODEL" in status.error and "tiny" in status.error


async def test_missing_model_folder_fails_clearly(speech: Path, tmp_path: Path) -> None:
    eng = LocalEngine(settings(local_model=str(tmp_path / "no-such-model")))
    try:
        handle = await eng.submit(ref(speech), TranscribeOptions(language="en"))
        status, _ = await wait_until_done(eng, handle)
    finally:
        await eng.aclose()
    assert status.state == EngineState.FAILED
    assert status.error is not None and "does not exist" in status.error


async def test_health_reports_model_and_load_state(engine: LocalEngine, speech: Path) -> None:
    handle = await engine.submit(ref(speech), TranscribeOptions(language="en"))
    await wait_until_done(engine, handle)
    health = await engine.health()
    assert health == {"model": str(TINY_EN), "device": "cpu", "loaded": True, "busy": False}
