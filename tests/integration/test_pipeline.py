"""The whole server-side journey over real HTTP: panel + moto S3 + the fake RunPod queue API."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from docx import Document

from tests.support.fake_runpod import NO_OUTPUT, Ending, FakeRunPod
from tests.support.panel import Panel, run_panel
from tests.support.s3 import S3Info


def remote(fake: FakeRunPod, s3: S3Info, **more: Any) -> dict[str, Any]:
    return {"engine": "runpod", **fake.settings_overrides(), **s3.settings_overrides(), **more}


def upload_and_start(panel: Panel, audio: Path, **options: Any) -> str:
    r = panel.upload(audio)
    assert r.status_code == 201, r.text
    job_id = r.json()["job_id"]
    panel.wait_for(job_id, {"uploaded"})
    r = panel.client.post(f"/api/transcribe/{job_id}", json=options)
    assert r.status_code == 202, r.text
    return str(job_id)


def sse_statuses(url: str, job_id: str, stop: threading.Event, seen: list[str]) -> None:
    with httpx.stream("GET", f"{url}/api/events", timeout=60) as r:
        for line in r.iter_lines():
            if line.startswith("data:"):
                data = json.loads(line[5:])
                if data.get("job_id") == job_id and (not seen or seen[-1] != data.get("status")):
                    seen.append(data["status"])
            if stop.is_set() or (seen and seen[-1] in ("completed", "failed")):
                return


def test_upload_transcribe_review_and_export(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    with run_panel(tmp_path, **remote(fake_runpod, s3, gpu_price_per_hour=0.69)) as panel:
        r = panel.upload(speech_m4a)
        assert r.status_code == 201, r.text
        job = r.json()
        assert job["filename"] == "Интервью 1.m4a"
        assert job["size"] == speech_m4a.stat().st_size
        assert 4 < job["duration"] < 15
        job_id = job["job_id"]
        panel.wait_for(job_id, {"uploaded"})

        key = f"scribedesk/{job_id}/audio.m4a"
        head = s3.client().head_object(Bucket=s3.bucket, Key=key)
        assert head["ContentLength"] == speech_m4a.stat().st_size

        seen: list[str] = []
        stop = threading.Event()
        listener = threading.Thread(target=sse_statuses, args=(panel.url, job_id, stop, seen))
        listener.start()
        r = panel.client.post(f"/api/transcribe/{job_id}", json={"language": "ru", "max_speakers": 2})
        assert r.status_code == 202
        done = panel.wait_for(job_id, {"completed"})
        listener.join(timeout=30)
        stop.set()
        assert seen[-1] == "completed"
        assert {"queued", "transcribing", "processing"} <= set(seen)

        sent = fake_runpod.submissions[0]
        assert sent["input"]["audio"].startswith(s3.endpoint_url)  # a presigned URL
        assert sent["input"]["language"] == "ru" and sent["input"]["max_speakers"] == 2
        assert sent["policy"]["executionTimeout"] >= 600_000
        assert done["delay_time_ms"] == fake_runpod.delay_time_ms
        assert done["cost_usd"] == pytest.approx(61.5 / 3600 * 0.69, abs=1e-3)

        raw = json.loads((tmp_path / "results" / job_id / "raw.json").read_text())
        assert raw == fake_runpod.default_output  # saved untouched

        result = panel.client.get(f"/api/results/{job_id}").json()
        assert result["language"] == "ru"
        assert set(result["speakers"]) == {"SPEAKER_00", "SPEAKER_01"}
        assert all(seg["words"] for seg in result["segments"])

        r = panel.client.put(f"/api/jobs/{job_id}/speakers", json={"SPEAKER_00": "Интервьюер"})
        assert r.json()["speakers"]["SPEAKER_00"] == "Интервьюер"

        md = panel.client.get(f"/api/jobs/{job_id}/export/md")
        assert "**Интервьюер**" in md.text and "SPEAKER_00" not in md.text
        assert "filename*=UTF-8''%D0%98%D0%BD%D1%82" in md.headers["content-disposition"]
        docx = panel.client.get(f"/api/jobs/{job_id}/export/docx")
        text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
        assert "Интервьюер" in text
        data = panel.client.get(f"/api/jobs/{job_id}/export/json").json()
        assert data["speakers"]["SPEAKER_00"] == "Интервьюер"
        # The export files kept beside the transcript follow the rename too.
        saved = (tmp_path / "results" / job_id / "exports" / "Интервью 1.md").read_text()
        assert "**Интервьюер**" in saved


def test_flagged_credit_line_is_hidden_from_exports_but_kept(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    from tests.support.whisperx_output import whisperx_output

    fake_runpod.next_result = whisperx_output("ru", credit_line=True, duration=60.0)
    with run_panel(tmp_path, **remote(fake_runpod, s3)) as panel:
        job_id = upload_and_start(panel, speech_m4a)
        panel.wait_for(job_id, {"completed"})
        result = panel.client.get(f"/api/results/{job_id}").json()
        flagged = [s for s in result["segments"] if s["flags"]]
        assert flagged and "DimaTorzok" in flagged[-1]["text"] and flagged[-1]["hidden"]
        assert "DimaTorzok" not in panel.client.get(f"/api/jobs/{job_id}/export/md").text
        shown = panel.client.get(f"/api/jobs/{job_id}/export/md", params={"include_flagged": 1}).text
        assert "DimaTorzok" in shown
        # The speech timeline was computed once from the upload and kept beside the job (issue 10).
        timeline = json.loads((tmp_path / "results" / job_id / "speech.json").read_text())
        assert timeline["regions"] and timeline["regions"][0][0] < 1.0 < timeline["regions"][-1][1]


@pytest.mark.parametrize(
    ("arrange", "message"),
    [
        (lambda f: f.fail_next("run", 401), "API key"),
        (lambda f: f.end_next(Ending("COMPLETED", output=NO_OUTPUT)), "no output"),
        (lambda f: f.end_next(Ending("FAILED", error="CUDA out of memory")), "CUDA out of memory"),
        (lambda f: f.end_next(Ending("COMPLETED", output={"error": "audio not found"})), "audio not found"),
        (lambda f: f.end_next(Ending("COMPLETED", output={"segments": "nope"})), "could not be read"),
    ],
    ids=["401", "no-output", "failed", "output-error", "malformed-output"],
)
def test_remote_failures_end_with_a_clear_message(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path, arrange: Any, message: str
) -> None:
    arrange(fake_runpod)
    with run_panel(tmp_path, **remote(fake_runpod, s3)) as panel:
        job_id = upload_and_start(panel, speech_m4a)
        job = panel.wait_for(job_id, {"failed"})
        assert message in job["error"]
        assert job["can_retry"]
        assert fake_runpod.api_key not in json.dumps(job)


def test_wrong_endpoint_id_fails_with_a_hint(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    with run_panel(tmp_path, **remote(fake_runpod, s3, runpod_endpoint_id="nosuchendpoint")) as panel:
        job = panel.wait_for(upload_and_start(panel, speech_m4a), {"failed"})
        assert "RUNPOD_ENDPOINT_ID" in job["error"]


def test_rate_limits_and_server_errors_are_retried(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    fake_runpod.fail_next("run", 500, times=2)
    fake_runpod.fail_next("status", 429, times=2, retry_after=0)
    fake_runpod.fail_next("status", 502, times=1)
    with run_panel(tmp_path, **remote(fake_runpod, s3)) as panel:
        job = panel.wait_for(upload_and_start(panel, speech_m4a), {"completed"})
        assert job["error"] is None
        assert len(fake_runpod.submissions) == 1  # retries of a failed /run never doubled the job


def test_expired_remote_job_says_why(tmp_path: Path, s3: S3Info, speech_m4a: Path) -> None:
    from tests.support.fake_runpod import run_fake_runpod

    with run_fake_runpod(queued_polls=10_000) as fake, run_panel(tmp_path, **remote(fake, s3)) as panel:
        job_id = upload_and_start(panel, speech_m4a)
        panel.wait_for(job_id, {"queued"})
        while not fake.jobs:
            pass
        fake.expire(next(iter(fake.jobs)))
        job = panel.wait_for(job_id, {"failed"})
        assert "30 minutes" in job["error"]


def test_failed_processing_is_retried_without_paying_again(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    fake_runpod.end_next(Ending("COMPLETED", output={"segments": [{"text": "hi"}]}))
    with run_panel(tmp_path, **remote(fake_runpod, s3)) as panel:
        job_id = upload_and_start(panel, speech_m4a)
        panel.wait_for(job_id, {"failed"})
        raw_path = tmp_path / "results" / job_id / "raw.json"
        raw_path.write_text(json.dumps(fake_runpod.default_output))  # e.g. after a fix to normalize
        assert panel.client.post(f"/api/jobs/{job_id}/retry").status_code == 202
        panel.wait_for(job_id, {"completed"})
        assert len(fake_runpod.submissions) == 1


def test_cancel_while_queued_then_retry(tmp_path: Path, s3: S3Info, speech_m4a: Path) -> None:
    from tests.support.fake_runpod import run_fake_runpod

    with run_fake_runpod(queued_polls=10_000) as fake, run_panel(tmp_path, **remote(fake, s3)) as panel:
        job_id = upload_and_start(panel, speech_m4a)
        panel.wait_for(job_id, {"queued"})
        while not fake.jobs:
            pass
        r = panel.client.post(f"/api/jobs/{job_id}/cancel")
        assert r.status_code == 200 and r.json()["status"] == "cancelled"
        assert any(q["path"].endswith(f"/cancel/{next(iter(fake.jobs))}") for q in fake.requests)
        assert panel.client.post(f"/api/jobs/{job_id}/cancel").status_code == 409
        fake.queued_polls = 0
        assert panel.client.post(f"/api/jobs/{job_id}/retry").status_code == 202
        panel.wait_for(job_id, {"completed"})
        assert len(fake.submissions) == 2


def test_start_is_refused_until_the_upload_to_storage_is_done(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    s3.client().delete_bucket(Bucket=s3.bucket)
    with run_panel(tmp_path, **remote(fake_runpod, s3)) as panel:
        job_id = panel.upload(speech_m4a).json()["job_id"]
        job = panel.wait_for(job_id, {"failed"})
        assert s3.bucket in job["error"]  # the bucket the user must fix is named
        assert (tmp_path / "uploads" / job_id / "Интервью 1.m4a").exists()  # nothing lost
        assert panel.client.post(f"/api/transcribe/{job_id}", json={}).status_code == 409
        s3.client().create_bucket(Bucket=s3.bucket)
        assert panel.client.post(f"/api/jobs/{job_id}/retry").status_code == 202
        panel.wait_for(job_id, {"uploaded"})
        assert panel.client.post(f"/api/transcribe/{job_id}", json={}).status_code == 202
        panel.wait_for(job_id, {"completed"})


def test_delete_removes_files_and_the_stored_object(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    with run_panel(tmp_path, **remote(fake_runpod, s3)) as panel:
        job_id = upload_and_start(panel, speech_m4a)
        panel.wait_for(job_id, {"completed"})
        assert panel.client.delete(f"/api/jobs/{job_id}").status_code == 204
        assert panel.client.get(f"/api/jobs/{job_id}").status_code == 404
        assert not (tmp_path / "uploads" / job_id).exists()
        assert not (tmp_path / "results" / job_id).exists()
        listed = s3.client().list_objects_v2(Bucket=s3.bucket).get("Contents", [])
        assert listed == []


def test_health_reports_reachability_without_secrets(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod
) -> None:
    with run_panel(tmp_path, **remote(fake_runpod, s3)) as panel:
        r = panel.client.get("/health")
        body = r.json()
        assert body["engine"] == "runpod"
        assert body["storage"]["configured"] and body["storage"]["ok"]
        assert body["runpod"]["reachable"]
        for secret in (fake_runpod.api_key, s3.secret_key, s3.access_key):
            assert secret not in r.text
