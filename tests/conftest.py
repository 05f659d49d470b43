"""Shared fixtures: generated audio, moto's S3 server, the fake RunPod API, the real panel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.audio import concat_wav, make_m4a, silence_wav, speak_wav
from tests.support.fake_runpod import FakeRunPod, run_fake_runpod
from tests.support.s3 import S3Info, moto_s3

INTERVIEW_TEXT = "Hello and welcome to the interview. Thank you for coming today."


@pytest.fixture(scope="session")
def speech_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few seconds of espeak-ng English speech followed by a second of silence."""
    root = tmp_path_factory.mktemp("audio")
    speech = speak_wav(INTERVIEW_TEXT, root / "speech.wav")
    return concat_wav([speech, silence_wav(root / "silence.wav", 1.0)], root / "interview.wav")


@pytest.fixture(scope="session")
def speech_m4a(speech_wav: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_m4a(speech_wav, tmp_path_factory.mktemp("m4a") / "Интервью 1.m4a")


@pytest.fixture
def s3() -> Iterator[S3Info]:
    with moto_s3() as info:
        yield info


@pytest.fixture
def fake_runpod() -> Iterator[FakeRunPod]:
    with run_fake_runpod() as fake:
        yield fake
