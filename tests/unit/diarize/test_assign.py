"""Words and segments get speakers with WhisperX's overlap-then-nearest rule; mixed segments split."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from scribedesk.diarize.assign import Turn, assign_speakers, smooth, speaker_for, turns_from_windows
from scribedesk.diarize.cluster import cluster

TURNS = [Turn(0.0, 4.0, "SPEAKER_00"), Turn(5.0, 9.0, "SPEAKER_01")]


def word(text: str, start: float, end: float) -> dict[str, Any]:
    return {"word": text, "start": start, "end": end}


def test_largest_overlap_wins_else_nearest() -> None:
    assert speaker_for(3.5, 5.5, TURNS) == "SPEAKER_00"  # 0.5 s with 00 vs 0.5 with 01: first max
    assert speaker_for(3.8, 5.6, TURNS) == "SPEAKER_01"
    assert speaker_for(4.1, 4.3, TURNS) == "SPEAKER_00"  # in the gap: nearest turn
    assert speaker_for(4.8, 4.9, TURNS) == "SPEAKER_01"
    assert speaker_for(1.0, 2.0, []) is None


def test_a_segment_spanning_a_change_of_voice_is_split_there() -> None:
    output = {
        "segments": [
            {"start": 2.0, "end": 7.0, "text": "yes I agree. So what", "words": [
                word("yes", 2.0, 2.4), word("I", 2.5, 2.6), word("agree.", 2.7, 3.5),
                word("So", 5.1, 5.3), word("what", 5.4, 5.8),
            ]},
        ],
        "language": "en",
    }  # fmt: skip
    result = assign_speakers(output, TURNS)
    segs = result["segments"]
    assert [s["speaker"] for s in segs] == ["SPEAKER_00", "SPEAKER_01"]
    assert [s["text"] for s in segs] == ["yes I agree.", "So what"]
    assert (segs[1]["start"], segs[1]["end"]) == (5.1, 5.8)
    assert output["segments"][0]["words"][0].get("speaker") is None  # the input is not changed


def test_lone_window_between_agreeing_neighbours_is_smoothed() -> None:
    assert smooth([0, 0, 1, 0, 0], [True, False, False, False, False]) == [0, 0, 0, 0, 0]
    assert smooth([0, 0, 1, 0, 0], [True, False, True, False, False]) == [0, 0, 1, 0, 0]  # chunk edge


def test_touching_spans_merge_into_turns() -> None:
    spans = [(0.0, 0.75), (0.75, 1.5), (1.5, 2.2), (3.0, 4.0)]
    turns = turns_from_windows(spans, ["A", "A", "B", "B"])
    assert turns == [Turn(0.0, 1.5, "A"), Turn(1.5, 2.2, "B"), Turn(3.0, 4.0, "B")]


def _blobs(centres: list[np.ndarray], per: int, spread: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    pts = np.concatenate([c + spread * rng.standard_normal((per, c.size)) for c in centres])
    return pts / np.linalg.norm(pts, axis=1, keepdims=True)


def test_cluster_count_follows_the_voices_and_the_bounds() -> None:
    rng = np.random.default_rng(1)
    centres = [np.abs(rng.standard_normal(256)) for _ in range(3)]
    points = _blobs(centres, 40, 0.15)
    assert len(set(cluster(points).tolist())) == 3
    assert len(set(cluster(points, max_speakers=2).tolist())) == 2
    one = _blobs(centres[:1], 80, 0.15)
    assert len(set(cluster(one).tolist())) == 1
    assert len(set(cluster(one, min_speakers=2).tolist())) == 2
    assert cluster(np.zeros((0, 256))).size == 0


def test_a_failing_speaker_step_keeps_the_words(tmp_path: Path) -> None:
    from scribedesk.diarize.hook import add_speakers
    from scribedesk.engines.base import TranscribeOptions

    output = {"segments": [{"start": 0.0, "end": 1.0, "text": "hello", "words": [word("hello", 0.0, 1.0)]}]}
    broken = tmp_path / "broken.m4a"
    broken.write_bytes(b"not audio at all")
    assert add_speakers(broken, output, TranscribeOptions()) == output
