"""`python -m scribedesk convert`: worker output in, export out, clear errors with exit code 2."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from scribedesk.cli import main

ROOT = Path(__file__).resolve().parents[2]
CREDIT = "Субтитры сделал DimaTorzok"


def word(text: str, start: float, end: float, speaker: str) -> dict[str, Any]:
    return {"word": text, "start": start, "end": end, "score": 0.8, "speaker": speaker}


def whisperx_output() -> dict[str, Any]:
    """A small WhisperX result: two speakers, then a credit line in the silence after the talk."""
    lines = [
        (0.5, 3.9, "SPEAKER_00", "Здравствуйте! Расскажите о себе."),
        (4.6, 9.8, "SPEAKER_01", "Я работаю инженером <b>уже</b> пять лет."),
        (10.4, 12.0, "SPEAKER_00", "Спасибо."),
        (58.0, 61.0, "SPEAKER_01", CREDIT),
    ]
    segments = []
    for start, end, speaker, text in lines:
        pieces = text.split()
        step = (end - start) / len(pieces)
        words = [word(p, start + i * step, start + (i + 0.9) * step, speaker) for i, p in enumerate(pieces)]
        segments.append({"start": start, "end": end, "text": " " + text, "speaker": speaker, "words": words})
    return {"segments": segments, "language": "ru"}


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    path = tmp_path / "interview.json"
    path.write_text(json.dumps(whisperx_output(), ensure_ascii=False), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_markdown_to_stdout_with_renamed_speakers(raw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "convert", str(raw), "--format", "md",
        "--speaker", "SPEAKER_00=Интервьюер", "--speaker", "SPEAKER_01=Инженер Петров",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.startswith("# interview.json\n")
    assert "- **Speakers:** Интервьюер, Инженер Петров" in out
    assert "**Интервьюер** [00:00:00]\nЗдравствуйте! Расскажите о себе." in out
    assert "**Инженер Петров** [00:00:04]\nЯ работаю инженером \\<b\\>уже\\</b\\> пять лет." in out


def test_credit_line_is_flagged_like_on_the_server(raw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "convert", str(raw), "-f", "txt")
    assert code == 0 and CREDIT not in out
    code, out, _ = run(capsys, "convert", str(raw), "-f", "txt", "--include-flagged")
    assert code == 0 and "[flagged (" in out and CREDIT in out


def test_txt_options(raw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "convert", str(raw), "-f", "txt", "--no-timestamps", "--no-speakers")
    assert code == 0
    assert out.split("\n\n")[1] == "Здравствуйте! Расскажите о себе."
    _, out, _ = run(capsys, "convert", str(raw), "-f", "txt", "--title", "Интервью №1")
    assert out.split("\n\n")[:2] == ["Интервью №1", "[00:00:00] SPEAKER_00: Здравствуйте! Расскажите о себе."]


def test_docx_without_out_is_written_next_to_the_input(raw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "convert", str(raw), "-f", "docx", "--speaker", "SPEAKER_01=Ольга")
    target = raw.with_suffix(".docx")
    assert (code, out, err) == (0, "", f"wrote {target}\n")
    text = "\n".join(p.text for p in Document(io.BytesIO(target.read_bytes())).paragraphs)
    assert "Ольга  [00:00:04]\nЯ работаю инженером <b>уже</b> пять лет." in text


def test_out_file_for_subtitles(raw: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "sub.vtt"
    code, out, _ = run(capsys, "convert", str(raw), "-f", "vtt", "--out", str(target))
    assert (code, out) == (0, "")
    vtt = target.read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n00:00:00.500 --> ")
    assert "<v SPEAKER_01>Я работаю инженером &lt;b&gt;уже&lt;/b&gt; пять лет." in vtt


def test_language_option_overrides_the_output(raw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "convert", str(raw), "-f", "md", "--language", "uk")
    assert "- **Language:** Ukrainian" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (
            "{not json",
            "not valid JSON (Expecting property name enclosed in double quotes at line 1, column 2)",
        ),
        ('{"text": "hello"}', "not a transcript: worker output has no segments list"),
        ("[1, 2]", "not a transcript: worker output is not a JSON object"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    path = tmp_path / "raw.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "convert", str(path), "-f", "md")
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and message in err


def test_unknown_or_malformed_speaker_exits_2(raw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "convert", str(raw), "-f", "md", "--speaker", "SPEAKER_07=Кто-то")
    assert code == 2
    assert "unknown speaker label SPEAKER_07; labels in this transcript: SPEAKER_00, SPEAKER_01" in err
    code, _, err = run(capsys, "convert", str(raw), "-f", "md", "--speaker", "Интервьюер")
    assert code == 2 and "expected LABEL=NAME" in err


def test_usage_errors_exit_2(raw: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(raw), "--format", "pdf"]) == 2
    assert "invalid choice: 'pdf'" in capsys.readouterr().err
    assert main([]) == 2
    assert main(["--help"]) == 0
    assert "convert" in capsys.readouterr().out


def test_unwritable_out_exits_1(raw: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "convert", str(raw), "-f", "md", "--out", str(tmp_path / "missing" / "a.md"))
    assert code == 1 and "cannot write it" in err


def test_python_dash_m_scribedesk_convert(raw: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}  # UTF-8 must not depend on the terminal
    done = subprocess.run(
        [sys.executable, "-m", "scribedesk", "convert", str(raw), "--format", "srt",
         "--speaker", "SPEAKER_00=Интервьюер"],
        cwd=ROOT, env=env, capture_output=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    srt = done.stdout.decode("utf-8")
    assert srt.startswith("1\n00:00:00,500 --> 00:00:03,")
    assert "Интервьюер: Здравствуйте!\nРасскажите о себе.\n" in srt
    bad = subprocess.run(
        [sys.executable, "-m", "scribedesk", "convert", str(raw.with_name("nope.json")), "-f", "md"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "no such file" in bad.stderr
