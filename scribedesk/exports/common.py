"""What every exporter shares: language names, the metadata facts, flag reasons, text clean-up."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scribedesk.exports.registry import ExportMeta, ExportOptions
from scribedesk.transcript.cleanup import flag_reason
from scribedesk.transcript.model import Segment, Transcript
from scribedesk.transcript.spans import split_spans
from scribedesk.transcript.turns import Turn, format_timestamp, group_turns

LANGUAGE_NAMES: dict[str, str] = {
    "ru": "Russian",
    "en": "English",
    "uk": "Ukrainian",
    "be": "Belarusian",
    "kk": "Kazakh",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "pl": "Polish",
    "cs": "Czech",
    "tr": "Turkish",
    "ar": "Arabic",
    "he": "Hebrew",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "hi": "Hindi",
}

_SPACE = re.compile(r"\s+")


def language_name(code: str | None) -> str:
    """ "ru" -> "Russian"; an unknown code is shown as given; None -> "unknown"."""
    if not code:
        return "unknown"
    return LANGUAGE_NAMES.get(code.lower().split("-")[0], code)


def one_line(text: str) -> str:
    """Collapse any run of whitespace (including newlines a user typed) into one space."""
    return _SPACE.sub(" ", text).strip()


def title_of(meta: ExportMeta) -> str:
    return one_line(meta.filename) or "Transcript"


def hidden_reason(seg: Segment) -> str:
    """Why a hidden segment was hidden, for the include_flagged marking."""
    if seg.flags:
        # The same words the review desk shows next to a flagged segment.
        return "; ".join(dict.fromkeys(flag_reason(f) for f in seg.flags))
    return "hidden by reviewer"


def transcript_duration(t: Transcript) -> float:
    if t.duration is not None:
        return t.duration
    return max((s.end for s in t.segments), default=0.0)


def turns_for(t: Transcript, options: ExportOptions) -> list[Turn]:
    """The turns an export shows: hidden segments only when the user asked for flagged ones. A flagged
    span inside a segment (a credit glued to real speech) is its own piece, hidden or marked the same way."""
    return group_turns(split_spans(t), include_hidden=options.include_flagged)


def speaker_label(t: Transcript, turn: Turn, options: ExportOptions) -> str:
    """The name printed for a turn ("" when speakers are off or the segment has no speaker)."""
    if not options.speakers or turn.speaker is None:
        return ""
    return one_line(t.display_name(turn.speaker))


@dataclass(frozen=True)
class MetaLine:
    label: str
    value: str


def speakers_summary(t: Transcript, options: ExportOptions) -> str:
    """ "Interviewer, Respondent" in order of first appearance (only a count when names are off)."""
    labels = list(dict.fromkeys(s.speaker for s in t.segments if s.speaker is not None))
    if not labels:
        return "not detected (no diarization)"
    estimated = " (estimated on this computer)" if t.source.get("diarization") == "local" else ""
    if not options.speakers:  # the user asked for an export without names: none in the header either
        return f"{len(labels)}{estimated}"
    return ", ".join(one_line(t.display_name(label)) for label in labels) + estimated


def meta_lines(t: Transcript, meta: ExportMeta, options: ExportOptions) -> list[MetaLine]:
    """The short metadata block at the top of DOCX and Markdown exports."""
    lines: list[MetaLine] = []
    if meta.created is not None:
        lines.append(MetaLine("Date", meta.created.strftime("%Y-%m-%d %H:%M")))
    lines.append(MetaLine("Duration", format_timestamp(transcript_duration(t))))
    lines.append(MetaLine("Language", language_name(t.language)))
    lines.append(MetaLine("Speakers", speakers_summary(t, options)))
    engine = meta.engine or t.source.get("engine")
    model = meta.model or t.source.get("model")
    if engine:
        lines.append(MetaLine("Engine", one_line(engine)))
    if model:
        lines.append(MetaLine("Model", one_line(model)))
    lines.extend(MetaLine(one_line(k), one_line(v)) for k, v in meta.extra.items())
    return lines
