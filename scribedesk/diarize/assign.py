"""From labelled windows to speaker turns, and from turns to the words of a transcript (pure).

Words get WhisperX's ``assign_word_speakers`` semantics: the speaker whose turns overlap the word
most, else the nearest turn. A segment whose words change speaker is split there, so every segment
(and so every turn on the desk) has one voice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Turn:
    start: float
    end: float
    speaker: str


def smooth(labels: Sequence[int], breaks: Sequence[bool]) -> list[int]:
    """A lone window whose two neighbours (in the same chunk) agree takes their label.

    breaks[i] is True when window i starts a new chunk of speech.
    """
    out = list(labels)
    for i in range(1, len(out) - 1):
        if breaks[i] or breaks[i + 1]:
            continue
        if out[i - 1] == labels[i + 1] != out[i]:
            out[i] = out[i - 1]
    return out


def turns_from_windows(spans: Sequence[tuple[float, float]], labels: Sequence[str]) -> list[Turn]:
    """Merge consecutive spans with the same label when they touch (gap < 0.5 s)."""
    turns: list[Turn] = []
    for (start, end), label in sorted(zip(spans, labels, strict=True)):
        if turns and turns[-1].speaker == label and start - turns[-1].end < 0.5:
            turns[-1] = Turn(turns[-1].start, max(end, turns[-1].end), label)
        else:
            turns.append(Turn(start, end, label))
    return turns


def speaker_for(start: float, end: float, turns: Sequence[Turn]) -> str | None:
    """The speaker overlapping [start, end] most, else the nearest turn's (WhisperX fill_nearest)."""
    if not turns:
        return None
    totals: dict[str, float] = {}
    best_gap, nearest = float("inf"), turns[0].speaker
    for t in turns:
        overlap = min(t.end, end) - max(t.start, start)
        if overlap > 0:
            totals[t.speaker] = totals.get(t.speaker, 0.0) + overlap
        elif -overlap < best_gap:
            best_gap, nearest = -overlap, t.speaker
    if totals:
        return max(totals, key=lambda s: totals[s])
    return nearest


def _split_segment(seg: dict[str, Any]) -> list[dict[str, Any]]:
    words = seg.get("words") or []
    if not words:
        return [seg]
    groups: list[list[dict[str, Any]]] = [[words[0]]]
    for w in words[1:]:
        if w.get("speaker") != groups[-1][-1].get("speaker"):
            groups.append([w])
        else:
            groups[-1].append(w)
    if len(groups) == 1:
        return [{**seg, "speaker": groups[0][0].get("speaker") or seg.get("speaker")}]
    parts = []
    for group in groups:
        timed = [w for w in group if w.get("start") is not None and w.get("end") is not None]
        parts.append(
            {
                **seg,
                "start": timed[0]["start"] if timed else seg["start"],
                "end": timed[-1]["end"] if timed else seg["end"],
                "text": " ".join(str(w["word"]).strip() for w in group),
                "words": group,
                "speaker": group[0].get("speaker"),
            }
        )
    return parts


def assign_speakers(output: dict[str, Any], turns: Sequence[Turn]) -> dict[str, Any]:
    """A copy of a WhisperX-style output with a speaker on every segment and timed word."""
    segments: list[dict[str, Any]] = []
    for seg in output.get("segments", []):
        seg = {**seg, "words": [dict(w) for w in seg.get("words") or []]}
        for w in seg["words"]:
            if w.get("start") is not None and w.get("end") is not None:
                w["speaker"] = speaker_for(float(w["start"]), float(w["end"]), turns)
        seg["speaker"] = speaker_for(float(seg["start"]), float(seg["end"]), turns)
        for w in seg["words"]:  # an untimed word keeps its neighbour's voice
            w.setdefault("speaker", seg["speaker"])
        segments.extend(_split_segment(seg))
    return {**output, "segments": segments}
