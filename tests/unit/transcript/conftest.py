"""Shared loaders for the realistic worker-output fixtures in tests/data/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[2] / "data"


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture
def whisperx_ru() -> dict[str, Any]:
    """WhisperX, Russian, two speakers, an untimed digit word, a credit line on the silent tail."""
    return load("transcript_whisperx_ru.json")  # type: ignore[no-any-return]


@pytest.fixture
def kodxana_en() -> dict[str, Any]:
    """kodxana/whisperx-worker, English, two speakers, ends with a real "Thank you."."""
    return load("transcript_kodxana_en.json")  # type: ignore[no-any-return]


@pytest.fixture
def faster_whisper_ru() -> dict[str, Any]:
    """runpod-workers/worker-faster_whisper, Russian, flat word_timestamps, no speakers."""
    return load("transcript_faster_whisper_ru.json")  # type: ignore[no-any-return]
