"""Turns: consecutive segments of one speaker read as one paragraph (exports and the review desk).

The rule, mirrored by the UI:
- segments are taken in order; hidden segments are skipped unless ``include_hidden``;
- a change of speaker starts a new turn;
- without a speaker label (no diarization, ``speaker is None``) a turn would be the whole recording,
  so there a pause of ``UNLABELLED_PAUSE`` seconds or more, or a turn already ``UNLABELLED_MAX``
  seconds long, also starts a new turn: an undiarized transcript still reads in paragraphs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from scribedesk.transcript.model import Segment, Transcript

UNLABELLED_PAUSE = 2.0
"""Seconds of silence that end a paragraph when there are no speaker labels."""
UNLABELLED_MAX = 60.0
"""Longest paragraph, in seconds, when there are no speaker labels."""


@dataclass
class Turn:
    """One speaker's uninterrupted stretch: the segments it is made of and its time span."""

    speaker: str | None
    start: float
    end: float
    segments: list[Segment] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments if s.text.strip())


def _starts_new_turn(turn: Turn, seg: Segment) -> bool:
    if seg.speaker != turn.speaker:
        return True
    if seg.speaker is None:
        return seg.start - turn.end >= UNLABELLED_PAUSE or turn.end - turn.start >= UNLABELLED_MAX
    return False


def group_turns(t: Transcript, *, include_hidden: bool = False) -> list[Turn]:
    """Merge consecutive (visible) segments of one speaker into turns, in transcript order."""
    turns: list[Turn] = []
    for seg in t.segments:
        if seg.hidden and not include_hidden:
            continue
        if turns and not _starts_new_turn(turns[-1], seg):
            turn = turns[-1]
            turn.segments.append(seg)
            turn.end = max(turn.end, seg.end)
        else:
            turns.append(Turn(speaker=seg.speaker, start=seg.start, end=seg.end, segments=[seg]))
    return turns


def format_timestamp(seconds: float | None, *, always_hours: bool = True) -> str:
    """Whole seconds, rounded down, as "hh:mm:ss" (or "mm:ss" under an hour when not always_hours)."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        seconds = 0.0
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours or always_hours:
        return f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"
