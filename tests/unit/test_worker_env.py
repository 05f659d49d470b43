"""worker/env.py: safe logging and telemetry defaults, model caches on the network volume, token check."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from worker import env

KEYS = (
    "RUNPOD_LOG_LEVEL",
    "PYANNOTE_METRICS_ENABLED",
    "MODEL_CACHE_DIR",
    "HF_HOME",
    "TORCH_HOME",
    "NLTK_DATA",
)


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in KEYS:  # registered, so whatever configure() sets is undone after the test
        monkeypatch.delenv(key, raising=False)


def test_sdk_logs_at_info_and_pyannote_telemetry_is_off_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    env.configure()
    assert os.environ["RUNPOD_LOG_LEVEL"] == "INFO"
    assert os.environ["PYANNOTE_METRICS_ENABLED"] == "false"
    monkeypatch.setenv("RUNPOD_LOG_LEVEL", "WARN")
    env.configure()
    assert os.environ["RUNPOD_LOG_LEVEL"] == "WARN"


def test_model_caches_move_to_an_attached_volume(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    volume = tmp_path / "runpod-volume"
    volume.mkdir()
    monkeypatch.setenv("MODEL_CACHE_DIR", str(volume / "scribedesk-cache"))
    monkeypatch.setenv("HF_HOME", "/models/hf")
    monkeypatch.setenv("NLTK_DATA", "/models/nltk")
    env.configure()
    env.configure()  # twice: still one volume entry
    cache = volume / "scribedesk-cache"
    assert os.environ["HF_HOME"] == str(cache / "hf")
    assert os.environ["TORCH_HOME"] == str(cache / "torch")
    assert os.environ["NLTK_DATA"].split(os.pathsep) == [str(cache / "nltk"), "/models/nltk"]
    assert all((cache / sub).is_dir() for sub in ("hf", "torch", "nltk"))


def test_without_the_volume_the_image_folders_stay(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MODEL_CACHE_DIR", str(tmp_path / "not-attached" / "scribedesk-cache"))
    monkeypatch.setenv("HF_HOME", "/models/hf")
    env.configure()
    assert os.environ["HF_HOME"] == "/models/hf"
    assert not (tmp_path / "not-attached").exists()


@pytest.mark.parametrize(
    ("token", "problem"),
    [(None, "set HF_TOKEN"), ("", "set HF_TOKEN"), ("abc123", "start with hf_"), ("hf_abc", None)],
)
def test_hf_token_is_checked_before_pyannote_drops_it(token: str | None, problem: str | None) -> None:
    found = env.hf_token_problem(token)
    assert found == problem if problem is None else problem in (found or "")
