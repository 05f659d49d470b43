"""The transcript data model shared by normalize, cleanup, edits, exports and the API."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Word(BaseModel):
    """One word with its timing; start/end are None when the aligner could not place it."""

    text: str
    start: float | None = None
    end: float | None = None
    score: float | None = None
    speaker: str | None = None


class Span(BaseModel):
    """A flagged stretch inside a segment's text (e.g. a credit line glued to real speech)."""

    start: int
    """Character offset in the segment text where the span begins."""
    end: int
    """Character offset just past the span."""
    text: str
    """The flagged words as they stood; a span whose text no longer matches is ignored."""
    reason: str
    """A flag like "hallucination:credit-line"."""
    hidden: bool = True


class Segment(BaseModel):
    """A stretch of speech by one speaker, with its words and any hallucination flags."""

    id: int
    start: float
    end: float
    text: str
    speaker: str | None = None
    words: list[Word] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    """Reasons this segment looks invented, e.g. "hallucination:credit-line"."""
    hidden: bool = False
    """Hidden from exports (flagged segments start hidden; the reviewer can restore them)."""
    spans: list[Span] = Field(default_factory=list)
    """Flagged parts of the text when only part of the segment looks invented."""
    avg_logprob: float | None = None
    no_speech_prob: float | None = None
    compression_ratio: float | None = None


class Transcript(BaseModel):
    """A whole transcript: segments in time order plus speaker display names."""

    language: str | None = None
    duration: float | None = None
    segments: list[Segment] = Field(default_factory=list)
    speakers: dict[str, str] = Field(default_factory=dict)
    """Speaker label (SPEAKER_00) -> display name (Interviewer); every label used has an entry."""
    source: dict[str, str] = Field(default_factory=dict)
    """Where it came from: engine, model, worker schema."""

    def display_name(self, label: str | None) -> str:
        if label is None:
            return ""
        return self.speakers.get(label, label)
