"""`python -m scribedesk transcribe`: the panel's pipeline from a terminal, with the real tiny.en model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from tests.integration.test_local_and_fallback import TINY_EN

ROOT = Path(__file__).resolve().parents[2]


def run_cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNPOD_", "S3_", "WORKER_"))}
    env.update(
        ENGINE="local",
        LOCAL_MODEL=TINY_EN,
        DEFAULT_LANGUAGE="en",
        UPLOAD_DIR=str(cwd / "uploads"),
        RESULTS_DIR=str(cwd / "results"),
        PYTHONPATH=str(ROOT),
    )
    return subprocess.run(
        [sys.executable, "-m", "scribedesk", *args], cwd=cwd, env=env, capture_output=True, text=True
    )


@pytest.mark.slow
def test_transcribe_writes_exports_and_reports_progress(tmp_path: Path, speech_m4a: Path) -> None:
    out = tmp_path / "out"
    done = run_cli(["transcribe", str(speech_m4a), "--out", str(out), "--format", "md,docx"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "m4a: Done" in done.stderr and "wrote" in done.stderr  # steps between are too quick to count on
    md = (out / "Интервью 1.md").read_text()
    assert "welcome" in md.lower()
    docx_text = " ".join(p.text for p in Document(str(out / "Интервью 1.docx")).paragraphs)
    assert "welcome" in docx_text.lower()
    assert len(list((tmp_path / "results").glob("*/transcript.json"))) == 1  # an ordinary job


def test_transcribe_refuses_missing_files_and_bad_formats(tmp_path: Path) -> None:
    missing = run_cli(["transcribe", str(tmp_path / "nope.m4a")], tmp_path)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    (tmp_path / "a.wav").write_bytes(b"RIFF")
    bad = run_cli(["transcribe", str(tmp_path / "a.wav"), "--format", "pdf"], tmp_path)
    assert bad.returncode == 2 and "unknown format pdf" in bad.stderr


def test_transcribe_reports_a_file_that_is_not_audio(tmp_path: Path) -> None:
    notes = tmp_path / "notes.m4a"
    notes.write_text("not audio")
    done = run_cli(["transcribe", str(notes), "--out", str(tmp_path / "out")], tmp_path)
    assert done.returncode == 1
    assert "not usable audio" in done.stderr
