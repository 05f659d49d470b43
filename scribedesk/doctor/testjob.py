"""`doctor --test-job`: one tiny real job on the configured RunPod endpoint, to prove the worker schema,
the audio route (volume attached, presigned URLs) and the output shape. Costs a few GPU seconds: the
CLI prints `estimate()` and asks first.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import tempfile
import time
import uuid
import wave
from pathlib import Path

from scribedesk.config import Settings
from scribedesk.doctor.model import Check
from scribedesk.engines.audio_ref import make_audio_ref
from scribedesk.engines.base import EngineError, EngineState, TranscribeOptions
from scribedesk.engines.factory import build_engine
from scribedesk.storage import ObjectStorage, StorageError
from scribedesk.transcript.normalize import NormalizeError, normalize

TEST_SECONDS = 1.0
BILLED_SECONDS = (5, 90)
"""A one-second job bills a few seconds warm; a cold start (model load) can take a minute or more."""
WAIT_SECONDS = 900.0


def estimate(settings: Settings) -> str:
    low, high = BILLED_SECONDS
    if settings.gpu_price_per_hour is None:
        cost = "cost unknown: set GPU_PRICE_PER_HOUR to see it"
    else:
        price = settings.gpu_price_per_hour / 3600
        cost = f"about ${low * price:.4f}–${high * price:.4f} at ${settings.gpu_price_per_hour}/h"
    return (
        f"The test job sends {TEST_SECONDS:.0f} s of silence to endpoint '{settings.runpod_endpoint_id}'; "
        f"it bills {low}–{high} GPU seconds (a cold start is the upper end): {cost}."
    )


def silence_wav(seconds: float = TEST_SECONDS, rate: int = 16000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\0\0" * int(seconds * rate))
    return buffer.getvalue()


async def test_job_check(settings: Settings, earlier: list[Check]) -> Check:
    if not settings.runpod_configured:
        return Check("test job", "skip", "Not run: RunPod is not configured")
    if any(c.status == "fail" and c.name.startswith("RunPod") for c in earlier):
        return Check("test job", "skip", "Not run: fix the RunPod settings above first")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doctor.wav"
        path.write_bytes(silence_wav())
        return await _run(settings, path)


async def _run(settings: Settings, path: Path) -> Check:
    storage = ObjectStorage(settings) if settings.storage_configured else None
    key = f"scribedesk/doctor-{uuid.uuid4().hex[:12]}/audio.wav" if storage else None
    engine = build_engine("runpod", settings)
    started = time.monotonic()
    try:
        if storage is not None and key is not None:
            await asyncio.to_thread(storage.upload_file, path, key)
        audio = make_audio_ref(settings, storage, key, path, TEST_SECONDS)
        handle = await engine.submit(audio, TranscribeOptions(language="en", diarize=False))
        status = await engine.poll(handle)
        while status.state not in (EngineState.COMPLETED, EngineState.FAILED, EngineState.CANCELLED):
            if time.monotonic() - started > WAIT_SECONDS:
                await engine.cancel(handle)
                return Check("test job", "fail", f"No answer in {WAIT_SECONDS:.0f} s; the job was cancelled")
            await asyncio.sleep(min(settings.runpod_poll_interval, 2.0))
            status = await engine.poll(handle)
    except (EngineError, StorageError) as e:
        return Check("test job", "fail", f"The test job could not run: {e}")
    finally:
        await engine.aclose()
        if storage is not None and key is not None:
            await asyncio.to_thread(_forget, storage, key)
    return _verdict(settings, status.state, status.output, status.error, time.monotonic() - started)


def _forget(storage: ObjectStorage, key: str) -> None:
    with contextlib.suppress(StorageError):  # a stray 32 KB object is not worth failing the check
        storage.delete(key)


def _verdict(settings: Settings, state: EngineState, output: object, error: str | None, took: float) -> Check:
    if state == EngineState.COMPLETED:
        try:
            normalize(output, language="en", duration=TEST_SECONDS)
        except NormalizeError as e:
            return Check("test job", "fail", f"The worker answered, but not with a transcript ({e})")
        return Check("test job", "ok", f"The worker ran a {TEST_SECONDS:.0f}-second test job in {took:.0f} s")
    said = error or state.value
    if "runpod-volume" in said or "No such file" in said:
        return Check(
            "test job",
            "fail",
            f"The worker could not find the audio on its volume ({said}) — attach the network volume "
            "S3_BUCKET names to the endpoint, or set AUDIO_SOURCE=url/inline",
        )
    return Check(
        "test job",
        "fail",
        f"The worker rejected the test job ({said}) — WORKER_SCHEMA is '{settings.worker_schema}': set it to "
        "the input shape of the worker you deployed (whisperx, kodxana or faster-whisper)",
    )
