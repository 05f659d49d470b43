"""Bad input gets a clear error and loses nothing; odd names never become paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.audio import silence_wav
from tests.support.panel import Panel, run_panel


@pytest.fixture
def panel(tmp_path: Path) -> Panel:
    with run_panel(tmp_path, max_upload_mb=1) as p:
        yield p


def job_dirs(panel: Panel) -> list[str]:
    return sorted(os.listdir(panel.settings.upload_dir))


def test_text_file_named_like_audio_is_refused(panel: Panel, tmp_path: Path) -> None:
    fake = tmp_path / "notes.m4a"
    fake.write_text("these are my interview notes, not audio")
    r = panel.upload(fake)
    assert r.status_code == 400
    assert "not usable audio" in r.json()["detail"] and "notes.m4a" in r.json()["detail"]
    assert job_dirs(panel) == []
    assert panel.client.get("/api/jobs").json()["jobs"] == []


def test_empty_file_is_refused(panel: Panel, tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    r = panel.upload(empty)
    assert r.status_code == 400 and "empty" in r.json()["detail"]
    assert job_dirs(panel) == []


def test_truncated_m4a_is_refused(panel: Panel, speech_m4a: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.m4a"
    cut.write_bytes(speech_m4a.read_bytes()[: speech_m4a.stat().st_size // 2])
    r = panel.upload(cut)
    assert r.status_code == 400, r.text
    assert job_dirs(panel) == []


def test_oversize_upload_stops_with_413_and_leaves_nothing(panel: Panel, tmp_path: Path) -> None:
    big = silence_wav(tmp_path / "long.wav", 40.0)  # 16 kHz 16-bit: about 1.3 MB > 1 MB limit
    r = panel.upload(big)
    assert r.status_code == 413
    assert "1 MB" in r.json()["detail"]
    assert job_dirs(panel) == []


def test_oversize_without_content_length_is_cut_off(panel: Panel, tmp_path: Path) -> None:
    big = silence_wav(tmp_path / "long.wav", 40.0)
    boundary = "scribedeskboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="long.wav"\r\n'
        "Content-Type: audio/wav\r\n\r\n"
    ).encode()

    def body():  # chunked: the server cannot know the size in advance
        yield head
        data = big.read_bytes()
        for i in range(0, len(data), 65536):
            yield data[i : i + 65536]
        yield f"\r\n--{boundary}--\r\n".encode()

    r = panel.client.post(
        "/api/upload", content=body(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    assert r.status_code == 413
    assert job_dirs(panel) == []


@pytest.mark.parametrize(
    "name",
    [
        "../../escape.wav",
        "<img src=x onerror=alert(1)>.wav",
        "Интервью «финал» №2.wav",
        "....wav",
        "a\\b.wav",
    ],
)
def test_odd_filenames_stay_inside_the_job_folder(panel: Panel, speech_wav: Path, name: str) -> None:
    r = panel.upload(speech_wav, name=name)
    assert r.status_code == 201, r.text
    job = r.json()
    assert job["status"] == "uploaded"  # no object storage configured: ready at once
    folder = panel.settings.upload_dir / job["job_id"]
    stored = list(folder.iterdir())
    assert len(stored) == 1 and stored[0].resolve().parent == folder.resolve()
    assert not (panel.settings.upload_dir.parent / "escape.wav").exists()
    audio = panel.client.get(f"/api/jobs/{job['job_id']}/audio")
    assert audio.content == speech_wav.read_bytes()


def test_audio_supports_range_requests(panel: Panel, speech_wav: Path) -> None:
    job_id = panel.upload(speech_wav).json()["job_id"]
    r = panel.client.get(f"/api/jobs/{job_id}/audio", headers={"Range": "bytes=100-199"})
    assert r.status_code == 206
    assert r.content == speech_wav.read_bytes()[100:200]


def test_request_without_a_file_field_is_refused(panel: Panel) -> None:
    r = panel.client.post("/api/upload", files={"audio": ("x.wav", b"RIFF")})
    assert r.status_code == 400 and "'file'" in r.json()["detail"]
    r = panel.client.post("/api/upload", json={"file": "x"})
    assert r.status_code == 400


@pytest.mark.parametrize("job_id", ["nosuchjob000", "..%2F..%2Fetc", "ABC", "a" * 64])
def test_unknown_or_malformed_job_ids_are_404(panel: Panel, job_id: str) -> None:
    for method, path in [
        ("GET", f"/api/jobs/{job_id}"),
        ("GET", f"/api/status/{job_id}"),
        ("GET", f"/api/results/{job_id}"),
        ("GET", f"/api/jobs/{job_id}/audio"),
        ("GET", f"/api/jobs/{job_id}/export/md"),
        ("POST", f"/api/transcribe/{job_id}"),
        ("POST", f"/api/jobs/{job_id}/cancel"),
        ("DELETE", f"/api/jobs/{job_id}"),
    ]:
        assert panel.client.request(method, path).status_code == 404, (method, path)


def test_invalid_options_are_refused(panel: Panel, speech_wav: Path) -> None:
    job_id = panel.upload(speech_wav).json()["job_id"]
    r = panel.client.post(f"/api/transcribe/{job_id}", json={"batch_size": 0})
    assert r.status_code == 422
    assert panel.client.get(f"/api/jobs/{job_id}").json()["status"] == "uploaded"


def test_results_before_completion_are_409(panel: Panel, speech_wav: Path) -> None:
    job_id = panel.upload(speech_wav).json()["job_id"]
    assert panel.client.get(f"/api/results/{job_id}").status_code == 409
    assert panel.client.get(f"/api/jobs/{job_id}/export/docx").status_code == 409
