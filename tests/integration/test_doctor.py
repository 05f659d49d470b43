"""`scribedesk doctor` against the fake RunPod and moto: a good setup passes, each wrong setting gets its
own sentence, and no secret is ever printed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import Response

from scribedesk.config import Settings
from scribedesk.doctor import Report, run_checks
from tests.support.fake_runpod import FakeRunPod, run_fake_runpod
from tests.support.s3 import S3Info
from tests.support.servers import serve

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data"  # any folder: the local model check only needs to find it


def settings(tmp_path: Path, fake: FakeRunPod, s3: S3Info, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        **fake.settings_overrides(),
        **s3.settings_overrides(),
        "upload_dir": tmp_path / "u",
        "results_dir": tmp_path / "r",
        "local_model": str(TINY),
        **changes,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def by_name(report: Report) -> dict[str, tuple[str, str]]:
    return {c.name: (c.status, c.message) for c in report.checks}


@pytest.fixture
def fake() -> Iterator[FakeRunPod]:
    with run_fake_runpod(schema="whisperx") as f:
        yield f


async def test_a_good_configuration_passes(tmp_path: Path, fake: FakeRunPod, s3: S3Info) -> None:
    report = await run_checks(settings(tmp_path, fake, s3))
    got = by_name(report)
    assert report.ok, report
    for name in ("RunPod API key", "RunPod endpoint", "RunPod workers", "storage", "region",
                 "write/read/delete", "audio source", "local model"):  # fmt: skip
        assert got[name][0] == "ok", (name, got[name])
    assert "1 idle" in got["RunPod workers"][1]
    assert not s3.client().list_objects_v2(Bucket=s3.bucket).get("Contents"), "the probe objects are deleted"


async def test_a_bad_key_is_not_called_unreachable(tmp_path: Path, fake: FakeRunPod, s3: S3Info) -> None:
    report = await run_checks(settings(tmp_path, fake, s3, runpod_api_key="rpa_WRONG"))
    status, message = by_name(report)["RunPod API key"]
    assert not report.ok and status == "fail"
    assert "rejected the API key (HTTP 401)" in message and "RUNPOD_API_KEY" in message
    assert "reach" not in message.lower()


async def test_a_wrong_endpoint_id(tmp_path: Path, fake: FakeRunPod, s3: S3Info) -> None:
    got = by_name(await run_checks(settings(tmp_path, fake, s3, runpod_endpoint_id="nosuchendpoint")))
    assert got["RunPod API key"][0] == "ok"
    assert got["RunPod endpoint"][0] == "fail"
    assert "no endpoint 'nosuchendpoint'" in got["RunPod endpoint"][1]
    assert "RUNPOD_ENDPOINT_ID" in got["RunPod endpoint"][1]


async def test_a_wrong_bucket(tmp_path: Path, fake: FakeRunPod, s3: S3Info) -> None:
    got = by_name(await run_checks(settings(tmp_path, fake, s3, s3_bucket="no-such-volume")))
    assert got["storage"][0] == "fail"
    assert "Bucket 'no-such-volume' not found" in got["storage"][1] and "S3_BUCKET" in got["storage"][1]


async def test_a_wrong_region(tmp_path: Path, fake: FakeRunPod, s3: S3Info) -> None:
    got = by_name(await run_checks(settings(tmp_path, fake, s3, s3_region="eu-west-1")))
    assert got["region"][0] == "fail"
    assert "is in region 'us-east-1' but S3_REGION is 'eu-west-1'" in got["region"][1]


def test_a_runpod_endpoint_in_another_datacenter_than_the_region() -> None:
    from scribedesk.doctor.storage_checks import _region_check

    s = Settings(_env_file=None, s3_endpoint_url="https://s3api-eur-is-1.runpod.io", s3_region="us-wa-1")  # type: ignore[call-arg]
    check = _region_check(s, None)  # type: ignore[arg-type]  # a RunPod host needs no call
    assert check.status == "fail" and "set S3_REGION=EUR-IS-1" in check.message


def _no_presigned_proxy(target: str) -> FastAPI:
    """An S3 store that refuses presigned (query-string signed) requests, like RunPod's volume API."""
    app = FastAPI()

    @app.api_route("/{path:path}", methods=["GET", "PUT", "POST", "HEAD", "DELETE"])
    async def forward(path: str, request: Request) -> Response:
        if "X-Amz-Signature" in request.url.query:
            return Response("<Error><Code>NotImplemented</Code></Error>", status_code=501)
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        async with httpx.AsyncClient() as client:
            got = await client.request(
                request.method, f"{target}/{path}", params=request.query_params, headers=headers,
                content=await request.body(),
            )  # fmt: skip
        drop = {"content-encoding", "transfer-encoding", "connection"}
        if request.method != "HEAD":
            drop.add("content-length")  # Response sets it from the body; a HEAD keeps the object's
        return Response(got.content, got.status_code, {k: v for k, v in got.headers.items() if k not in drop})

    return app


async def test_url_audio_on_a_store_without_presigned_urls(
    tmp_path: Path, fake: FakeRunPod, s3: S3Info
) -> None:
    with serve(_no_presigned_proxy(s3.endpoint_url)) as proxy:
        report = await run_checks(settings(tmp_path, fake, s3, s3_endpoint_url=proxy, audio_source="url"))
    got = by_name(report)
    assert got["storage"][0] == "ok" and got["write/read/delete"][0] == "ok"
    assert got["audio source"][0] == "fail"
    assert "does not serve presigned URLs (HTTP 501)" in got["audio source"][1]
    assert "AUDIO_SOURCE=volume" in got["audio source"][1]


async def test_the_test_job_proves_the_worker_schema(tmp_path: Path, fake: FakeRunPod, s3: S3Info) -> None:
    fake.queued_polls = fake.running_polls = 0
    good = by_name(await run_checks(settings(tmp_path, fake, s3, runpod_poll_interval=0.05), test_job=True))
    assert good["test job"][0] == "ok", good["test job"]
    assert fake.submissions[-1]["input"]["audio"].startswith(s3.endpoint_url)  # AUDIO_SOURCE=url
    wrong = settings(tmp_path, fake, s3, worker_schema="kodxana", runpod_poll_interval=0.05)
    got = by_name(await run_checks(wrong, test_job=True))
    assert got["test job"][0] == "fail"
    assert (
        "rejected the test job" in got["test job"][1] and "WORKER_SCHEMA is 'kodxana'" in got["test job"][1]
    )
    assert "audio_file" in got["test job"][1]  # the worker's own words say which key it did not know


def test_the_command_prints_each_check_and_no_secret(tmp_path: Path, fake: FakeRunPod, s3: S3Info) -> None:
    secret_env = {
        "RUNPOD_API_KEY": "rpa_SECRET_that_must_not_show_0123",
        "RUNPOD_ENDPOINT_ID": fake.endpoint_id,
        "RUNPOD_API_URL": fake.api_url,
        "RUNPOD_ACCESS_KEY": "AKIA_SECRET_ACCESS_4567",
        "RUNPOD_SECRET_KEY": "secret_key_that_must_not_show_89",
        "S3_ENDPOINT_URL": s3.endpoint_url,
        "S3_BUCKET": s3.bucket,
        "S3_REGION": s3.region,
        "LOCAL_MODEL": str(TINY),
        "PYTHONPATH": str(ROOT),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNPOD_", "S3_"))} | secret_env
    done = subprocess.run(
        [sys.executable, "-m", "scribedesk", "doctor"], cwd=tmp_path, env=env, capture_output=True,
        text=True, encoding="utf-8", timeout=120,
    )  # fmt: skip
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "[FAIL] RunPod API key: RunPod rejected the API key (HTTP 401)" in out
    assert "[ok  ] storage: Reached bucket" in out
    for name in ("RUNPOD_API_KEY", "RUNPOD_ACCESS_KEY", "RUNPOD_SECRET_KEY"):
        assert secret_env[name] not in out
