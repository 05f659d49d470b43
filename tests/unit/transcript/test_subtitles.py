"""Existing transcripts from other tools: SRT and WebVTT as they are really written, and every JSON
shape, through `convert` (the panel's import reads the same way). Nothing raises a traceback."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from scribedesk.cli import main
from scribedesk.transcript.normalize import NormalizeError, normalize
from scribedesk.transcript.subtitles import parse_transcript_text

SRT_FROM_ZERO = (
    "\ufeff0\r\n00:00:00,000 --> 00:00:02,500\r\nЗдравствуйте!\r\n\r\n"
    "1\r\n00:00:03,000 --> 00:00:06,250\r\nРасскажите, пожалуйста,\r\nо себе.\r\n\r\n"
    "2\r\n00:00:07,000 --> 00:00:09,000\r\n\r\n"
)
VTT = """WEBVTT - made by some tool

NOTE a comment block
that spans lines

STYLE
::cue { color: yellow }

intro
00:01.000 --> 00:03.500 align:start position:10%
<v Interviewer>How did it <i>start</i>?

00:04.000 --> 00:08.000
<v.loud Respondent>With a &amp; small team.

01:00:00.000 --> 01:00:01.000
"""


def test_srt_cues_from_zero_and_an_empty_last_cue() -> None:
    t = normalize(parse_transcript_text(SRT_FROM_ZERO))
    assert [(s.start, s.end, s.text) for s in t.segments] == [
        (0.0, 2.5, "Здравствуйте!"),
        (3.0, 6.25, "Расскажите, пожалуйста, о себе."),
    ]


def test_vtt_voices_settings_notes_and_short_times() -> None:
    t = normalize(parse_transcript_text(VTT))
    assert [(s.start, s.end, s.speaker, s.text) for s in t.segments] == [
        (1.0, 3.5, "Interviewer", "How did it start?"),
        (4.0, 8.0, "Respondent", "With a & small team."),
    ]
    assert set(t.speakers) == {"Interviewer", "Respondent"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("just some notes", "expected Whisper JSON, SRT or WebVTT"),
        ("1\n00:00:01,000 --> 00:00:02,000\n\n", "no cues with text"),
        ("{oops", "not valid JSON"),
    ],
)
def test_unreadable_files_say_why(text: str, message: str) -> None:
    with pytest.raises(NormalizeError, match=message):
        parse_transcript_text(text)


SHAPES: dict[str, str] = {
    "openai-whisper.json": json.dumps(
        {
            "text": " Hello there. Bye.",
            "language": "en",
            "segments": [
                {
                    "id": 0,
                    "seek": 0,
                    "start": 0.0,
                    "end": 2.0000000000000004,
                    "text": " Hello there.",
                    "tokens": [1],
                },
                {"id": 1, "seek": 0, "start": 2.5, "end": 3.9, "text": " Bye.", "no_speech_prob": 0.1},
            ],
        }
    ),
    "whisperx-words.json": json.dumps(
        {
            "segments": [
                {
                    "start": 0.0,
                    "end": 9.0,
                    "text": " Long word here.",
                    "speaker": "SPEAKER_00",
                    "words": [
                        {"word": "Long", "start": 0.0, "end": 8.0, "score": 0.0, "speaker": "SPEAKER_01"},
                        {"word": "word", "start": 8.0, "end": 8.5},
                        {"word": "here.", "start": 8.5, "end": 9.0, "score": 0.7, "speaker": "SPEAKER_00"},
                    ],
                }
            ],
            "word_segments": [{"word": "Long", "start": 0.0, "end": 8.0}],
        }
    ),
    "whisperx-no-words.json": json.dumps(
        {"segments": [{"start": 0, "end": 2, "text": " No words.", "speaker": "A"}]}
    ),
    "wrapped.json": json.dumps(
        {
            "result": {
                "segments": [{"start": 0, "text": " Missing end."}, {"start": 2, "end": 3, "text": " Next."}]
            }
        }
    ),
    "nan.json": json.dumps(
        {
            "segments": [
                {"start": math.nan, "end": 1, "text": " NaN start."},
                {"start": 1, "end": math.inf, "text": " Inf end."},
            ]
        }
    ),
    "from-zero.srt": SRT_FROM_ZERO,
    "voices.vtt": VTT,
}


@pytest.mark.parametrize("name", sorted(SHAPES))
@pytest.mark.parametrize("fmt", ["md", "srt", "vtt", "txt", "json", "docx"])
def test_every_shape_converts_to_every_format(
    name: str, fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    path.write_text(SHAPES[name], encoding="utf-8")
    code = main(["convert", str(path), "-f", fmt, "--out", str(tmp_path / f"out.{fmt}")])
    _, err = capsys.readouterr()
    assert code == 0, err
    assert (tmp_path / f"out.{fmt}").stat().st_size > 0
