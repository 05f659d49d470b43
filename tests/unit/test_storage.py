"""ObjectStorage against a real S3 server (moto on 127.0.0.1), object keys and the audio reference."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from scribedesk.config import Settings
from scribedesk.engines.audio_ref import inline_limit_bytes, make_audio_ref
from scribedesk.storage import ObjectStorage, StorageError, is_runpod_s3, object_key
from tests.support.s3 import S3Info, moto_auth_enforced, moto_s3
from tests.support.servers import free_port

MB = 1024 * 1024


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Info]:
    with moto_s3() as info:
        yield info


def make_settings(s3: S3Info, **over: Any) -> Settings:
    values = {**s3.settings_overrides(), "s3_max_attempts": 1, **over}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def storage(s3: S3Info) -> ObjectStorage:
    # 5 MB is S3's smallest part, so a 12 MB file goes up as three parts.
    return ObjectStorage(make_settings(s3), multipart_threshold=5 * MB, multipart_chunksize=5 * MB)


@pytest.fixture
def audio(tmp_path: Path) -> Path:
    path = tmp_path / "Интервью с героем (финал).WAV"
    path.write_bytes(bytes(range(256)) * (12 * MB // 256) + b"tail")
    return path


def assert_no_secret(message: str, settings: Settings) -> None:
    for secret in settings.secret_values():
        assert secret not in message


# --- object keys -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "key"),
    [
        ("Интервью.MP3", "scribedesk/job123456789/audio.mp3"),
        ("interview.final.m4a", "scribedesk/job123456789/audio.m4a"),
        ("запись.мп3", "scribedesk/job123456789/audio"),
        ("no extension", "scribedesk/job123456789/audio"),
        ("clip.toolong", "scribedesk/job123456789/audio"),
        ("clip.a-b", "scribedesk/job123456789/audio"),
        ("../../etc/passwd.wav", "scribedesk/job123456789/audio.wav"),
    ],
)
def test_object_key_is_ascii_and_never_holds_the_user_name(filename: str, key: str) -> None:
    assert object_key("job123456789", filename) == key
    assert object_key("job123456789", filename).isascii()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://s3api-us-wa-1.runpod.io", True),
        ("https://S3API-EUR-IS-1.runpod.io/", True),
        ("https://s3api-us-wa-1.runpod.io.example.com", False),
        ("https://example.com/s3api-us-wa-1.runpod.io", False),
        ("http://127.0.0.1:9000", False),
        ("https://abc.r2.cloudflarestorage.com", False),
    ],
)
def test_is_runpod_s3(url: str, expected: bool) -> None:
    assert is_runpod_s3(url) is expected


# --- upload, size, presign, delete -----------------------------------------------------------


def test_multipart_upload_stores_the_whole_file_and_reports_progress(
    storage: ObjectStorage, s3: S3Info, audio: Path
) -> None:
    key = object_key("upl000000001", audio.name)
    seen: list[int] = []
    storage.upload_file(audio, key, seen.append)

    size = audio.stat().st_size
    assert storage.size(key) == size
    body = s3.client().get_object(Bucket=s3.bucket, Key=key)
    assert body["Body"].read() == audio.read_bytes()
    assert body["ETag"].strip('"').endswith("-3")  # three parts: the multipart path was taken
    assert seen == sorted(seen) and seen[-1] == size


def test_small_file_goes_up_in_one_request(storage: ObjectStorage, tmp_path: Path) -> None:
    path = tmp_path / "short.wav"
    path.write_bytes(b"RIFF" + b"\0" * 1000)
    seen: list[int] = []
    storage.upload_file(path, "scribedesk/small0000001/audio.wav", seen.append)
    assert storage.size("scribedesk/small0000001/audio.wav") == 1004
    assert seen[-1] == 1004


def test_presigned_url_downloads_without_keys(storage: ObjectStorage, audio: Path) -> None:
    key = "scribedesk/presign00001/audio.wav"
    storage.upload_file(audio, key)
    url = storage.presigned_get(key, expires=600)
    answer = httpx.get(url)
    assert answer.status_code == 200
    assert answer.content == audio.read_bytes()


def test_delete_removes_and_tolerates_missing(storage: ObjectStorage, tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    path.write_bytes(b"abc")
    storage.upload_file(path, "scribedesk/delete000001/audio.wav")
    storage.delete("scribedesk/delete000001/audio.wav")
    assert storage.size("scribedesk/delete000001/audio.wav") is None
    storage.delete("scribedesk/delete000001/audio.wav")  # already gone: fine


def test_check_reports_a_reachable_bucket(storage: ObjectStorage, s3: S3Info) -> None:
    assert storage.check() == {
        "endpoint": s3.endpoint_url,
        "bucket": s3.bucket,
        "ok": True,
        "configured": True,
    }


# --- errors ----------------------------------------------------------------------------------


def test_wrong_bucket_names_the_setting(s3: S3Info, audio: Path) -> None:
    settings = make_settings(s3, s3_bucket="vol-does-not-exist")
    storage = ObjectStorage(settings)
    with pytest.raises(StorageError) as caught:
        storage.upload_file(audio, "scribedesk/x/audio.wav")
    assert "Bucket 'vol-does-not-exist' not found" in str(caught.value)
    assert "S3_BUCKET" in str(caught.value)
    result = storage.check()
    assert result["ok"] is False and "vol-does-not-exist" in result["error"]
    assert_no_secret(str(caught.value) + repr(result), settings)


def test_bad_keys_are_named_without_being_shown(s3: S3Info, audio: Path) -> None:
    settings = make_settings(s3)
    storage = ObjectStorage(settings)
    with moto_auth_enforced(s3):
        with pytest.raises(StorageError) as caught:
            storage.upload_file(audio, "scribedesk/x/audio.wav")
        result = storage.check()
    assert "rejected the access key" in str(caught.value)
    assert "RUNPOD_ACCESS_KEY" in str(caught.value)
    assert result["ok"] is False and "InvalidAccessKeyId" in result["error"]
    assert_no_secret(str(caught.value) + repr(result), settings)


def test_endpoint_down_says_it_could_not_reach_it(s3: S3Info, audio: Path) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"
    settings = make_settings(s3, s3_endpoint_url=endpoint)
    storage = ObjectStorage(settings)
    with pytest.raises(StorageError) as caught:
        storage.upload_file(audio, "scribedesk/x/audio.wav")
    assert f"Could not reach {endpoint}" in str(caught.value)
    result = storage.check()
    assert result["ok"] is False and "Could not reach" in result["error"]
    assert_no_secret(str(caught.value) + repr(result), settings)


def test_credentials_in_the_endpoint_url_never_reach_a_message(s3: S3Info) -> None:
    port = free_port()
    settings = make_settings(s3, s3_endpoint_url=f"http://user:hunter2@127.0.0.1:{port}")
    result = ObjectStorage(settings).check()
    assert result["ok"] is False
    assert "hunter2" not in repr(result)


def test_unconfigured_storage_says_what_to_set(audio: Path) -> None:
    storage = ObjectStorage(Settings(_env_file=None))  # type: ignore[call-arg]
    assert storage.configured is False
    result = storage.check()
    assert result["ok"] is False and result["configured"] is False
    assert "RUNPOD_ACCESS_KEY" in result["error"]
    with pytest.raises(StorageError, match="not configured"):
        storage.upload_file(audio, "scribedesk/x/audio.wav")


# --- the audio reference ---------------------------------------------------------------------


def test_audio_ref_url_is_a_working_presigned_get(s3: S3Info, storage: ObjectStorage, tmp_path: Path) -> None:
    path = tmp_path / "a.mp3"
    path.write_bytes(b"ID3" + b"\1" * 500)
    storage.upload_file(path, "scribedesk/ref000000001/audio.mp3")
    ref = make_audio_ref(make_settings(s3), storage, "scribedesk/ref000000001/audio.mp3", path, 12.5)
    assert ref.kind == "url" and ref.duration == 12.5 and ref.local_path == path
    assert httpx.get(ref.value).content == path.read_bytes()


def test_audio_ref_volume_is_the_path_the_worker_sees(
    s3: S3Info, storage: ObjectStorage, tmp_path: Path
) -> None:
    ref = make_audio_ref(
        make_settings(s3, audio_source="volume"), storage, "scribedesk/j/audio.wav", tmp_path / "a.wav", None
    )
    assert (ref.kind, ref.value) == ("volume", "/runpod-volume/scribedesk/j/audio.wav")


def test_audio_ref_auto_picks_volume_on_runpod_and_url_elsewhere(s3: S3Info, tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    path.write_bytes(b"RIFF")
    runpod = make_settings(s3, audio_source="auto", s3_endpoint_url="https://s3api-eur-is-1.runpod.io")
    ref = make_audio_ref(runpod, ObjectStorage(runpod), "scribedesk/j/audio.wav", path, None)
    assert (ref.kind, ref.value) == ("volume", "/runpod-volume/scribedesk/j/audio.wav")

    other = make_settings(s3, audio_source="auto")
    ref = make_audio_ref(other, ObjectStorage(other), "scribedesk/j/audio.wav", path, None)
    assert ref.kind == "url" and ref.value.startswith(s3.endpoint_url)


def test_audio_ref_url_on_runpod_s3_is_refused_with_the_fix(s3: S3Info, tmp_path: Path) -> None:
    runpod = make_settings(s3, audio_source="url", s3_endpoint_url="https://s3api-us-wa-1.runpod.io")
    with pytest.raises(StorageError, match="AUDIO_SOURCE=volume"):
        make_audio_ref(runpod, ObjectStorage(runpod), "scribedesk/j/audio.wav", tmp_path / "a.wav", None)


def test_audio_ref_inline_carries_the_bytes(s3: S3Info, tmp_path: Path) -> None:
    path = tmp_path / "short.wav"
    path.write_bytes(b"RIFF" + bytes(range(256)) * 40)
    ref = make_audio_ref(make_settings(s3, audio_source="inline"), None, None, path, 1.0)
    assert ref.kind == "inline"
    assert base64.b64decode(ref.value) == path.read_bytes()


def test_audio_ref_inline_refuses_what_would_break_runpods_request_limit(
    s3: S3Info, storage: ObjectStorage, tmp_path: Path
) -> None:
    path = tmp_path / "long.wav"
    with path.open("wb") as f:
        f.truncate(inline_limit_bytes() + 1)
    settings = make_settings(s3, audio_source="inline")
    with pytest.raises(StorageError, match="AUDIO_SOURCE=volume or url"):
        make_audio_ref(settings, storage, "scribedesk/j/audio.wav", path, 600.0)
    # Without object storage (a local engine, or a fallback) the file simply stays a local file.
    assert make_audio_ref(settings, None, None, path, 600.0).kind == "file"
    # the largest allowed file still fits in a 10 MB request with room for the JSON around it
    assert inline_limit_bytes() * 4 / 3 < 10_000_000 - 32_000


def test_audio_ref_without_storage_is_the_local_file(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, audio_source="url")  # type: ignore[call-arg]
    ref = make_audio_ref(settings, ObjectStorage(settings), None, tmp_path / "a.wav", 3.0)
    assert (ref.kind, ref.value) == ("file", str(tmp_path / "a.wav"))
    assert make_audio_ref(settings, None, "k", tmp_path / "a.wav", 3.0).kind == "file"


class StopUpload(Exception):
    pass


def test_a_progress_callback_can_stop_the_upload(storage: ObjectStorage, audio: Path) -> None:
    def stop(done: int) -> None:
        raise StopUpload()

    # The caller's own exception comes back, not a StorageError: cancelling is not a storage failure.
    with pytest.raises(StopUpload):
        storage.upload_file(audio, "scribedesk/stopped00001/audio.wav", stop)


def test_a_malformed_endpoint_is_named(s3: S3Info) -> None:
    result = ObjectStorage(make_settings(s3, s3_endpoint_url="not a url")).check()
    assert result["ok"] is False and "S3_ENDPOINT_URL" in result["error"]
