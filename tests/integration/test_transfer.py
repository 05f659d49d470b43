"""The push to storage (moto on 127.0.0.1): the Opus copy, TRANSCODE=off, a kill mid-push, a lost upload."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from scribedesk.audio import probe
from scribedesk.config import Settings
from scribedesk.storage import ObjectStorage
from scribedesk.transfer import PushHooks, PushPlan, push
from tests.integration.test_pipeline import remote, upload_and_start
from tests.integration.test_restart import GatedStorage
from tests.support.audio import tone_wav, wav_duration
from tests.support.fake_runpod import FakeRunPod
from tests.support.panel import Panel, run_panel
from tests.support.s3 import S3Info
from tests.support.tcp_proxy import TcpProxy, tcp_proxy

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


def storage_for(s3: S3Info, endpoint: str | None = None) -> ObjectStorage:
    values: dict[str, Any] = {**s3.settings_overrides(), "s3_max_attempts": 1}
    if endpoint:
        values["s3_endpoint_url"] = endpoint
    return ObjectStorage(Settings(_env_file=None, **values))  # type: ignore[call-arg]


def fetch(s3: S3Info, key: str, dst: Path) -> Path:
    dst.write_bytes(s3.client().get_object(Bucket=s3.bucket, Key=key)["Body"].read())
    return dst


def test_the_pushed_object_is_opus_of_the_recordings_length(
    s3: S3Info, speech_wav: Path, speech_m4a: Path, tmp_path: Path
) -> None:
    key = "scribedesk/job000000001/audio.opus"
    copy = tmp_path / ".gpu.opus"
    remembered: list[tuple[str | None, int | None]] = []
    hooks = PushHooks(remember=lambda upload_id, size: remembered.append((upload_id, size)))
    result = push(storage_for(s3), PushPlan(key, speech_m4a, copy=copy), hooks)

    stored = fetch(s3, key, tmp_path / "stored.ogg")
    info = probe(stored)
    assert stored.read_bytes()[:4] == b"OggS"
    assert info.codec == "opus" and info.channels == 1
    assert info.duration == pytest.approx(wav_duration(speech_wav), abs=0.1)
    assert stored.read_bytes() == copy.read_bytes()
    assert result.object_size == copy.stat().st_size < speech_m4a.stat().st_size
    # The upload id was recorded before any part left, the copy's size once encoded, and cleared at the end.
    assert remembered[0][0] is not None and remembered[-1] == (None, result.object_size)
    # The original is untouched: it is what the player serves.
    assert speech_m4a.read_bytes()[4:8] == b"ftyp"


def test_without_a_copy_the_original_is_pushed_byte_for_byte(s3: S3Info, tmp_path: Path) -> None:
    original = tmp_path / "interview.wav"
    original.write_bytes(os.urandom(11 * MB + 123))
    sent: list[int] = []
    plan = PushPlan("scribedesk/job000000002/audio.wav", original, part_size=5 * MB)
    result = push(storage_for(s3), plan, PushHooks(on_sent=sent.append))
    assert fetch(s3, plan.key, tmp_path / "stored").read_bytes() == original.read_bytes()
    assert result.bytes_sent == original.stat().st_size and result.parts_kept == 0
    assert sorted(sent) == sent and sent[-1] == original.stat().st_size


def test_a_forgotten_upload_id_starts_clean(s3: S3Info, tmp_path: Path) -> None:
    original = tmp_path / "interview.wav"
    original.write_bytes(os.urandom(6 * MB))
    key = "scribedesk/job000000003/audio.wav"
    client = s3.client()
    stale = client.create_multipart_upload(Bucket=s3.bucket, Key=key)["UploadId"]
    client.abort_multipart_upload(Bucket=s3.bucket, Key=key, UploadId=stale)
    ids: list[str | None] = []
    plan = PushPlan(key, original, upload_id=stale, part_size=5 * MB)
    push(storage_for(s3), plan, PushHooks(remember=lambda upload_id, size: ids.append(upload_id)))
    assert fetch(s3, key, tmp_path / "stored").read_bytes() == original.read_bytes()
    assert ids[0] not in (None, stale) and ids[-1] is None


_CHILD = """
import json, sys
from pathlib import Path
from scribedesk.config import Settings
from scribedesk.storage import ObjectStorage
from scribedesk.transfer import PushHooks, PushPlan, push
args = json.loads(sys.argv[1])
state = Path(args["state"])
def remember(upload_id, size):
    state.write_text(json.dumps({"upload_id": upload_id}))
storage = ObjectStorage(Settings(_env_file=None, **args["settings"]))
plan = PushPlan(args["key"], Path(args["file"]), part_size=args["part_size"])
push(storage, plan, PushHooks(remember=remember))
"""


def test_a_kill_half_way_resumes_and_resends_at_most_two_parts(s3: S3Info, tmp_path: Path) -> None:
    part, parts = 5 * MB, 8
    original = tmp_path / "interview.wav"
    original.write_bytes(os.urandom(part * parts - 77))
    size = original.stat().st_size
    key, state = "scribedesk/job000000004/audio.wav", tmp_path / "state.json"
    with tcp_proxy(s3.endpoint_url, bytes_per_second=8 * MB) as proxy:
        settings = {**s3.settings_overrides(), "s3_endpoint_url": proxy.url, "s3_max_attempts": 1}
        args = {
            "state": str(state),
            "settings": settings,
            "key": key,
            "file": str(original),
            "part_size": part,
        }
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        child = subprocess.Popen([sys.executable, "-c", _CHILD, json.dumps(args)], env=env)
        try:
            while proxy.sent < size // 2:  # the panel is killed at about half of the push
                assert child.poll() is None, "the push ended before it could be killed"
                time.sleep(0.01)
            child.send_signal(signal.SIGKILL)
        finally:
            child.wait()
        proxy.set_rate(None)
        _quiet(proxy)  # what the dead process left in its socket buffers drains first
        proxy.reset()
        upload_id = json.loads(state.read_text())["upload_id"]
        kept_before = sum(p["Size"] for p in _parts(s3, key, upload_id))
        assert 0 < kept_before < size
        plan = PushPlan(key, original, upload_id=upload_id, part_size=part)
        result = push(storage_for(s3, proxy.url), plan, PushHooks())
        received = proxy.reset()

    assert fetch(s3, key, tmp_path / "stored").read_bytes() == original.read_bytes()
    missing = size - kept_before  # parts not complete at the kill: at most two were half sent
    assert result.bytes_sent == missing <= size // 2 + 2 * part
    assert result.parts_kept == kept_before // part
    assert missing <= received < missing + 64 * 1024  # the parts themselves plus HTTP requests


def _quiet(proxy: TcpProxy) -> None:
    """Wait until no byte has passed the proxy for half a second."""
    last = -1
    while proxy.sent != last:
        last = proxy.sent
        time.sleep(0.5)


def _parts(s3: S3Info, key: str, upload_id: str) -> list[dict[str, Any]]:
    return list(s3.client().list_parts(Bucket=s3.bucket, Key=key, UploadId=upload_id).get("Parts", []))


def test_a_stop_ends_the_encode_and_keeps_the_upload_for_a_resume(
    s3: S3Info, speech_m4a: Path, tmp_path: Path
) -> None:
    stop = threading.Event()
    stop.set()
    ids: list[str | None] = []
    hooks = PushHooks(remember=lambda upload_id, size: ids.append(upload_id), stop=stop)
    plan = PushPlan("scribedesk/job000000005/audio.opus", speech_m4a, copy=tmp_path / ".gpu.opus")
    with pytest.raises(Exception) as caught:
        push(storage_for(s3), plan, hooks)
    assert type(caught.value).__name__ == "PushStopped"
    assert ids and ids[-1] is not None  # the row still knows the upload: a retry continues it


def test_transcode_off_pushes_the_original_and_inline_follows_the_copy_when_on(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    with run_panel(tmp_path / "off", **remote(fake_runpod, s3, transcode="off")) as panel:
        job_id = upload_and_start(panel, speech_m4a)
        pushed = fetch(s3, f"scribedesk/{job_id}/audio.m4a", tmp_path / "pushed.m4a")
        assert pushed.read_bytes() == speech_m4a.read_bytes()
        job = panel.wait_for(job_id, {"completed"})
        assert job["bytes_sent"] == speech_m4a.stat().st_size and job["bytes_saved"] == 0
    with run_panel(
        tmp_path / "on", **remote(fake_runpod, s3, transcode="on", audio_source="inline")
    ) as panel:
        job_id = upload_and_start(panel, speech_m4a)
        panel.wait_for(job_id, {"completed"})
        sent = base64.b64decode(fake_runpod.submissions[-1]["input"]["audio"])
        assert sent[:4] == b"OggS"
        assert sent == fetch(s3, f"scribedesk/{job_id}/audio.opus", tmp_path / "pushed.opus").read_bytes()


def test_deleting_a_job_mid_push_drops_its_unfinished_upload(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    with run_panel(tmp_path, **remote(fake_runpod, s3)) as panel:
        runner = panel.app.state.service.runner
        runner.storage = GatedStorage(runner.storage)
        job_id = panel.upload(speech_m4a).json()["job_id"]
        deadline = time.monotonic() + 30
        while not s3.client().list_multipart_uploads(Bucket=s3.bucket).get("Uploads"):
            assert time.monotonic() < deadline, "the push never started its multipart upload"
            time.sleep(0.05)
        assert panel.client.delete(f"/api/jobs/{job_id}").status_code in (200, 204)
    assert not s3.client().list_multipart_uploads(Bucket=s3.bucket).get("Uploads")


def test_without_storage_inline_audio_is_the_opus_copy(
    tmp_path: Path, fake_runpod: FakeRunPod, speech_m4a: Path
) -> None:
    settings = {"engine": "runpod", **fake_runpod.settings_overrides(), "audio_source": "inline"}
    with run_panel(tmp_path, **settings, transcode="on") as panel:
        job_id = upload_and_start(panel, speech_m4a)
        panel.wait_for(job_id, {"completed"})
        sent = base64.b64decode(fake_runpod.submissions[-1]["input"]["audio"])
        assert sent == (tmp_path / "uploads" / job_id / ".gpu.opus").read_bytes()
        assert sent[:4] == b"OggS"
        assert panel.client.get(f"/api/jobs/{job_id}/audio").content == speech_m4a.read_bytes()


def _slow_body(path: Path, boundary: str, pause_after: int, until: Callable[[], bool]) -> Iterator[bytes]:
    """A multipart body that stops half way until `until()` holds, like a browser on a slow link."""
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        "Content-Type: audio/wav\r\n\r\n"
    ).encode()
    sent = 0
    with path.open("rb") as f:
        while block := f.read(MB):
            yield block
            sent += len(block)
            if sent == pause_after:
                deadline = time.monotonic() + 60
                while not until():
                    assert time.monotonic() < deadline, "no part reached storage while the upload arrived"
                    time.sleep(0.05)
    yield f"\r\n--{boundary}--\r\n".encode()


def _stored_parts(s3: S3Info) -> int:
    client = s3.client()
    uploads = client.list_multipart_uploads(Bucket=s3.bucket).get("Uploads", [])
    return sum(len(_parts(s3, u["Key"], u["UploadId"])) for u in uploads)


def _post_slowly(panel: Panel, path: Path, s3: S3Info) -> httpx.Response:
    boundary = "slowboundary0123"
    body = _slow_body(path, boundary, 20 * MB, lambda: _stored_parts(s3) >= 1)
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    return panel.client.post("/api/upload", content=body, headers=headers, timeout=120)


def test_with_transcode_off_parts_leave_while_the_upload_arrives(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod
) -> None:
    recording = tone_wav(tmp_path / "long.wav", 24 * MB / 32000)  # 16 kHz 16-bit mono: 24 MB
    with tcp_proxy(s3.endpoint_url) as proxy:
        settings = remote(fake_runpod, s3, transcode="off", s3_endpoint_url=proxy.url)
        with run_panel(tmp_path / "panel", **settings) as panel:
            answer = _post_slowly(panel, recording, s3)  # waits until a part is stored mid-upload
            assert answer.status_code == 201, answer.text
            job = panel.wait_for(answer.json()["job_id"], {"uploaded"})
    stored = fetch(s3, f"scribedesk/{job['job_id']}/audio.wav", tmp_path / "stored.wav")
    assert stored.read_bytes() == recording.read_bytes()
    assert not s3.client().list_multipart_uploads(Bucket=s3.bucket).get("Uploads")
    # The parts sent early were kept, not sent again: the wire carried the file once (plus requests).
    assert recording.stat().st_size <= proxy.sent < recording.stat().st_size + MB


def test_with_transcode_off_a_file_that_is_not_audio_leaves_no_parts_behind(
    tmp_path: Path, s3: S3Info, fake_runpod: FakeRunPod
) -> None:
    junk = tmp_path / "junk.wav"
    junk.write_bytes(os.urandom(24 * MB))
    with run_panel(tmp_path / "panel", **remote(fake_runpod, s3, transcode="off")) as panel:
        answer = _post_slowly(panel, junk, s3)
        assert answer.status_code == 400 and "not usable audio" in answer.text
    assert not s3.client().list_multipart_uploads(Bucket=s3.bucket).get("Uploads")


def test_a_push_completed_just_before_a_restart_is_not_sent_again(s3: S3Info, tmp_path: Path) -> None:
    original = tmp_path / "interview.wav"
    original.write_bytes(os.urandom(6 * MB))
    key = "scribedesk/job000000006/audio.wav"
    ids: list[str | None] = []
    remember = PushHooks(remember=lambda upload_id, size: ids.append(upload_id))
    push(storage_for(s3), PushPlan(key, original, part_size=5 * MB), remember)
    # The row still holds the upload id when the panel died between "complete" and saving the row.
    again = push(storage_for(s3), PushPlan(key, original, upload_id=ids[0], part_size=5 * MB), PushHooks())
    assert again.bytes_sent == 0 and again.object_size == original.stat().st_size
