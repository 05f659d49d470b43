"""worker/app.py over real uvicorn with tiny.en: URL and upload jobs, polling, API key, bad audio, queue."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.audio import concat_wav, make_m4a, silence_wav, speak_wav
from tests.support.models import TINY_EN
from tests.support.s3 import moto_s3
from tests.support.servers import serve
from worker.app import create_app

pytestmark = pytest.mark.slow

SENTENCE = "Hello world. Thank you for joining this interview today. We will talk about your work."
KEY = "worker-test-key-123"
TERMINAL = {"completed", "failed", "cancelled"}


@pytest.fixture(scope="module")
def audio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("audio")
    wav = speak_wav(SENTENCE, folder / "speech.wav")
    gap = silence_wav(folder / "gap.wav", 0.8)
    return {
        "wav": wav,
        "m4a": make_m4a(wav, folder / "speech.m4a"),
        "long": concat_wav([wav, gap] * 10, folder / "long.wav"),
    }


@pytest.fixture(scope="module")
def worker_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WHISPER_MODEL", str(TINY_EN))
        mp.setenv("WHISPER_DEVICE", "cpu")
        mp.setenv("WHISPER_COMPUTE_TYPE", "int8")
        mp.setenv("RUNPOD_ALLOW_PRIVATE_DOWNLOAD_URLS", "1")
        app = create_app(api_key=KEY, upload_dir=tmp_path_factory.mktemp("uploads"))
        with serve(app) as url:
            yield url


@pytest.fixture
def client(worker_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=worker_url, headers={"X-API-Key": KEY}, timeout=60) as c:
        yield c


def wait(client: httpx.Client, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 300  # a hang guard, not a speed check
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/jobs/{job_id}").json()
        if job["status"] in TERMINAL:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never finished")


def upload(client: httpx.Client, path: Path, **options: str) -> httpx.Response:
    with path.open("rb") as f:
        return client.post("/transcribe/upload", files={"file": (path.name, f)}, data=options)


def assert_speech(job: dict[str, Any]) -> None:
    assert job["status"] == "completed", job
    assert job["progress"] == 1.0
    out = job["output"]
    text = " ".join(s["text"] for s in out["segments"]).lower()
    assert all(k in text for k in ("hello", "world", "interview"))
    words = [w for s in out["segments"] for w in s["words"]]
    assert [w["start"] for w in words] == sorted(w["start"] for w in words)
    assert all(0 <= w["start"] <= w["end"] <= out["duration"] + 0.05 for w in words)


def test_presigned_url_job_runs_to_completion(client: httpx.Client, audio: dict[str, Path]) -> None:
    with moto_s3() as s3:
        s3.client().upload_file(str(audio["m4a"]), s3.bucket, "audio/a.m4a")
        url = s3.client().generate_presigned_url(
            "get_object", Params={"Bucket": s3.bucket, "Key": "audio/a.m4a"}, ExpiresIn=600
        )
        r = client.post("/transcribe", json={"audio_url": url, "language": "en"})
        assert r.status_code == 202
        assert r.json()["status"] == "queued"
        job = wait(client, r.json()["id"])
    assert_speech(job)


def test_upload_job_runs_to_completion(client: httpx.Client, audio: dict[str, Path]) -> None:
    r = upload(client, audio["m4a"], language="", diarize="false", batch_size="8")
    assert r.status_code == 202, r.text
    job = wait(client, r.json()["id"])
    assert_speech(job)
    assert job["output"]["language"] == "en"  # detected: the form sent "" for "detect"


def test_api_key_is_required(worker_url: str, audio: dict[str, Path]) -> None:
    with httpx.Client(base_url=worker_url) as anon:
        assert anon.post("/transcribe", json={"audio_url": "https://x/y.m4a"}).status_code == 401
        wrong = anon.get("/jobs/abc", headers={"X-API-Key": "nope"})
        assert wrong.status_code == 401
        assert KEY not in wrong.text
        assert anon.get("/health").status_code == 200


def test_bad_audio_fails_with_a_clear_error(client: httpx.Client, tmp_path: Path) -> None:
    junk = tmp_path / "notes.m4a"
    junk.write_bytes(b"this is a text file, not a recording" * 100)
    job = wait(client, upload(client, junk).json()["id"])
    assert job["status"] == "failed"
    assert job["error"].startswith("transcription failed")
    assert "output" not in job

    with moto_s3() as s3:
        url = s3.client().generate_presigned_url(
            "get_object", Params={"Bucket": s3.bucket, "Key": "audio/missing.m4a"}, ExpiresIn=600
        )
        job = wait(client, client.post("/transcribe", json={"audio_url": url}).json()["id"])
    assert job["status"] == "failed"
    assert "audio URL answered 404" in job["error"]


def test_invalid_options_and_unknown_jobs(client: httpx.Client, audio: dict[str, Path]) -> None:
    assert client.post("/transcribe", json={"audio_url": "x", "batch_size": 500}).status_code == 422
    assert client.post("/transcribe", json={"audio": "x"}).status_code == 422
    assert client.get("/jobs/no-such-job").status_code == 404
    assert client.post("/jobs/no-such-job/cancel").status_code == 404


def test_one_job_at_a_time_and_cancel(client: httpx.Client, audio: dict[str, Path]) -> None:
    first = upload(client, audio["long"], language="en").json()["id"]
    second = upload(client, audio["wav"], language="en").json()["id"]
    while client.get(f"/jobs/{first}").json()["status"] == "queued":
        time.sleep(0.02)

    health = client.get("/health").json()
    assert health["busy"] is True and health["queue"] >= 1
    assert client.get(f"/jobs/{second}").json()["status"] == "queued"

    assert client.post(f"/jobs/{second}/cancel").json()["status"] == "cancelled"
    client.post(f"/jobs/{first}/cancel")
    assert wait(client, first)["status"] == "cancelled"
    health = client.get("/health").json()
    assert health["busy"] is False and health["queue"] == 0
