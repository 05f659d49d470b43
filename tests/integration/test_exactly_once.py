"""Issue 9, the runner's cases: never pay twice, never leave a paid orphan, never lose the words.

Slow /run answers (2), cancel or delete while /run is in flight (3), delete during processing and
during an edit (5), disk full while the output arrives (9), and a crash between RunPod accepting
/run and the id being saved (11). Real panel, moto S3 standing for the network volume, and the fake
RunPod over HTTP, which plays our worker's side of the contract (output.json under the job_key).
"""

from __future__ import annotations

import copy
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from scribedesk.engines.runpod import RunPodEngine
from tests.support.fake_runpod import NO_OUTPUT, Ending, FakeRunPod, run_fake_runpod
from tests.support.panel import Panel, run_panel
from tests.support.s3 import S3Info
from tests.support.whisperx_output import whisperx_output


def remote(fake: FakeRunPod, s3: S3Info, **more: Any) -> dict[str, Any]:
    return {"engine": "runpod", **fake.settings_overrides(), **s3.settings_overrides(), **more}


def upload(panel: Panel, audio: Path) -> str:
    r = panel.upload(audio)
    assert r.status_code == 201, r.text
    job_id = str(r.json()["job_id"])
    panel.wait_for(job_id, {"uploaded"})
    return job_id


def start(panel: Panel, audio: Path) -> str:
    job_id = upload(panel, audio)
    assert panel.client.post(f"/api/transcribe/{job_id}", json={}).status_code == 202
    return job_id


def eventually(check: Callable[[], bool], what: str, timeout: float = 30) -> None:
    """A safety net for waiting on another process, not a speed assertion."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.02)


def long_output(copies: int) -> dict[str, Any]:
    """The English interview repeated `copies` times: enough text for processing to take a while."""
    base = whisperx_output("en")
    segments: list[dict[str, Any]] = []
    for n in range(copies):
        for seg in base["segments"]:
            moved = copy.deepcopy(seg)
            shift = n * 40.0
            moved["start"] += shift
            moved["end"] += shift
            for w in moved.get("words", []):
                for key in ("start", "end"):
                    if key in w:
                        w[key] += shift
            segments.append(moved)
    return {**base, "segments": segments, "word_segments": []}


@pytest.fixture
def timed_runpod(s3: S3Info) -> Iterator[FakeRunPod]:
    """Jobs move on with time, polled or not, and our worker's output.json lands on the 'volume'."""
    with run_fake_runpod(seconds_per_state=0.2) as fake:
        fake.volume = s3
        yield fake


# --- 2: a slow /run answer is not paid twice ----------------------------------------------------


def test_a_run_answer_slower_than_the_deadline_is_not_paid_twice(
    tmp_path: Path, s3: S3Info, timed_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    timed_runpod.run_delay = 1.5  # RunPod queued the job; its answer comes after the deadline

    def factory(name: str) -> RunPodEngine:
        return RunPodEngine(panel.settings, run_deadline=0.3)

    with run_panel(tmp_path, engine_factory=factory, **remote(timed_runpod, s3)) as panel:
        job_id = start(panel, speech_m4a)
        job = panel.wait_for(job_id, {"completed"})
        assert panel.client.get(f"/api/results/{job_id}").json()["segments"]
    assert len(timed_runpod.submissions) == 1
    assert timed_runpod.submissions[0]["input"]["job_key"] == job_id
    assert timed_runpod.transcriptions == 1
    assert job["error"] is None


# --- 11: a crash between /run accepted and the id saved ----------------------------------------


def test_a_crash_while_run_is_answered_does_not_submit_again_on_restart(
    tmp_path: Path, s3: S3Info, timed_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    timed_runpod.run_delay = 3.0
    with run_panel(tmp_path, **remote(timed_runpod, s3)) as panel:
        job_id = start(panel, speech_m4a)
        eventually(lambda: len(timed_runpod.submissions) == 1, "the /run request arrives")
    # The panel is gone before the answer came; RunPod runs the job anyway.
    timed_runpod.run_delay = 0.0
    with run_panel(tmp_path, **remote(timed_runpod, s3)) as panel:
        panel.wait_for(job_id, {"completed"})
    assert len(timed_runpod.submissions) == 1
    assert timed_runpod.transcriptions == 1


def test_a_third_party_schema_is_resubmitted_as_before(
    tmp_path: Path, s3: S3Info, timed_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    timed_runpod.run_delay = 3.0
    settings = remote(timed_runpod, s3, worker_schema="faster-whisper")
    with run_panel(tmp_path, **settings) as panel:
        job_id = start(panel, speech_m4a)
        eventually(lambda: len(timed_runpod.submissions) == 1, "the /run request arrives")
    timed_runpod.run_delay = 0.0
    with run_panel(tmp_path, **settings) as panel:
        panel.wait_for(job_id, {"completed"})
    assert "job_key" not in timed_runpod.submissions[-1]["input"]
    assert len(timed_runpod.submissions) == 2  # no key to match on: the known gap, documented


# --- 3: cancel or delete while /run is in flight ------------------------------------------------


@pytest.mark.parametrize("how", ["cancel", "delete"])
def test_cancel_or_delete_during_run_cancels_the_remote_job(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path, how: str
) -> None:
    fake_runpod.run_delay = 1.0
    with run_panel(tmp_path, **remote(fake_runpod, s3)) as panel:
        job_id = start(panel, speech_m4a)
        eventually(lambda: len(fake_runpod.submissions) == 1, "the /run request arrives")
        if how == "cancel":
            r = panel.client.post(f"/api/jobs/{job_id}/cancel")
            assert r.status_code == 200 and r.json()["status"] == "cancelled"
        else:
            assert panel.client.delete(f"/api/jobs/{job_id}").status_code == 204
        remote_job = next(iter(fake_runpod.jobs.values()))
        eventually(lambda: remote_job.status == "CANCELLED", "the paid remote job is cancelled")
        if how == "cancel":
            assert panel.client.get(f"/api/jobs/{job_id}").json()["status"] == "cancelled"
    assert len(fake_runpod.submissions) == 1


# --- 5: delete during processing or during an edit ----------------------------------------------


def test_delete_during_processing_leaves_no_file_behind(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    fake_runpod.next_result = long_output(150)
    with run_panel(tmp_path, **remote(fake_runpod, s3)) as panel:
        job_id = start(panel, speech_m4a)
        folder = tmp_path / "results" / job_id
        # transcript.json is written: the exports of 1,350 segments are being rendered in a thread now.
        eventually(lambda: (folder / "transcript.json").exists(), "the transcript is saved")
        assert panel.client.delete(f"/api/jobs/{job_id}").status_code == 204
        assert not folder.exists()
        # Threads the job started must not write its files back after the answer.
        for _ in range(100):
            time.sleep(0.03)
            assert not folder.exists(), sorted(str(p) for p in folder.rglob("*"))
        assert panel.client.get(f"/api/jobs/{job_id}").status_code == 404


def test_delete_during_an_edit_is_clean(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    fake_runpod.next_result = long_output(150)
    with run_panel(tmp_path, **remote(fake_runpod, s3)) as panel:
        job_id = start(panel, speech_m4a)
        panel.wait_for(job_id, {"completed"}, timeout=180)
        answers: list[int] = []

        def edit() -> None:
            with httpx.Client(base_url=panel.url, timeout=60) as client:
                r = client.put(f"/api/jobs/{job_id}/speakers", json={"SPEAKER_00": "Anna"})
                answers.append(r.status_code)

        editing = threading.Thread(target=edit)
        editing.start()
        time.sleep(0.3)  # the edit is rendering its exports now
        assert panel.client.delete(f"/api/jobs/{job_id}").status_code == 204
        editing.join()
        assert answers[0] in (200, 404), answers  # never a 500
        folder = tmp_path / "results" / job_id
        for _ in range(50):
            time.sleep(0.03)
            assert not folder.exists()


# --- 9: disk full while the output arrives -----------------------------------------------------


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Callable[[Path], Path]]:
    """Mount a tiny tmpfs at a folder and fill it: writes there fail with ENOSPC, like a full disk."""
    mounted: list[Path] = []

    def make_full(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)], capture_output=True
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode().strip()}); needs root")
        mounted.append(folder)
        filler = folder / "filler.bin"
        with filler.open("wb") as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass
        return filler

    yield make_full
    for folder in mounted:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_disk_full_keeps_the_paid_output_and_retry_does_not_pay_again(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path, full_disk: Callable[[Path], Path]
) -> None:
    with run_panel(tmp_path, **remote(fake_runpod, s3)) as panel:
        job_id = upload(panel, speech_m4a)
        filler = full_disk(tmp_path / "results" / job_id)
        assert panel.client.post(f"/api/transcribe/{job_id}", json={}).status_code == 202
        job = panel.wait_for(job_id, {"failed"})
        assert "disk full" in job["error"].lower() and "retry" in job["error"].lower()
        filler.unlink()  # the user frees some space
        assert panel.client.post(f"/api/jobs/{job_id}/retry").status_code == 202
        panel.wait_for(job_id, {"completed"})
        assert panel.client.get(f"/api/results/{job_id}").json()["segments"]
    assert len(fake_runpod.submissions) == 1


@pytest.mark.parametrize("trouble", ["expired", "too big to return"])
def test_a_result_runpod_cannot_give_back_is_read_from_the_volume(
    tmp_path: Path, s3: S3Info, timed_runpod: FakeRunPod, speech_m4a: Path, trouble: str
) -> None:
    if trouble == "expired":
        timed_runpod.expire_when_done = True  # 404 on /status: results are kept 30 minutes
    else:
        timed_runpod.end_next(Ending("COMPLETED", output=NO_OUTPUT))  # outputs over ~20 MB
    with run_panel(tmp_path, **remote(timed_runpod, s3)) as panel:
        job_id = start(panel, speech_m4a)
        panel.wait_for(job_id, {"completed"})
        assert panel.client.get(f"/api/results/{job_id}").json()["segments"]
    assert len(timed_runpod.submissions) == 1
