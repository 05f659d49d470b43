"""worker/handler.py under the runpod SDK's local test server, fed from moto through a presigned URL."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.audio import make_m4a, speak_wav, wav_duration
from tests.support.models import TINY_EN
from tests.support.s3 import moto_s3
from tests.support.servers import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SENTENCE = "Hello world. Thank you for joining this interview today. We will talk about your work."


@pytest.fixture(scope="module")
def audio_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("volume")
    wav = speak_wav(SENTENCE, folder / "speech.wav")
    make_m4a(wav, folder / "speech.m4a")
    return folder


def _wait_for_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60  # a start-up guard, not a speed check
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"handler exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("handler test server did not start")


@pytest.fixture(scope="module")
def handler_log(audio_dir: Path) -> Path:
    """Everything the handler process prints (stdout and stderr)."""
    return audio_dir / "handler.log"


@pytest.fixture(scope="module")
def handler_url(audio_dir: Path, handler_log: Path) -> Iterator[str]:
    port = free_port()
    env = dict(
        os.environ,
        RUNPOD_ALLOW_PRIVATE_DOWNLOAD_URLS="1",
        WHISPER_MODEL=str(TINY_EN),
        WHISPER_DEVICE="cpu",
        WHISPER_COMPUTE_TYPE="int8",
        AUDIO_ROOTS=str(audio_dir),
        WORKER_VOLUME_ROOT=str(audio_dir / "volume"),
    )
    env.pop("RUNPOD_LOG_LEVEL", None)  # the worker's own default applies
    cmd = [sys.executable, "worker/handler.py", "--rp_serve_api", "--rp_api_port", str(port)]
    cmd += ["--rp_api_host", "127.0.0.1"]
    (audio_dir / "volume").mkdir()
    with handler_log.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_for_port(port, proc)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def runsync(url: str, payload: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(f"{url}/runsync", json={"input": payload}, timeout=300)
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


def assert_speech(output: dict[str, Any], duration: float) -> None:
    text = " ".join(s["text"] for s in output["segments"]).lower()
    for keyword in ("hello", "world", "interview"):
        assert keyword in text
    assert output["language"] == "en"
    words = [w for s in output["segments"] for w in s["words"]]
    assert len(words) >= 10
    starts = [w["start"] for w in words]
    assert starts == sorted(starts)
    assert all(0 <= w["start"] <= w["end"] <= duration + 0.05 for w in words)


def test_presigned_url_from_s3(handler_url: str, audio_dir: Path) -> None:
    with moto_s3() as s3:
        client = s3.client()
        client.upload_file(str(audio_dir / "speech.m4a"), s3.bucket, "audio/job1.m4a")
        url = client.generate_presigned_url(
            "get_object", Params={"Bucket": s3.bucket, "Key": "audio/job1.m4a"}, ExpiresIn=600
        )
        result = runsync(handler_url, {"audio": url, "language": "en", "diarize": False})

    assert result["status"] == "COMPLETED", result
    assert_speech(result["output"], wav_duration(audio_dir / "speech.wav"))


def test_local_volume_path(handler_url: str, audio_dir: Path) -> None:
    wav = audio_dir / "speech.wav"
    result = runsync(handler_url, {"audio": str(wav)})

    assert result["status"] == "COMPLETED", result
    assert_speech(result["output"], wav_duration(wav))


def test_unknown_input_key_is_a_validation_error(handler_url: str, audio_dir: Path) -> None:
    result = runsync(handler_url, {"audio_file": str(audio_dir / "speech.wav"), "batch_size": 500})

    assert result["status"] == "FAILED"
    assert "audio_file is not a valid input option" in result["error"]
    assert "audio is a required input" in result["error"]


def test_out_of_range_numbers_are_refused(handler_url: str, audio_dir: Path) -> None:
    wav = str(audio_dir / "speech.wav")
    result = runsync(handler_url, {"audio": wav, "batch_size": 500, "min_speakers": 4, "max_speakers": 2})

    assert result["status"] == "FAILED"
    assert "batch_size must be a whole number from 1 to 64" in result["error"]
    assert "min_speakers is larger than max_speakers" in result["error"]


def test_expired_or_missing_object_says_what_to_check(handler_url: str) -> None:
    with moto_s3() as s3:
        url = s3.client().generate_presigned_url(
            "get_object", Params={"Bucket": s3.bucket, "Key": "audio/never-uploaded.m4a"}, ExpiresIn=600
        )
        result = runsync(handler_url, {"audio": url})

    assert result["status"] == "FAILED"
    assert "audio URL answered 404" in result["error"]


def test_path_outside_the_volume_is_refused(handler_url: str, audio_dir: Path) -> None:
    sneaky = f"{audio_dir}/../../etc/passwd"
    result = runsync(handler_url, {"audio": sneaky})
    assert result["status"] == "FAILED"
    assert "'..'" in result["error"]

    result = runsync(handler_url, {"audio": "/etc/hostname"})
    assert result["status"] == "FAILED"
    assert "outside the allowed folders" in result["error"]


def test_job_key_keeps_the_output_on_the_volume_and_answers_a_repeat(
    handler_url: str, audio_dir: Path
) -> None:
    payload = {"language": "en", "job_key": "panel-job-1"}
    first = runsync(handler_url, {**payload, "audio": str(audio_dir / "speech.wav")})
    assert first["status"] == "COMPLETED", first
    stored = audio_dir / "volume" / "scribedesk" / "panel-job-1" / "output.json"
    assert json.loads(stored.read_text(encoding="utf-8")) == first["output"]

    again = runsync(handler_url, {**payload, "audio": str(audio_dir / "gone.wav")})  # no such file
    assert again["status"] == "COMPLETED", again
    assert again["output"] == first["output"]


def test_the_log_shows_inputs_only_as_their_shape(
    handler_url: str, audio_dir: Path, handler_log: Path
) -> None:
    with moto_s3() as s3:
        client = s3.client()
        client.upload_file(str(audio_dir / "speech.m4a"), s3.bucket, "audio/secret-name.m4a")
        url = client.generate_presigned_url(
            "get_object", Params={"Bucket": s3.bucket, "Key": "audio/secret-name.m4a"}, ExpiresIn=600
        )
        prompt = "Names: Anastasia Pryanishnikova"
        result = runsync(handler_url, {"audio": url, "language": "en", "initial_prompt": prompt})
    assert result["status"] == "COMPLETED", result

    log = handler_log.read_text(encoding="utf-8", errors="replace")
    assert f"'audio': 'URL ({len(url)} chars)'" in log
    assert f"'initial_prompt': '({len(prompt)} chars)'" in log
    for secret in ("secret-name", "X-Amz-Signature", "Pryanishnikova", "interview"):
        assert secret not in log
