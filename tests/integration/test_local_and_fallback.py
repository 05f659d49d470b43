"""The embedded default (no cloud at all) and the fall back to it when the cloud is down."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.test_pipeline import upload_and_start
from tests.support.models import TINY_EN as TINY_EN_PATH
from tests.support.panel import run_panel
from tests.support.s3 import S3Info
from tests.support.servers import free_port

TINY_EN = str(TINY_EN_PATH)

pytestmark = pytest.mark.slow


def words_of(result: dict) -> str:
    return " ".join(s["text"] for s in result["segments"]).lower()


def test_first_run_without_any_cloud_transcribes_locally(tmp_path: Path, speech_m4a: Path) -> None:
    with run_panel(tmp_path, engine="auto", local_model=TINY_EN, default_language="en") as panel:
        assert panel.client.get("/api/config").json()["engine"] == "local"
        job_id = upload_and_start(panel, speech_m4a)
        job = panel.wait_for(job_id, {"completed"}, timeout=300)
        assert job["engine"] == "local" and job["cost_usd"] is None
        result = panel.client.get(f"/api/results/{job_id}").json()
        text = words_of(result)
        assert "welcome" in text and "thank you" in text
        # Speakers were found on this computer too: one voice, one speaker.
        assert result["source"]["diarization"] == "local"
        assert {s["speaker"] for s in result["segments"]} == {"SPEAKER_00"}
        starts = [w["start"] for s in result["segments"] for w in s["words"] if w["start"] is not None]
        assert starts == sorted(starts) and 0 <= starts[0] < starts[-1] <= job["duration"]


def test_local_job_interrupted_by_a_restart_runs_again(tmp_path: Path, speech_m4a: Path) -> None:
    settings = {"engine": "local", "local_model": TINY_EN, "default_language": "en"}
    with run_panel(tmp_path, **settings) as panel:
        job_id = upload_and_start(panel, speech_m4a)
        panel.wait_for(job_id, {"queued", "transcribing"})
    with run_panel(tmp_path, **settings) as panel:
        panel.wait_for(job_id, {"completed"}, timeout=300)
        assert "welcome" in words_of(panel.client.get(f"/api/results/{job_id}").json())


def test_unreachable_runpod_falls_back_to_local(tmp_path: Path, s3: S3Info, speech_m4a: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}/v2"  # nothing listens there
    settings = {
        **s3.settings_overrides(),
        "engine": "runpod",
        "runpod_api_key": "rpa_whatever",
        "runpod_endpoint_id": "endpoint1",
        "runpod_api_url": dead,
        "fallback_to_local": True,
        "remote_unreachable_seconds": 1.0,
        "local_model": TINY_EN,
        "default_language": "en",
    }
    with run_panel(tmp_path, **settings) as panel:
        job_id = upload_and_start(panel, speech_m4a)
        job = panel.wait_for(job_id, {"completed"}, timeout=300)
        assert job["engine"] == "local"
        assert "RunPod unreachable" in job["fallback_reason"]
        assert "welcome" in words_of(panel.client.get(f"/api/results/{job_id}").json())
        raw = json.loads((tmp_path / "results" / job_id / "transcript.json").read_text())
        assert raw["source"]["engine"] == "local"


def test_unreachable_runpod_without_fallback_fails_clearly(
    tmp_path: Path, s3: S3Info, speech_m4a: Path
) -> None:
    settings = {
        **s3.settings_overrides(),
        "engine": "runpod",
        "runpod_api_key": "rpa_whatever",
        "runpod_endpoint_id": "endpoint1",
        "runpod_api_url": f"http://127.0.0.1:{free_port()}/v2",
        "fallback_to_local": False,
        "remote_unreachable_seconds": 1.0,
    }
    with run_panel(tmp_path, **settings) as panel:
        job = panel.wait_for(upload_and_start(panel, speech_m4a), {"failed"})
        assert "RunPod unreachable" in job["error"]
