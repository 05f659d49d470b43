"""What the worker skipped (alignment, speakers) reaches the finished job's status line in the panel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.fake_runpod import FakeRunPod
from tests.support.panel import run_panel
from tests.support.s3 import S3Info
from tests.support.whisperx_output import whisperx_output

SKIPPED = "speakers skipped: could not load pyannote/speaker-diarization-community-1 (hub unreachable)"


def remote(fake: FakeRunPod, s3: S3Info) -> dict[str, Any]:
    return {"engine": "runpod", **fake.settings_overrides(), **s3.settings_overrides()}


def test_a_transcript_with_skipped_speakers_completes_and_says_so(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    fake_runpod.next_result = {**whisperx_output("ru"), "warnings": [SKIPPED]}
    with run_panel(tmp_path, **remote(fake_runpod, s3)) as panel:
        job_id = panel.upload(speech_m4a).json()["job_id"]
        panel.wait_for(job_id, {"uploaded"})
        assert panel.client.post(f"/api/transcribe/{job_id}", json={"diarize": True}).status_code == 202
        done = panel.wait_for(job_id, {"completed", "failed"})
        assert done["status"] == "completed", done
        assert done["step"] == f"Done — {SKIPPED}"
        assert panel.client.get(f"/api/results/{job_id}").json()["segments"]
