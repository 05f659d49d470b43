"""Exactly-once on our own worker: output kept on the volume under job_key, a repeat answered from it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.audio import speak_wav
from tests.support.models import TINY_EN
from worker import handler

pytestmark = pytest.mark.slow

SENTENCE = "Hello world. Thank you for joining this interview today."


@pytest.fixture
def volume(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "runpod-volume"
    root.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WORKER_VOLUME_ROOT", str(root))
        mp.setenv("AUDIO_ROOTS", str(tmp_path))
        mp.setenv("WHISPER_MODEL", str(TINY_EN))
        mp.setenv("WHISPER_DEVICE", "cpu")
        mp.setenv("WHISPER_COMPUTE_TYPE", "int8")
        yield root


def run(payload: dict[str, Any]) -> dict[str, Any]:
    return handler.handler({"id": "rp-1", "input": payload})


def test_output_is_stored_before_returning_and_a_repeat_is_answered_from_it(
    volume: Path, tmp_path: Path
) -> None:
    wav = speak_wav(SENTENCE, tmp_path / "speech.wav")
    first = run({"audio": str(wav), "language": "en", "align": False, "job_key": "job-42"})
    assert "error" not in first, first
    stored = volume / "scribedesk" / "job-42" / "output.json"
    assert json.loads(stored.read_text(encoding="utf-8")) == first
    assert [p.name for p in stored.parent.iterdir()] == ["output.json"]  # no temporary file left

    wav.unlink()  # transcribing again would now fail: the answer must come from the volume
    again = run({"audio": str(wav), "language": "en", "align": False, "job_key": "job-42"})
    assert again == first
    assert "interview" in " ".join(s["text"] for s in again["segments"]).lower()


def test_errors_are_not_stored_so_a_fixed_retry_transcribes(volume: Path, tmp_path: Path) -> None:
    wav = tmp_path / "later.wav"
    failed = run({"audio": str(wav), "job_key": "job-7"})
    assert "audio file not found" in failed["error"]
    assert not (volume / "scribedesk" / "job-7").exists()

    speak_wav(SENTENCE, wav)
    done = run({"audio": str(wav), "language": "en", "job_key": "job-7"})
    assert "hello" in " ".join(s["text"] for s in done["segments"]).lower()
    assert (volume / "scribedesk" / "job-7" / "output.json").is_file()


def test_without_a_volume_nothing_is_written_and_the_job_still_completes(tmp_path: Path) -> None:
    wav = speak_wav(SENTENCE, tmp_path / "speech.wav")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WORKER_VOLUME_ROOT", str(tmp_path / "no-volume"))
        mp.setenv("AUDIO_ROOTS", str(tmp_path))
        mp.setenv("WHISPER_MODEL", str(TINY_EN))
        mp.setenv("WHISPER_DEVICE", "cpu")
        out = run({"audio": str(wav), "language": "en", "job_key": "job-1"})
    assert "world" in " ".join(s["text"] for s in out["segments"]).lower()
    assert not (tmp_path / "no-volume").exists()


@pytest.mark.parametrize("key", ["../escape", "a/b", "", "x" * 129, ".hidden"])
def test_a_key_that_is_not_a_plain_name_is_refused(volume: Path, key: str) -> None:
    out = run({"audio": "/runpod-volume/a.wav", "job_key": key})
    assert "job_key must be 1-128 letters" in out["error"]
    assert list(volume.iterdir()) == []


def test_a_corrupt_stored_output_is_transcribed_again(volume: Path, tmp_path: Path) -> None:
    wav = speak_wav(SENTENCE, tmp_path / "speech.wav")
    folder = volume / "scribedesk" / "job-9"
    folder.mkdir(parents=True)
    (folder / "output.json").write_text('{"segments": [', encoding="utf-8")  # a torn write from elsewhere
    out = run({"audio": str(wav), "language": "en", "job_key": "job-9"})
    assert "thank you" in " ".join(s["text"] for s in out["segments"]).lower()
    assert json.loads((folder / "output.json").read_text(encoding="utf-8")) == out
