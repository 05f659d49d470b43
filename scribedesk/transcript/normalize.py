"""Turn any supported worker output into a Transcript.

Accepted shapes (see docs on the workers people run): WhisperX's own result
(`segments` with `words`, optional `speaker`, `word_segments`, `language`),
kodxana/whisperx-worker (`segments` + `detected_language`),
runpod-workers/worker-faster_whisper (decoder scores per segment and a flat
top-level `word_timestamps` list, no speakers), and the local engine's
WhisperX-style output with `language` and `duration`. The output may also
arrive as a JSON string, wrapped in RunPod's `{"output": {...}}` or a server's `{"result": {...}}`;
openai-whisper's own JSON (`text`, `segments` with `seek`/`tokens`, float noise in times) reads the
same way. Times that are missing, NaN, infinite or text are filled: a missing end from the next
segment's start, a missing start from the previous end, both from the words when they are timed.

A whole output that cannot be trusted (no segments list, not one usable time)
raises NormalizeError; a single bad word or time never loses any text.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any

from scribedesk.transcript.model import Segment, Transcript, Word


class NormalizeError(ValueError):
    """The worker output cannot be read as a transcript; the message says why."""


def normalize(
    raw: object,
    *,
    language: str | None = None,
    duration: float | None = None,
    source: dict[str, str] | None = None,
) -> Transcript:
    """Build a Transcript from one worker output (dict, JSON string, or RunPod envelope)."""
    data = _unwrap(raw)
    raw_segments = data.get("segments")
    if not isinstance(raw_segments, list):
        raise NormalizeError("worker output has no segments list")
    segments = [seg for i, item in enumerate(raw_segments) if (seg := _parse_segment(i, item)) is not None]
    _fill_times(segments)
    flat_words = data.get("word_timestamps")
    if isinstance(flat_words, list) and not any(seg.words for seg in segments):
        _distribute_words(segments, _parse_flat_words(flat_words))
    segments.sort(key=lambda s: (s.start, s.end))
    for new_id, seg in enumerate(segments):
        seg.id = new_id
    speakers = _settle_speakers(segments)
    meta = dict(source or {})
    meta.setdefault("output_format", _detect_format(data, raw_segments))
    if not speakers:
        meta["diarization"] = "none"
    elif isinstance(data.get("diarization"), str):  # "local": estimated on this computer
        meta["diarization"] = data["diarization"]
    return Transcript(
        language=_language(data) or language,
        duration=_duration(data, duration, segments),
        segments=segments,
        speakers=speakers,
        source=meta,
    )


def _unwrap(raw: object) -> dict[str, Any]:
    if isinstance(raw, bytes | bytearray):
        raw = raw.decode("utf-8", errors="replace")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as e:
            raise NormalizeError(f"worker output is not valid JSON ({e.msg} at position {e.pos})") from e
    # RunPod's /status answer (or a saved copy of it) puts the worker's result under "output".
    for _ in range(3):
        if isinstance(raw, dict) and "segments" not in raw and ("output" in raw or "result" in raw):
            raw = raw["output"] if "output" in raw else raw["result"]
            if isinstance(raw, str):
                return _unwrap(raw)
    if not isinstance(raw, dict):
        raise NormalizeError(f"worker output is not a JSON object (got {type(raw).__name__})")
    if "segments" not in raw and raw.get("error"):
        raise NormalizeError(f"worker reported an error instead of a transcript: {raw['error']}")
    return raw


def _number(value: object) -> float | None:
    """A finite float, or None for anything else (bools, non-numbers, NaN, infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    f = float(value)
    return f if math.isfinite(f) else None


def _segment_time(seg: dict[str, Any], key: str) -> float | None:
    """A segment time in seconds; a number in a string is read, anything unusable (NaN, infinity,
    text) counts as missing and is filled from the words or the neighbours."""
    value = seg.get(key)
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    number = _number(value)
    return None if number is None else round(max(0.0, number), 3)


def _label(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _parse_word(item: object) -> Word | None:
    if not isinstance(item, dict):
        return None
    text = item.get("word", item.get("text"))
    if not isinstance(text, str) or not text.strip():
        return None
    start, end = _number(item.get("start")), _number(item.get("end"))
    start = None if start is None else round(start, 3)
    end = None if end is None else round(end, 3)
    if start is not None and start < 0:
        start = 0.0
    if end is not None and end < 0:
        end = 0.0
    if start is not None and end is not None and end < start:
        # An inverted pair cannot be trusted either way: keep the word, drop its times.
        start = end = None
    score = _number(item.get("score", item.get("probability")))
    if score is not None and not 0.0 <= score <= 1.0:
        score = None
    return Word(text=text.strip(), start=start, end=end, score=score, speaker=_label(item.get("speaker")))


def _parse_segment(index: int, item: object) -> Segment | None:
    """One segment; a missing time is left as NaN here and filled by _fill_times."""
    if not isinstance(item, dict):
        raise NormalizeError(f"segment {index} is not an object")
    raw_words = item.get("words")
    words = [w for w in (_parse_word(x) for x in raw_words) if w] if isinstance(raw_words, list) else []
    raw_text = item.get("text")
    text = raw_text.strip() if isinstance(raw_text, str) else ""
    if not text:
        text = " ".join(w.text for w in words)
    if not text:
        return None  # whisper sometimes emits an empty segment; there is nothing to show
    start, end = _segment_time(item, "start"), _segment_time(item, "end")
    timed = [w for w in words if w.start is not None and w.end is not None]
    if start is None:
        start = min((w.start for w in timed if w.start is not None), default=None)
    if end is None:
        end = max((w.end for w in timed if w.end is not None), default=None)
    return Segment(
        id=index,
        start=math.nan if start is None else start,
        end=math.nan if end is None else end,
        text=text,
        speaker=_label(item.get("speaker")),
        words=words,
        avg_logprob=_number(item.get("avg_logprob")),
        no_speech_prob=_number(item.get("no_speech_prob")),
        compression_ratio=_number(item.get("compression_ratio")),
    )


def _fill_times(segments: list[Segment]) -> None:
    """Missing times from the neighbours (in output order): a missing end is the next start, a
    missing start the previous end. Only an output with no usable time at all is refused."""
    if segments and all(math.isnan(s.start) and math.isnan(s.end) for s in segments):
        raise NormalizeError("segment 0 has no start/end time and no timed words")
    previous_end = 0.0
    for i, seg in enumerate(segments):
        if math.isnan(seg.start):
            seg.start = previous_end if math.isnan(seg.end) else min(previous_end, seg.end)
        if math.isnan(seg.end):
            following = (s.start for s in segments[i + 1 :] if not math.isnan(s.start))
            nxt = next(following, None)
            seg.end = nxt if nxt is not None and nxt >= seg.start else seg.start
        seg.end = max(seg.start, seg.end)
        previous_end = max(previous_end, seg.end)


def _parse_flat_words(items: list[Any]) -> list[Word]:
    return [w for w in (_parse_word(x) for x in items) if w]


def _distribute_words(segments: list[Segment], words: list[Word]) -> None:
    """Give each word of a flat list to the segment its midpoint falls in (else the nearest one)."""
    if not segments:
        return
    ordered = sorted(segments, key=lambda s: (s.start, s.end))
    current = ordered[0]
    for word in words:
        if word.start is not None and word.end is not None:
            current = _segment_for(ordered, (word.start + word.end) / 2)
        # An untimed word stays with the segment of the word before it.
        current.words.append(word)


def _segment_for(ordered: list[Segment], t: float) -> Segment:
    for seg in ordered:
        if seg.start <= t <= seg.end:
            return seg
    return min(ordered, key=lambda s: min(abs(s.start - t), abs(s.end - t)))


def _settle_speakers(segments: list[Segment]) -> dict[str, str]:
    """Fill segment speakers (own, else word majority, else a neighbour's); return label -> label."""
    for seg in segments:
        if seg.speaker is None:
            counts = Counter(w.speaker for w in seg.words if w.speaker)
            if counts:
                seg.speaker = counts.most_common(1)[0][0]
    if not any(seg.speaker for seg in segments):
        return {}  # no diarization at all: leave every speaker empty
    previous: str | None = None
    for seg in segments:
        if seg.speaker is None:
            seg.speaker = previous
        previous = seg.speaker
    following: str | None = None
    for seg in reversed(segments):
        if seg.speaker is None:
            seg.speaker = following
        following = seg.speaker
    speakers: dict[str, str] = {}
    for seg in segments:
        for label in [seg.speaker, *(w.speaker for w in seg.words)]:
            if label and label not in speakers:
                speakers[label] = label
    return speakers


def _language(data: dict[str, Any]) -> str | None:
    for key in ("language", "detected_language"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _duration(data: dict[str, Any], given: float | None, segments: list[Segment]) -> float | None:
    if given is not None and _number(given) is not None and given > 0:
        return float(given)
    found = _number(data.get("duration"))
    if found is not None and found > 0:
        return found
    return max((s.end for s in segments), default=None)


def _detect_format(data: dict[str, Any], raw_segments: list[Any]) -> str:
    """Name the worker family, for the record (source["output_format"])."""
    first = raw_segments[0] if raw_segments and isinstance(raw_segments[0], dict) else {}
    if "word_timestamps" in data or "transcription" in data or "no_speech_prob" in first:
        return "faster-whisper"
    if "detected_language" in data:
        return "kodxana"
    return "whisperx"
