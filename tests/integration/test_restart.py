"""A restart of the panel at any step loses nothing and ends with the same transcript."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from scribedesk.jobs.model import JobStatus
from scribedesk.jobs.store import JobStore
from tests.integration.test_pipeline import remote, upload_and_start
from tests.support.fake_runpod import FakeRunPod, run_fake_runpod
from tests.support.panel import Panel, run_panel
from tests.support.s3 import S3Info
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


class GatedStorage:
    """Wraps the real adapter; holds every part until released (or until the runner stops it)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.release = threading.Event()

    def upload_part(
        self, key: str, upload_id: str, number: int, part: Any, on_read: Callable[[int], None] | None = None
    ) -> str:
        while not self.release.wait(0.05):
            if on_read:
                on_read(0)  # raises when the runner is told to stop
        return str(self.real.upload_part(key, upload_id, number, part, on_read))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def transcript_segments(root: Path, job_id: str) -> list[dict[str, Any]]:
    data = json.loads((root / "results" / job_id / "transcript.json").read_text())
    return list(data["segments"])


def test_restart_during_upload_to_storage_resumes_it(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    settings = remote(fake_runpod, s3)
    with run_panel(tmp_path, **settings) as panel:
        runner = panel.app.state.service.runner
        runner.storage = GatedStorage(runner.storage)
        job_id = panel.upload(speech_m4a).json()["job_id"]
        assert panel.client.get(f"/api/jobs/{job_id}").json()["status"] == "uploading"
    assert s3.client().list_objects_v2(Bucket=s3.bucket).get("KeyCount") == 0
    with run_panel(tmp_path, **settings) as panel:
        panel.wait_for(job_id, {"uploaded"})
        assert panel.client.post(f"/api/transcribe/{job_id}", json={}).status_code == 202
        panel.wait_for(job_id, {"completed"})


def test_restart_while_queued_polls_the_same_remote_job(tmp_path: Path, s3: S3Info, speech_m4a: Path) -> None:
    with run_fake_runpod(queued_polls=10_000) as fake:
        settings = remote(fake, s3)
        with run_panel(tmp_path / "a", **settings) as panel:
            job_id = upload_and_start(panel, speech_m4a)
            _wait_remote(panel, job_id)
        fake.queued_polls = 0  # the GPU picks it up while the panel is down
        with run_panel(tmp_path / "a", **settings) as panel:
            panel.wait_for(job_id, {"completed"})
        assert len(fake.submissions) == 1
        with run_panel(tmp_path / "b", **settings) as panel:  # the same job, never interrupted
            reference = upload_and_start(panel, speech_m4a)
            panel.wait_for(reference, {"completed"})
    assert transcript_segments(tmp_path / "a", job_id) == transcript_segments(tmp_path / "b", reference)


def test_restart_in_processing_rebuilds_from_the_saved_output(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    settings = remote(fake_runpod, s3)
    with run_panel(tmp_path, **settings) as panel:
        job_id = upload_and_start(panel, speech_m4a)
        panel.wait_for(job_id, {"completed"})
    before = transcript_segments(tmp_path, job_id)
    # As if the panel died after saving raw.json but before writing the transcript.
    (tmp_path / "results" / job_id / "transcript.json").unlink()
    store = JobStore(tmp_path / "results" / "jobs.sqlite3")
    job = store.get(job_id)
    job.status = JobStatus.PROCESSING
    store.save(job)
    store.close()
    with run_panel(tmp_path, **settings) as panel:
        panel.wait_for(job_id, {"completed"})
    assert transcript_segments(tmp_path, job_id) == before
    assert len(fake_runpod.submissions) == 1


def _wait_remote(panel: Panel, job_id: str) -> None:
    store_path = panel.settings.results_dir / "jobs.sqlite3"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        store = JobStore(store_path)
        has_id = store.get(job_id).remote_id is not None
        store.close()
        if has_id:
            return
        time.sleep(0.05)
    raise AssertionError("the job was never submitted")


@contextmanager
def server_process(
    root: Path, env_overrides: dict[str, Any]
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNPOD_", "S3_"))}
    env.update({k.upper(): str(v) for k, v in env_overrides.items()})
    env.update(
        UPLOAD_DIR=str(root / "uploads"), RESULTS_DIR=str(root / "results"), RUNPOD_POLL_INTERVAL="0.05"
    )
    proc = subprocess.Popen(
        [sys.executable, "server.py", "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{url}/health", timeout=5)
            break
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("server.py did not start") from None
            time.sleep(0.1)
    try:
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=20)


def test_sigkill_while_transcribing_ends_with_the_same_transcript(
    tmp_path: Path, s3: S3Info, speech_m4a: Path
) -> None:
    with run_fake_runpod(queued_polls=1, running_polls=10_000) as fake:
        overrides = remote(fake, s3)
        with server_process(tmp_path, overrides) as (url, proc):
            with speech_m4a.open("rb") as f:
                job_id = httpx.post(f"{url}/api/upload", files={"file": (speech_m4a.name, f)}).json()[
                    "job_id"
                ]
            _poll(url, job_id, "uploaded")
            httpx.post(f"{url}/api/transcribe/{job_id}", json={})
            _poll(url, job_id, "transcribing")
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        fake.running_polls = 0
        with server_process(tmp_path, overrides) as (url, _):
            _poll(url, job_id, "completed")
        assert len(fake.submissions) == 1
        with run_panel(tmp_path / "ref", **overrides) as panel:
            reference = upload_and_start(panel, speech_m4a)
            panel.wait_for(reference, {"completed"})
    assert transcript_segments(tmp_path, job_id) == transcript_segments(tmp_path / "ref", reference)


def _poll(url: str, job_id: str, status: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        got = httpx.get(f"{url}/api/status/{job_id}").json()
        if got["status"] == status:
            return
        assert got["status"] not in ("failed", "cancelled"), got
        time.sleep(0.05)
    raise AssertionError(f"job never reached {status}")
