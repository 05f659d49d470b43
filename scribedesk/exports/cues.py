"""Subtitle cues shared by SRT and VTT: short, readable, in order, never overlapping.

A cue holds at most two lines of MAX_LINE characters and lasts at most MAX_SECONDS. Cues never cross a
segment boundary, and are split at word times when the aligner gave them; when it did not (or the text
was edited so the words no longer match) a segment's time is shared out in proportion to characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from scribedesk.exports.common import one_line, turns_for
from scribedesk.exports.registry import ExportOptions
from scribedesk.transcript.model import Segment, Transcript

MAX_LINE = 42
MAX_LINES = 2
MAX_SECONDS = 7.0
MIN_SECONDS = 1.0
"""Short cues are stretched to this when the next cue leaves room, so they can be read."""
PAUSE_SECONDS = 1.5
"""A silence this long between two words ends a cue."""
_SENTENCE_END = (".", "?", "!", "…")
_CLAUSE_END = (*_SENTENCE_END, ",", ";", ":")


@dataclass
class Token:
    text: str
    start: float
    end: float


@dataclass
class Cue:
    start_ms: int
    end_ms: int
    text: str
    """The cue's words on one line; `lines` wraps it."""
    speaker: str | None
    """Display name ("" when speakers are off or unknown)."""
    first_of_turn: bool

    def lines(self, prefix: str = "") -> list[str]:
        return wrap(prefix + self.text) or [prefix + self.text]


def wrap(text: str, width: int = MAX_LINE) -> list[str] | None:
    """Split text into at most two lines of `width`, as balanced as possible; None if it cannot fit."""
    if len(text) <= width:
        return [text]
    best: tuple[int, int] | None = None
    for i, ch in enumerate(text):
        if ch == " " and i <= width and len(text) - i - 1 <= width:
            longest = max(i, len(text) - i - 1)
            if best is None or longest < best[0]:
                best = (longest, i)
    if best is None:
        return None
    return [text[: best[1]], text[best[1] + 1 :]]


def _proportional(seg: Segment, pieces: list[str]) -> list[Token]:
    """Share the segment's time among pieces by their length (plus one for the space)."""
    weights = [len(p) + 1 for p in pieces]
    total = sum(weights) or 1
    span = max(seg.end - seg.start, 0.0)
    tokens, at = [], seg.start
    for piece, weight in zip(pieces, weights, strict=True):
        step = span * weight / total
        tokens.append(Token(piece, at, at + step))
        at += step
    return tokens


def _word_tokens(seg: Segment) -> list[Token] | None:
    """Tokens from the aligned words, or None when they no longer match the text or have no times."""
    words = [w for w in seg.words if w.text.strip()]
    if not words or [w.text.strip() for w in words] != seg.text.split():
        return None
    if all(w.start is None or w.end is None for w in words):
        return None
    tokens: list[Token] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w.start is not None and w.end is not None:
            tokens.append(Token(w.text.strip(), w.start, max(w.end, w.start)))
            i += 1
            continue
        # A run of words the aligner could not place (digits in Russian): share the gap around them.
        j = i
        while j < len(words) and (words[j].start is None or words[j].end is None):
            j += 1
        gap_start = tokens[-1].end if tokens else seg.start
        nxt = words[j].start if j < len(words) else None
        gap_end = nxt if nxt is not None else seg.end
        gap = Segment(id=0, start=gap_start, end=max(gap_end, gap_start), text="")
        tokens.extend(_proportional(gap, [x.text.strip() for x in words[i:j]]))
        i = j
    return tokens


def segment_tokens(seg: Segment) -> list[Token]:
    """Timed tokens for one segment, their start times never going backwards."""
    tokens = _word_tokens(seg) or _proportional(seg, one_line(seg.text).split())
    last = seg.start
    for tok in tokens:
        tok.start = max(tok.start, last)
        tok.end = max(tok.end, tok.start)
        last = tok.start
    return tokens


def _joined(tokens: list[Token]) -> str:
    return " ".join(t.text for t in tokens)


def _fits(lead: str, tokens: list[Token]) -> bool:
    first, last = tokens[0], tokens[-1]
    pauses = (b.start - a.end for a, b in pairwise(tokens))
    return (
        wrap(lead + _joined(tokens)) is not None
        and last.end - first.start <= MAX_SECONDS
        and all(p < PAUSE_SECONDS for p in pauses)
    )


def _break_at_punctuation(lead: str, current: list[Token], tok: Token) -> int:
    """Where to end a full cue: after the last comma/sentence end in its second half, else at its end."""
    total = len(lead + _joined(current))
    for k in range(len(current) - 1, 0, -1):
        if len(lead + _joined(current[:k])) < total / 2:
            break
        if current[k - 1].text.endswith(_CLAUSE_END) and _fits("", [*current[k:], tok]):
            return k
    return len(current)


def _chunk(tokens: list[Token], prefix: str) -> list[list[Token]]:
    """Greedy: add words to a cue while it fits; end full cues at punctuation where there is some."""
    chunks: list[list[Token]] = []
    current: list[Token] = []
    for tok in tokens:
        lead = prefix if not chunks else ""
        if current and not _fits(lead, [*current, tok]):
            k = _break_at_punctuation(lead, current, tok)
            chunks.append(current[:k])
            current = current[k:]
        current.append(tok)
        lead = prefix if not chunks else ""
        if len(lead + _joined(current)) > MAX_LINE and tok.text.endswith(_SENTENCE_END):
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    return chunks


def _to_ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def _settle(cues: list[Cue]) -> list[Cue]:
    """Make cues strictly ordered and non-overlapping, each short enough and, where room, long enough."""
    min_ms, max_ms = _to_ms(MIN_SECONDS), _to_ms(MAX_SECONDS)
    for i, cue in enumerate(cues):
        if i:
            prev = cues[i - 1]
            if cue.start_ms < prev.end_ms:
                # Trim the earlier cue when it stays readable; otherwise this one waits its turn.
                if cue.start_ms - prev.start_ms >= min_ms // 2:
                    prev.end_ms = cue.start_ms
                else:
                    cue.start_ms = prev.end_ms
        cue.end_ms = min(max(cue.end_ms, cue.start_ms + 1), cue.start_ms + max_ms)
    for i, cue in enumerate(cues):
        room = cues[i + 1].start_ms if i + 1 < len(cues) else cue.start_ms + min_ms
        cue.end_ms = max(cue.end_ms, min(cue.start_ms + min_ms, room))
    return cues


def build_cues(t: Transcript, options: ExportOptions, *, name_prefix: bool) -> list[Cue]:
    """Cues for the whole transcript; with name_prefix, "Name: " counts toward a turn's first cue."""
    cues: list[Cue] = []
    for turn in turns_for(t, options):
        name = one_line(t.display_name(turn.speaker)) if options.speakers and turn.speaker else ""
        prefix = f"{name}: " if name and name_prefix else ""
        first = True
        for seg in turn.segments:
            for chunk in _chunk(segment_tokens(seg), prefix if first else ""):
                text = " ".join(tok.text for tok in chunk)
                start, end = _to_ms(chunk[0].start), _to_ms(chunk[-1].end)
                cues.append(Cue(start, end, text, name, first))
                first = False
    return _settle(cues)


def format_cue_time(ms: int, separator: str) -> str:
    """12345678 -> "03:25:45,678" (SRT, separator ",") or "03:25:45.678" (VTT, separator ".")."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"
