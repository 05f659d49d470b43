"""The wheel, installed into a fresh virtual environment outside the checkout, gives a working panel.

Builds the wheel from this checkout, installs it with uv (its cache makes a repeat install a few
seconds; the first run on a clean machine downloads the dependencies once) into a new venv under
the test's temporary folder, and runs the `scribedesk` command from a folder that is not the
checkout: --help, serve (the page, every script it loads, /health) and convert. Data must land in
the user data folder (XDG_DATA_HOME here), not in site-packages and not in the current folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support import serve_process
from tests.support.platforms import linux_only
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "transcript_whisperx_ru.json"

pytestmark = [
    pytest.mark.slow,
    # XDG_* folders and the venv's bin/ layout are what this test asserts on; the package itself
    # keeps no Linux-only assumption (platformdirs picks the folders on macOS and Windows).
    linux_only,
]


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8"
    )
    assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The venv's bin/ folder with scribedesk installed from a freshly built wheel."""
    root = tmp_path_factory.mktemp("wheel")
    python = Path(sys.executable)
    _run(python, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", root / "dist", ROOT,
         cwd=root)  # fmt: skip
    wheel = next((root / "dist").glob("scribedesk-*.whl"))
    uv = shutil.which("uv", path=str(python.parent)) or shutil.which("uv")
    assert uv, "uv is missing: make install-dev installs it (requirements-dev.txt)"
    clean = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    _run(uv, "venv", "-q", "--python", python, root / "venv", cwd=root, env=clean)
    _run(uv, "pip", "install", "-q", "--python", root / "venv" / "bin" / "python", wheel, cwd=root, env=clean)
    return root / "venv" / "bin"


@pytest.fixture
def user_env(tmp_path: Path) -> dict[str, str]:
    """A user with empty data and config folders and no settings from this machine."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RUNPOD_", "S3_", "UPLOAD_", "RESULTS_", "BROWSER", "VIRTUAL_ENV", "PYTHON"))
    }
    env.update(XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    return env


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    folder = tmp_path / "Документы"
    folder.mkdir()
    return folder


def test_the_command_is_installed_and_imports_from_the_venv(installed: Path, elsewhere: Path) -> None:
    help_text = _run(installed / "scribedesk", "--help", cwd=elsewhere).stdout
    for command in ("serve", "transcribe", "convert", "doctor"):
        assert command in help_text
    where = _run(installed / "python", "-c", "import scribedesk; print(scribedesk.__file__)", cwd=elsewhere)
    assert Path(where.stdout.strip()).is_relative_to(installed.parent)


def test_serve_gives_the_page_with_its_scripts(
    installed: Path, elsewhere: Path, user_env: dict[str, str], tmp_path: Path
) -> None:
    command = [str(installed / "scribedesk"), "serve", "--port", str(free_port()), "--no-browser"]
    with (
        serve_process.serving(command, elsewhere, user_env) as (_, url),
        httpx.Client(base_url=url) as client,
    ):
        page = client.get("/")
        assert page.status_code == 200
        assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
        assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
        for asset in assets:
            assert client.get(asset).status_code == 200, asset
        assert client.get("/health").json()["status"] == "ok"
    data = tmp_path / "data" / "scribedesk"
    assert (data / "results" / "jobs.sqlite3").is_file() and (data / "uploads").is_dir()
    assert not (elsewhere / "results").exists() and not (elsewhere / "uploads").exists()
    assert not list(installed.parent.rglob("jobs.sqlite3"))


def test_convert_works_from_another_folder(
    installed: Path, elsewhere: Path, user_env: dict[str, str]
) -> None:
    raw = elsewhere / "интервью.json"
    shutil.copyfile(FIXTURE, raw)
    md = _run(installed / "scribedesk", "convert", raw.name, "--format", "md", cwd=elsewhere, env=user_env)
    assert md.stdout.count("\n") > 5
    _run(installed / "scribedesk", "convert", raw.name, "--format", "docx", cwd=elsewhere, env=user_env)
    assert (elsewhere / "интервью.docx").stat().st_size > 1000


def test_uv_tool_install_gives_the_command(installed: Path, tmp_path: Path, user_env: dict[str, str]) -> None:
    """`uv tool install` (what a user runs) from the same wheel: its own venv and a command on PATH."""
    wheel = next(installed.parent.parent.glob("dist/scribedesk-*.whl"))
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    assert uv
    env = user_env | {"UV_TOOL_DIR": str(tmp_path / "tools"), "UV_TOOL_BIN_DIR": str(tmp_path / "bin")}
    _run(uv, "tool", "install", "-q", "--python", sys.executable, wheel, cwd=tmp_path, env=env)
    assert "doctor" in _run(tmp_path / "bin" / "scribedesk", "--help", cwd=tmp_path, env=env).stdout
