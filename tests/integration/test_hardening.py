"""Issue 9, the attacker's and the unlucky user's cases that need no runner internals:
uploads served only as audio (1), deadlines on remote calls (4), control characters (6), secrets in
errors (7) and damaged rows or files (10). Real panel, moto S3 and the fake RunPod over HTTP."""

from __future__ import annotations

import io
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

import av
import pytest
from docx import Document

from scribedesk.engines.runpod import RunPodEngine
from tests.support.fake_runpod import QUOTE_INPUT, Ending, FakeRunPod
from tests.support.panel import Panel, run_panel
from tests.support.s3 import S3Info
from tests.support.whisperx_output import whisperx_output


def remote(fake: FakeRunPod, s3: S3Info, **more: Any) -> dict[str, Any]:
    return {"engine": "runpod", **fake.settings_overrides(), **s3.settings_overrides(), **more}


def raw_upload(panel: Panel, audio: Path, name: str) -> Any:
    """A multipart body built by hand, so the file name reaches the panel byte for byte."""
    boundary = "i9boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + audio.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    return panel.client.post("/api/upload", content=body, headers=headers)


def start(panel: Panel, audio: Path, name: str | None = None, **options: Any) -> str:
    r = raw_upload(panel, audio, name) if name else panel.upload(audio)
    assert r.status_code == 201, r.text
    job_id = str(r.json()["job_id"])
    panel.wait_for(job_id, {"uploaded"})
    assert panel.client.post(f"/api/transcribe/{job_id}", json=options).status_code == 202
    return job_id


def mp3_bytes(wav: Path) -> bytes:
    out_buf = io.BytesIO()
    with av.open(str(wav)) as src, av.open(out_buf, "w", format="mp3") as out:
        stream = out.add_stream("mp3", rate=16000)
        stream.layout = "mono"
        for frame in src.decode(audio=0):
            frame.pts = None
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return out_buf.getvalue()


# --- 1: an upload never runs as script in the panel's origin ----------------------------------


@pytest.mark.parametrize("name", ["x.html", "x.svg", "x.js"])
def test_audio_is_served_as_its_probed_container_never_by_its_name(
    tmp_path: Path, speech_m4a: Path, name: str
) -> None:
    with run_panel(tmp_path) as panel:
        job_id = panel.upload(speech_m4a, name).json()["job_id"]
        r = panel.client.get(f"/api/jobs/{job_id}/audio")
        assert r.status_code == 200 and r.content == speech_m4a.read_bytes()
        assert r.headers["content-type"] == "audio/mp4"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert any("sandbox" in v for v in r.headers.get_list("content-security-policy"))
        disposition = r.headers["content-disposition"]
        assert disposition.startswith("inline") and "audio.m4a" in disposition and "html" not in disposition


def test_script_with_mp3_frames_in_a_comment_is_served_as_mp3_in_a_sandbox(
    tmp_path: Path, speech_wav: Path
) -> None:
    polyglot = tmp_path / "player.js"
    polyglot.write_bytes(b"/*" + mp3_bytes(speech_wav) + b"*/\nfetch('/api/jobs');\n")
    with run_panel(tmp_path) as panel:
        r = panel.upload(polyglot)
        assert r.status_code == 201, r.text  # FFmpeg reads it as MP3: it is audio, and only audio
        audio = panel.client.get(f"/api/jobs/{r.json()['job_id']}/audio")
        assert audio.headers["content-type"] == "audio/mpeg"
        assert "javascript" not in audio.headers["content-type"]
        assert any("sandbox" in v for v in audio.headers.get_list("content-security-policy"))


# --- 4: an overall deadline on every remote call ------------------------------------------------


def test_a_trickling_status_answer_ends_in_unreachable_not_queued_forever(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    fake_runpod.trickle_next("status", 0.2, times=10_000)  # ~100 bytes at 5 bytes/s: 20 s an answer

    def factory(name: str) -> RunPodEngine:
        return RunPodEngine(panel.settings, call_deadline=0.5)

    overrides = remote(fake_runpod, s3, remote_unreachable_seconds=2)
    with run_panel(tmp_path, engine_factory=factory, **overrides) as panel:
        job_id = start(panel, speech_m4a)
        job = panel.wait_for(job_id, {"failed"}, timeout=60)
        assert "unreachable" in job["error"] and "within 0.5 s" in job["error"]
        assert len(fake_runpod.submissions) == 1


# --- 6: control characters never break a job ----------------------------------------------------


def test_control_characters_in_worker_text_file_name_and_edits(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    output = whisperx_output("en")
    output["segments"][0]["text"] = " Hello\x00 and\x1b[31m welcome\x0b."
    output["segments"][0]["words"][0]["word"] = "Hello\x00"
    fake_runpod.next_result = output
    with run_panel(tmp_path, **remote(fake_runpod, s3)) as panel:
        job_id = start(panel, speech_m4a, name="Inter\x1bview\x07.m4a")
        panel.wait_for(job_id, {"completed"})
        job = panel.client.get(f"/api/jobs/{job_id}").json()
        assert job["filename"] == "Interview.m4a"
        seg0 = panel.client.get(f"/api/results/{job_id}").json()["segments"][0]
        assert seg0["text"] == "Hello and[31m welcome."

        r = panel.client.post(
            f"/api/jobs/{job_id}/edits",
            json={"op": "edit_text", "segment_id": 1, "text": "Bad\x1b text\x00 here"},
        )
        assert r.status_code == 200, r.text
        r = panel.client.put(f"/api/jobs/{job_id}/speakers", json={"SPEAKER_00": "Ann\x00a\nB"})
        assert r.status_code == 200 and r.json()["speakers"]["SPEAKER_00"] == "Anna B"
        docx = panel.client.get(f"/api/jobs/{job_id}/export/docx")
        assert docx.status_code == 200
        text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
        assert "Bad text here" in text and "Anna B" in text
        assert panel.client.post(f"/api/jobs/{job_id}/undo").status_code == 200


def test_a_transcript_saved_with_control_characters_still_exports(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    with run_panel(tmp_path, **remote(fake_runpod, s3)) as panel:
        job_id = start(panel, speech_m4a)
        panel.wait_for(job_id, {"completed"})
        path = tmp_path / "results" / job_id / "transcript.json"
        saved = json.loads(path.read_text())
        saved["segments"][0]["text"] = "Hel\x1blo\x00"  # saved by an older version
        path.write_text(json.dumps(saved))
        assert panel.client.get(f"/api/jobs/{job_id}/export/docx").status_code == 200
        r = panel.client.post(
            f"/api/jobs/{job_id}/edits", json={"op": "set_hidden", "segment_id": 1, "hidden": True}
        )
        assert r.status_code == 200, r.text


# --- 7: secrets and signed URLs never reach the page or the log ---------------------------------


def test_a_failed_download_quoting_the_presigned_url_shows_no_signature(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake_runpod.end_next(Ending("FAILED", error=QUOTE_INPUT))
    caplog.set_level(logging.INFO)
    with run_panel(tmp_path, **remote(fake_runpod, s3, worker_api_key="desk")) as panel:
        job_id = start(panel, speech_m4a)
        job = panel.wait_for(job_id, {"failed"})
        sent_url = fake_runpod.submissions[0]["input"]["audio"]
        assert "X-Amz-Signature=" in sent_url  # the worker really got a signed URL
        error = job["error"]
        # no mangling: the object key (the Opus copy or the original) survives redaction whole
        assert "Could not download" in error and sent_url.split("?")[0] in error
        assert "X-Amz-Signature" not in error and "X-Amz-Credential" not in error
        shown = panel.client.get("/api/jobs").text + panel.client.get(f"/api/status/{job_id}").text
        assert sent_url.split("?")[1] not in shown
        for secret in panel.settings.secret_values():
            assert (secret not in shown and secret not in caplog.text) or secret == "desk"
        assert "X-Amz-Signature" not in caplog.text


# --- 10: one damaged row or file never takes the panel down -------------------------------------


def test_a_damaged_row_is_quarantined_and_everything_else_works(tmp_path: Path, speech_wav: Path) -> None:
    with run_panel(tmp_path) as panel:
        good = panel.upload(speech_wav).json()["job_id"]
        bad = panel.upload(speech_wav).json()["job_id"]
        odd = panel.upload(speech_wav).json()["job_id"]
    db = sqlite3.connect(tmp_path / "results" / "jobs.sqlite3")
    db.execute("UPDATE jobs SET data = '{not json' WHERE id = ?", (bad,))
    db.execute(
        "UPDATE jobs SET status = 'queued', data = replace(data, '\"uploaded\"', '\"weird\"') WHERE id = ?",
        (odd,),
    )
    db.commit()
    db.close()
    with run_panel(tmp_path) as panel:
        assert panel.client.get("/health").status_code == 200
        jobs = {j["job_id"]: j for j in panel.client.get("/api/jobs").json()["jobs"]}
        assert jobs[good]["status"] == "uploaded"
        for damaged in (bad, odd):
            assert jobs[damaged]["status"] == "failed"
            assert "record is damaged" in jobs[damaged]["error"]
            assert panel.client.get(f"/api/jobs/{damaged}").status_code == 200
        assert panel.client.post(f"/api/transcribe/{good}", json={}).status_code == 202
        assert panel.client.delete(f"/api/jobs/{bad}").status_code == 204
        assert bad not in {j["job_id"] for j in panel.client.get("/api/jobs").json()["jobs"]}


def test_a_truncated_transcript_or_undo_snapshot_is_set_aside_with_a_way_back(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    with run_panel(tmp_path, **remote(fake_runpod, s3)) as panel:
        job_id = start(panel, speech_m4a)
        panel.wait_for(job_id, {"completed"})
        folder = tmp_path / "results" / job_id
        assert panel.client.put(f"/api/jobs/{job_id}/speakers", json={"SPEAKER_00": "A"}).status_code == 200
        snapshot = next((folder / "undo").glob("*.json"))
        snapshot.write_bytes(snapshot.read_bytes()[:40])
        r = panel.client.post(f"/api/jobs/{job_id}/undo")
        assert r.status_code == 409 and "damaged" in r.json()["detail"]
        assert panel.client.get(f"/api/results/{job_id}").json()["speakers"]["SPEAKER_00"] == "A"

        # A damaged transcript comes back from the newest undo step (only the last edit is lost)...
        assert panel.client.put(f"/api/jobs/{job_id}/speakers", json={"SPEAKER_00": "B"}).status_code == 200
        (folder / "transcript.json").write_bytes((folder / "transcript.json").read_bytes()[:100])
        r = panel.client.get(f"/api/results/{job_id}")
        assert r.status_code == 200 and r.json()["speakers"]["SPEAKER_00"] == "A"
        job = panel.client.get(f"/api/jobs/{job_id}").json()
        assert job["status"] == "completed" and "set aside" in job["step"] and "undo step" in job["step"]
        # ...or, with no undo step left, is rebuilt from the worker's saved output.
        (folder / "transcript.json").write_bytes(b'{"segments": [')
        r = panel.client.get(f"/api/results/{job_id}")
        assert r.status_code == 200 and r.json()["segments"]
        assert "saved output" in panel.client.get(f"/api/jobs/{job_id}").json()["step"]
        assert len(list(folder.glob("transcript.json.damaged*"))) == 2
        assert panel.client.get(f"/api/jobs/{job_id}/export/docx").status_code == 200
        assert len(fake_runpod.submissions) == 1  # rebuilt from raw.json, not paid again
