"""Flagged spans as separate pieces for the exports: the real words stay, the flagged part is hidden
(or marked, when the user asks for flagged passages). Pure.

A span whose recorded text no longer matches the segment (the reviewer edited it) is ignored.
"""

from __future__ import annotations

from scribedesk.transcript.model import Segment, Span, Transcript, Word


def valid_spans(seg: Segment) -> list[Span]:
    """The segment's spans that still match its text, in order, without overlaps."""
    out: list[Span] = []
    for span in sorted(seg.spans, key=lambda s: s.start):
        fits = 0 <= span.start < span.end <= len(seg.text) and seg.text[span.start : span.end] == span.text
        if fits and (not out or span.start >= out[-1].end):
            out.append(span)
    return out


def split_spans(t: Transcript) -> Transcript:
    """A copy where every segment with valid spans becomes pieces: text around the spans as it was,
    each span its own segment flagged with the span's reason and hidden as the span is."""
    if not any(seg.spans for seg in t.segments):
        return t
    segments: list[Segment] = []
    for seg in t.segments:
        spans = valid_spans(seg)
        segments.extend(_pieces(seg, spans) if spans and not seg.hidden else [seg])
    return t.model_copy(update={"segments": segments})


def _word_offsets(seg: Segment) -> list[int]:
    """Where each word starts in the segment text (best effort: the next occurrence after the last)."""
    offsets, cursor = [], 0
    for word in seg.words:
        found = seg.text.find(word.text, cursor)
        pos = found if found >= 0 else cursor
        offsets.append(pos)
        cursor = pos + len(word.text)
    return offsets


def _pieces(seg: Segment, spans: list[Span]) -> list[Segment]:
    bounds: list[tuple[int, int, Span | None]] = []
    cursor = 0
    for span in spans:
        if span.start > cursor:
            bounds.append((cursor, span.start, None))
        bounds.append((span.start, span.end, span))
        cursor = span.end
    if cursor < len(seg.text):
        bounds.append((cursor, len(seg.text), None))
    offsets = _word_offsets(seg)
    length, duration = max(len(seg.text), 1), seg.end - seg.start
    pieces = []
    for a, b, flagged in bounds:
        text = seg.text[a:b].strip()
        if not text:
            continue
        words: list[Word] = [w for w, pos in zip(seg.words, offsets, strict=True) if a <= pos < b]
        timed = [w for w in words if w.start is not None and w.end is not None]
        start = min(
            (w.start for w in timed if w.start is not None), default=seg.start + duration * a / length
        )
        end = max((w.end for w in timed if w.end is not None), default=seg.start + duration * b / length)
        extra = {"flags": [*seg.flags, flagged.reason], "hidden": flagged.hidden} if flagged else {}
        pieces.append(
            seg.model_copy(
                update={"text": text, "words": words, "start": start, "end": end, "spans": [], **extra}
            )
        )
    return pieces
