"""One list of runtime dependencies, data outside site-packages, and `.env` from two places."""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

import pytest

from scribedesk import paths
from scribedesk.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def _requirement_lines(path: Path) -> list[str]:
    lines = [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line]


def test_requirements_txt_lists_exactly_the_package_dependencies() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    listed = _requirement_lines(ROOT / "requirements.txt")
    assert sorted(listed) == sorted(declared), (
        "requirements.txt and pyproject.toml [project] dependencies differ: add a runtime dependency to both"
    )


def _top_level_imports(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


# Import name -> the distribution that provides it, for those a declared dependency brings along.
PROVIDED_BY = {
    "docx": "python-docx",
    "multipart": "python-multipart",
    "python_multipart": "python-multipart",
    "faster_whisper": "faster-whisper",
    "pydantic_settings": "pydantic-settings",
    "botocore": "boto3",
    "starlette": "fastapi",
    "ctranslate2": "faster-whisper",
    "numpy": "faster-whisper",
    "tokenizers": "faster-whisper",
    "huggingface_hub": "faster-whisper",
    "onnxruntime": "faster-whisper",
}


def test_every_third_party_import_in_the_package_is_declared() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    names = {d.split(">")[0].split("=")[0].split("[")[0].strip().lower() for d in declared}
    imports: set[str] = set()
    for path in (ROOT / "scribedesk").rglob("*.py"):
        imports |= _top_level_imports(path.read_text(encoding="utf-8"))
    third_party = {i for i in imports if i not in sys.stdlib_module_names and i != "scribedesk"}
    missing = sorted(i for i in third_party if PROVIDED_BY.get(i, i.replace("_", "-")).lower() not in names)
    assert not missing, f"imported by scribedesk/ but not in pyproject.toml dependencies: {missing}"


def test_a_checkout_keeps_uploads_and_results_in_the_checkout() -> None:
    assert paths.checkout_root() == ROOT
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.upload_dir == ROOT / "uploads" and s.results_dir == ROOT / "results"
    assert paths.static_dir() == ROOT / "static"


def test_installed_data_goes_to_the_user_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(paths, "checkout_root", lambda: None)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # honoured on Linux only
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert "site-packages" not in str(s.upload_dir)
    assert s.upload_dir.parent == s.results_dir.parent == paths.user_data_path("scribedesk", appauthor=False)
    assert s.upload_dir.name == "uploads" and s.results_dir.name == "results"


def test_upload_and_results_dir_override_the_defaults(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("UPLOAD_DIR", str(tmp_path / "Записи"))
    monkeypatch.setenv("RESULTS_DIR", str(tmp_path / "out"))
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.upload_dir == tmp_path / "Записи" and s.results_dir == tmp_path / "out"


def test_an_empty_folder_setting_means_the_default(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("UPLOAD_DIR=\nRESULTS_DIR=\nMODELS_DIR=\n", encoding="utf-8")
    s = Settings(_env_file=env)  # type: ignore[call-arg]
    assert s.upload_dir == paths.default_upload_dir() and s.models_dir == paths.default_models_dir()


def test_env_is_read_from_the_user_config_folder_and_the_current_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    user_env = tmp_path / "config" / ".env"
    user_env.parent.mkdir()
    user_env.write_text("RUNPOD_ENDPOINT_ID=from-user-config\nDEFAULT_LANGUAGE=de\n", encoding="utf-8")
    here = tmp_path / "here"
    here.mkdir()
    (here / ".env").write_text("DEFAULT_LANGUAGE=fr\n", encoding="utf-8")
    monkeypatch.chdir(here)
    s = Settings(_env_file=(user_env, Path(".env")))  # type: ignore[call-arg]
    assert s.runpod_endpoint_id == "from-user-config"  # only the user config folder sets it
    assert s.default_language == "fr"  # the current folder's .env wins


def test_settings_read_the_user_config_env_by_default() -> None:
    assert Settings.model_config["env_file"] == (paths.user_env_file(), Path(".env"))


def test_an_atomic_write_waits_for_a_target_another_program_holds_open(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """On Windows os.replace fails while a reader has the target open; the write waits and lands."""
    import os

    from scribedesk.jobs import files

    real = os.replace
    refusals = [PermissionError(13, "in use"), PermissionError(13, "in use")]

    def busy_then_free(src: str | Path, dst: str | Path) -> None:
        if refusals:
            raise refusals.pop()
        real(src, dst)

    target = tmp_path / "Интервью.md"
    target.write_text("old", encoding="utf-8")
    monkeypatch.setattr(files.os, "replace", busy_then_free)
    files.atomic_write(target, b"new")
    assert target.read_text(encoding="utf-8") == "new" and not refusals
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
