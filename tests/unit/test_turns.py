"""Turn grouping (what a reader sees as one paragraph) and the hh:mm:ss timestamps."""

from __future__ import annotations

import pytest

from scribedesk.transcript.model import Segment, Transcript
from scribedesk.transcript.turns import UNLABELLED_MAX, UNLABELLED_PAUSE, format_timestamp, group_turns


def seg(i: int, start: float, end: float, speaker: str | None, hidden: bool = False) -> Segment:
    return Segment(id=i, start=start, end=end, text=f"s{i}", speaker=speaker, hidden=hidden)


def test_consecutive_segments_of_one_speaker_make_one_turn_and_a_change_starts_a_new_one() -> None:
    t = Transcript(
        segments=[seg(0, 0, 2, "A"), seg(1, 2.5, 4, "A"), seg(2, 4, 6, "B"), seg(3, 7, 8, "A")],
    )
    turns = group_turns(t)
    assert [(x.speaker, x.start, x.end, x.text) for x in turns] == [
        ("A", 0, 4, "s0 s1"),
        ("B", 4, 6, "s2"),
        ("A", 7, 8, "s3"),
    ]


def test_hidden_segments_are_skipped_so_their_neighbours_join_unless_asked_for() -> None:
    t = Transcript(segments=[seg(0, 0, 2, "A"), seg(1, 2, 3, "B", hidden=True), seg(2, 3, 5, "A")])
    assert [x.text for x in group_turns(t)] == ["s0 s2"]
    assert [x.text for x in group_turns(t, include_hidden=True)] == ["s0", "s1", "s2"]


def test_without_speaker_labels_a_pause_or_a_long_paragraph_starts_a_new_turn() -> None:
    t = Transcript(
        segments=[
            seg(0, 0, 2, None),
            seg(1, 2.5, 4, None),
            seg(2, 4 + UNLABELLED_PAUSE, 8, None),
            seg(3, 8.1, 8 + UNLABELLED_MAX, None),
            seg(4, 8.2 + UNLABELLED_MAX, 70 + UNLABELLED_MAX, None),
        ]
    )
    assert [x.text for x in group_turns(t)] == ["s0 s1", "s2 s3", "s4"]
    assert all(x.speaker is None for x in group_turns(t))


def test_labelled_turns_are_not_split_by_pauses() -> None:
    t = Transcript(segments=[seg(0, 0, 2, "A"), seg(1, 30, 32, "A")])
    assert len(group_turns(t)) == 1


@pytest.mark.parametrize(
    ("seconds", "always", "expected"),
    [
        (0, True, "00:00:00"),
        (65.9, True, "00:01:05"),
        (3725.2, True, "01:02:05"),
        (65.9, False, "01:05"),
        (3725.2, False, "01:02:05"),
        (36000 * 3, True, "30:00:00"),
        (-3, True, "00:00:00"),
        (None, True, "00:00:00"),
        (float("nan"), True, "00:00:00"),
    ],
)
def test_format_timestamp(seconds: float | None, always: bool, expected: str) -> None:
    assert format_timestamp(seconds, always_hours=always) == expected
