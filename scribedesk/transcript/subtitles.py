"""Read an existing transcript file as data: Whisper-family JSON, SRT or WebVTT (pure, no I/O).

SRT as tools really write it: cue numbers from 0 or 1 (or none), `,` or `.` before milliseconds,
a last cue without text, Windows line ends, a byte-order mark. WebVTT: the header, NOTE/STYLE/REGION
blocks, cue ids, cue settings after the times, `mm:ss.mmm` times, `<v Speaker>` voice tags (kept as
the speaker) and other inline tags (dropped). The result has the WhisperX shape normalize() reads.
"""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

from scribedesk.transcript.normalize import NormalizeError

_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})"
_CUE_TIMES = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
_TAG = re.compile(r"</?[^>]*>")


def parse_transcript_text(text: str) -> Any:
    """JSON (any shape normalize() accepts), SRT or VTT text -> data for normalize()."""
    body = text.lstrip("\ufeff").strip()
    if not body:
        raise NormalizeError("the transcript file is empty")
    if body[0] in "{[":
        try:
            return json.loads(body)
        except json.JSONDecodeError as e:
            raise NormalizeError(f"not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
    if body.startswith("WEBVTT"):
        return {"segments": _cues(body, vtt=True), "source_format": "vtt"}
    if "-->" in body:
        return {"segments": _cues(body, vtt=False), "source_format": "srt"}
    raise NormalizeError("not a transcript: expected Whisper JSON, SRT or WebVTT")


def _seconds(groups: tuple[str | None, ...]) -> float:
    hours, minutes, seconds, millis = groups
    return (
        int(hours or 0) * 3600
        + int(minutes or 0) * 60
        + int(seconds or 0)
        + int((millis or "0").ljust(3, "0")) / 1000
    )


def _cues(body: str, *, vtt: bool) -> list[dict[str, Any]]:
    segments: list[dict[str, Any]] = []
    for block in re.split(r"\n\s*\n", body.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line for line in block.split("\n") if line.strip()]
        at = next((i for i, line in enumerate(lines) if _CUE_TIMES.match(line)), None)
        if at is None:
            continue  # the header, a NOTE/STYLE block, or a stray number
        match = _CUE_TIMES.match(lines[at])
        assert match is not None
        start, end = _seconds(match.groups()[:4]), _seconds(match.groups()[4:])
        speaker, text = _cue_text(lines[at + 1 :], vtt=vtt)
        if not text:
            continue  # a cue without text (SRT files often end with one)
        segment: dict[str, Any] = {"start": start, "end": max(start, end), "text": text}
        if speaker:
            segment["speaker"] = speaker
        segments.append(segment)
    if not segments:
        raise NormalizeError("the subtitle file has no cues with text")
    return segments


def _cue_text(lines: list[str], *, vtt: bool) -> tuple[str | None, str]:
    joined = " ".join(line.strip() for line in lines)
    speaker = None
    if vtt:
        voice = _VOICE.search(joined)
        speaker = voice.group(1).strip() if voice else None
    return speaker, " ".join(unescape(_TAG.sub("", joined)).split())
