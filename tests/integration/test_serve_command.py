"""`scribedesk serve`: prints the URL, opens the browser (or not), and explains a busy port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support import serve_process
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNPOD_", "S3_", "BROWSER"))}
    env.update(
        PYTHONPATH=str(ROOT),
        UPLOAD_DIR=str(tmp_path / "uploads"),
        RESULTS_DIR=str(tmp_path / "results"),
        **extra,
    )
    return env


@contextmanager
def serving(tmp_path: Path, *args: str, **env: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start `python -m scribedesk serve ARGS` from a folder that is not the checkout; yield (proc, url)."""
    command = [sys.executable, "-m", "scribedesk", "serve", *args]
    with serve_process.serving(command, tmp_path, _env(tmp_path, **env)) as got:
        yield got


def test_serve_prints_the_url_and_serves_the_page(tmp_path: Path) -> None:
    port = free_port()
    with serving(tmp_path, "--port", str(port), "--no-browser") as (_, url):
        assert url == f"http://127.0.0.1:{port}"
        page = httpx.get(url)
        assert page.status_code == 200 and "<script" in page.text
        assert httpx.get(f"{url}/health").json()["status"] == "ok"
    assert (tmp_path / "results" / "jobs.sqlite3").is_file()


def test_serve_opens_the_browser_on_the_panel(tmp_path: Path) -> None:
    opened = tmp_path / "opened.txt"
    script = tmp_path / "browser.py"
    script.write_text(f"import sys; open({str(opened)!r}, 'w').write(sys.argv[1])\n", encoding="utf-8")
    browser = f"{sys.executable} {script} %s"
    with serving(tmp_path, "--port", str(free_port()), BROWSER=browser) as (_, url):
        deadline = time.monotonic() + 30
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert opened.read_text(encoding="utf-8") == url


def test_a_port_held_by_another_program_is_explained(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as holder:
        port = holder.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "scribedesk", "serve", "--port", str(port), "--no-browser"],
            cwd=tmp_path,
            env=_env(tmp_path),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
        )
    assert done.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use by another program" in done.stderr
    assert f"--port {port + 1}" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_a_second_panel_on_the_same_port_points_to_the_first(tmp_path: Path) -> None:
    port = free_port()
    with serving(tmp_path, "--port", str(port), "--no-browser") as (_, url):
        second = tmp_path / "second"
        second.mkdir()
        done = subprocess.run(
            [sys.executable, "-m", "scribedesk", "serve", "--port", str(port), "--no-browser"],
            cwd=second,
            env=_env(second),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
        )
    assert done.returncode == 2
    assert "already in use by another Scribedesk panel (version " in done.stderr
    assert f"it is at {url}" in done.stderr
    assert "Traceback" not in done.stderr
