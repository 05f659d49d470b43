"""A local tool that holds cloud keys: Host and Origin checks, access token, page headers."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from scribedesk.app import create_app
from tests.support.panel import panel_settings, run_panel


def test_foreign_host_header_is_refused(tmp_path: Path) -> None:
    with run_panel(tmp_path) as panel:
        r = panel.client.get("/api/jobs", headers={"Host": "attacker.example:8000"})
        assert r.status_code == 400
        assert panel.client.get("/api/jobs", headers={"Host": "localhost:8000"}).status_code == 200


def test_cross_origin_writes_are_refused(tmp_path: Path, speech_wav: Path) -> None:
    with run_panel(tmp_path) as panel:
        with speech_wav.open("rb") as f:
            r = panel.client.post(
                "/api/upload", files={"file": ("a.wav", f)}, headers={"Origin": "http://attacker.example"}
            )
        assert r.status_code == 403
        assert panel.client.get("/api/jobs").json()["jobs"] == []
        with speech_wav.open("rb") as f:
            r = panel.client.post("/api/upload", files={"file": ("a.wav", f)}, headers={"Origin": panel.url})
        assert r.status_code == 201


def test_page_forbids_inline_script(tmp_path: Path) -> None:
    with run_panel(tmp_path) as panel:
        r = panel.client.get("/")
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"


def test_public_interface_needs_an_access_token(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="ACCESS_TOKEN"):
        create_app(panel_settings(tmp_path, host="0.0.0.0"))


def test_access_token_is_required_when_set(tmp_path: Path) -> None:
    with run_panel(tmp_path, access_token="s3cret-token-value") as panel:
        assert panel.client.get("/api/jobs").status_code == 401
        auth = {"Authorization": "Bearer s3cret-token-value"}
        assert panel.client.get("/api/jobs", headers=auth).status_code == 200
        assert panel.client.get("/api/jobs", headers={"Authorization": "Bearer wrong"}).status_code == 401
        with httpx.Client(base_url=panel.url) as browser:
            r = browser.get("/?token=s3cret-token-value")
            assert r.status_code == 303 and "token" not in r.headers["location"]
            assert browser.get("/api/jobs").status_code == 200  # the cookie carries it now
        assert "s3cret-token-value" not in panel.client.get("/health", headers=auth).text
