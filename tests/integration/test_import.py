"""Import for review: a recording plus a transcript from another tool becomes a reviewable job with
the same flags, edits and exports as a transcribed one; bad files get a clear 400 and change nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.panel import Panel, run_panel

SRT = (
    "0\n00:00:00,300 --> 00:00:02,400\nHello and welcome to the interview.\n\n"
    "1\n00:00:02,600 --> 00:00:04,800\nThank you for coming today.\n\n"
    "2\n00:00:05,000 --> 00:00:06,400\nSubtitles by the Amara.org community\n\n"
    "3\n00:00:07,000 --> 00:00:07,500\n\n"
)


@pytest.fixture
def panel(tmp_path: Path) -> Panel:
    with run_panel(tmp_path) as p:
        yield p


def uploaded(panel: Panel, audio: Path) -> str:
    r = panel.upload(audio)
    assert r.status_code == 201, r.text
    job_id: str = r.json()["job_id"]
    panel.wait_for(job_id, {"uploaded"})
    return job_id


def test_srt_import_is_reviewed_and_exported_like_a_run(
    panel: Panel, speech_m4a: Path, tmp_path: Path
) -> None:
    job_id = uploaded(panel, speech_m4a)
    r = panel.client.post(
        f"/api/jobs/{job_id}/import", params={"filename": "other tool.srt", "language": "en"}, content=SRT
    )
    assert r.status_code == 202, r.text
    assert r.json()["job_id"] == job_id
    job = panel.wait_for(job_id, {"completed"})
    assert job["engine"] == "import" and job["cost_usd"] is None
    result = panel.client.get(f"/api/results/{job_id}").json()
    texts = [s["text"] for s in result["segments"]]
    assert texts == [
        "Hello and welcome to the interview.",
        "Thank you for coming today.",
        "Subtitles by the Amara.org community",
    ]
    credit = result["segments"][-1]
    assert credit["hidden"] and "hallucination:credit-line" in credit["flags"]
    md = panel.client.get(f"/api/jobs/{job_id}/export/md").text
    assert "welcome to the interview" in md and "Amara" not in md
    edit = {"op": "edit_text", "segment_id": 0, "text": "Hello, and welcome to the interview."}
    assert panel.client.post(f"/api/jobs/{job_id}/edits", json=edit).status_code == 200
    assert "Hello, and welcome" in panel.client.get(f"/api/jobs/{job_id}/export/txt").text
    assert (tmp_path / "results" / job_id / "speech.json").exists()


def test_whisperx_json_import_keeps_speakers(panel: Panel, speech_m4a: Path) -> None:
    from tests.support.whisperx_output import whisperx_output

    job_id = uploaded(panel, speech_m4a)
    data = json.dumps({"result": whisperx_output("ru", duration=5.0)}, ensure_ascii=False).encode()
    assert (
        panel.client.post(
            f"/api/jobs/{job_id}/import", params={"filename": "x.json"}, content=data
        ).status_code
        == 202
    )
    panel.wait_for(job_id, {"completed"})
    result = panel.client.get(f"/api/results/{job_id}").json()
    assert result["language"] == "ru" and result["speakers"]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"just my notes", 400, "not a transcript"),
        (b"{broken", 400, "not valid JSON"),
        (b"", 400, "request body"),
    ],
)
def test_bad_transcript_files_say_why_and_change_nothing(
    panel: Panel, speech_m4a: Path, body: bytes, status: int, message: str
) -> None:
    job_id = uploaded(panel, speech_m4a)
    r = panel.client.post(f"/api/jobs/{job_id}/import", params={"filename": "notes.txt"}, content=body)
    assert r.status_code == status and message in r.json()["detail"]
    assert panel.client.get(f"/api/jobs/{job_id}").json()["status"] == "uploaded"


def test_import_needs_an_uploaded_job(panel: Panel, speech_m4a: Path) -> None:
    assert panel.client.post("/api/jobs/aaaaaaaaaaaa/import", content=SRT).status_code == 404
    job_id = uploaded(panel, speech_m4a)
    assert panel.client.post(f"/api/jobs/{job_id}/import", content=SRT).status_code == 202
    panel.wait_for(job_id, {"completed"})
    r = panel.client.post(f"/api/jobs/{job_id}/import", content=SRT)
    assert r.status_code == 409 and "before a run" in r.json()["detail"]
