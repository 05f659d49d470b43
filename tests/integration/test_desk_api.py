"""The desk's own routes on the real panel: uploads in pieces that survive a reload, cancel,
estimates before Start, and a retry with a smaller model."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.audio import silence_wav
from tests.support.panel import Panel, run_panel


@pytest.fixture
def panel(tmp_path: Path) -> Iterator[Panel]:
    with run_panel(tmp_path) as p:
        yield p


def open_upload(panel: Panel, data: bytes, name: str = "talk.wav") -> dict:
    r = panel.client.post(
        "/api/uploads", json={"filename": name, "size": len(data), "fingerprint": f"{name}|1"}
    )
    assert r.status_code == 201, r.text
    return r.json()


def test_an_interrupted_upload_resumes_from_the_part_received(panel: Panel, tmp_path: Path) -> None:
    data = silence_wav(tmp_path / "talk.wav", 3.0).read_bytes()
    first = open_upload(panel, data)
    half = len(data) // 2
    r = panel.client.put(f"/api/uploads/{first['upload_id']}", params={"offset": 0}, content=data[:half])
    assert r.json()["received"] == half

    # A reload: the page asks again for the same file and learns where to go on from.
    again = open_upload(panel, data)
    assert again["upload_id"] == first["upload_id"] and again["received"] == half
    wrong = panel.client.put(f"/api/uploads/{again['upload_id']}", params={"offset": 0}, content=data)
    assert wrong.status_code == 409 and str(half) in wrong.json()["detail"]
    early = panel.client.post(f"/api/uploads/{again['upload_id']}/finish")
    assert early.status_code == 409
    rest = panel.client.put(
        f"/api/uploads/{again['upload_id']}", params={"offset": half}, content=data[half:]
    )
    assert rest.json()["received"] == len(data)

    job = panel.client.post(f"/api/uploads/{again['upload_id']}/finish").json()
    assert job["status"] == "uploaded" and job["filename"] == "talk.wav"
    assert job["duration"] == pytest.approx(3.0, abs=0.1)
    stored = Path(panel.settings.upload_dir) / job["job_id"] / "talk.wav"
    assert stored.read_bytes() == data
    assert os.listdir(Path(panel.settings.upload_dir) / ".partial") == []


def test_a_cancelled_upload_leaves_nothing(panel: Panel) -> None:
    up = open_upload(panel, b"x" * 1000)
    panel.client.put(f"/api/uploads/{up['upload_id']}", params={"offset": 0}, content=b"x" * 500)
    assert panel.client.delete(f"/api/uploads/{up['upload_id']}").status_code == 204
    assert panel.client.get(f"/api/uploads/{up['upload_id']}").status_code == 404
    assert panel.client.get("/api/jobs").json()["jobs"] == []


def test_a_finished_upload_that_is_not_audio_is_refused_and_removed(panel: Panel) -> None:
    data = b"these are my notes, not a recording\n" * 20
    up = open_upload(panel, data, "notes.wav")
    panel.client.put(f"/api/uploads/{up['upload_id']}", params={"offset": 0}, content=data)
    r = panel.client.post(f"/api/uploads/{up['upload_id']}/finish")
    assert r.status_code == 400 and "not usable audio" in r.json()["detail"]
    assert [d for d in os.listdir(panel.settings.upload_dir) if not d.startswith(".")] == []


def test_more_data_than_the_file_is_refused(panel: Panel) -> None:
    up = open_upload(panel, b"x" * 10)
    r = panel.client.put(f"/api/uploads/{up['upload_id']}", params={"offset": 0}, content=b"x" * 11)
    assert r.status_code == 400


def test_estimate_before_start_scales_with_the_recording(panel: Panel, tmp_path: Path) -> None:
    job = panel.upload(silence_wav(tmp_path / "one.wav", 4.0)).json()
    e = panel.client.get(f"/api/jobs/{job['job_id']}/estimate").json()
    assert e["engine"] == "local" and e["basis"] == "typical" and e["cost_usd"] == 0.0
    assert e["seconds"] > 0
    schema = panel.client.get("/openapi.json").json()
    assert "EstimateOut" in schema["components"]["schemas"]
