"""WebVTT export: a "WEBVTT" header, then cues with "." milliseconds and a <v Name> voice tag.

The voice tag goes on every cue (it is markup the player uses, not text the viewer reads). Text is
escaped (&, <, >) so a transcript cannot inject tags.
"""

from __future__ import annotations

from scribedesk.exports.cues import build_cues, format_cue_time
from scribedesk.exports.registry import Exporter, ExportMeta, ExportOptions, register
from scribedesk.transcript.model import Transcript


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(t: Transcript, options: ExportOptions, meta: ExportMeta) -> bytes:
    blocks = ["WEBVTT"]
    for cue in build_cues(t, options, name_prefix=False):
        lines = [escape(line) for line in cue.lines()]
        if cue.speaker:
            lines[0] = f"<v {escape(cue.speaker)}>{lines[0]}"
        timing = f"{format_cue_time(cue.start_ms, '.')} --> {format_cue_time(cue.end_ms, '.')}"
        blocks.append("\n".join([timing, *lines]))
    return ("\n\n".join(blocks) + "\n").encode("utf-8")


EXPORTER = register(Exporter("vtt", "vtt", "text/vtt", render))
