"""Plain-text export: a title line, then one "[hh:mm:ss] Name: text" line per turn, blank lines between.

With include_flagged a hidden passage is kept and marked "[flagged (reason): text]".
"""

from __future__ import annotations

from scribedesk.exports.common import hidden_reason, one_line, speaker_label, title_of, turns_for
from scribedesk.exports.registry import Exporter, ExportMeta, ExportOptions, register
from scribedesk.transcript.model import Segment, Transcript
from scribedesk.transcript.turns import Turn, format_timestamp


def _segment_txt(seg: Segment) -> str:
    text = one_line(seg.text)
    return f"[flagged ({hidden_reason(seg)}): {text}]" if seg.hidden else text


def _turn_txt(t: Transcript, turn: Turn, options: ExportOptions) -> str:
    prefix = f"[{format_timestamp(turn.start)}] " if options.timestamps else ""
    name = speaker_label(t, turn, options)
    if name:
        prefix += f"{name}: "
    return prefix + " ".join(_segment_txt(s) for s in turn.segments if s.text.strip())


def render(t: Transcript, options: ExportOptions, meta: ExportMeta) -> bytes:
    blocks = [title_of(meta)]
    blocks.extend(_turn_txt(t, turn, options) for turn in turns_for(t, options))
    return ("\n\n".join(blocks) + "\n").encode("utf-8")


EXPORTER = register(Exporter("txt", "txt", "text/plain; charset=utf-8", render))
