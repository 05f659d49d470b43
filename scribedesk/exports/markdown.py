"""Markdown export: title, a metadata list, then one paragraph per turn ("**Name** [hh:mm:ss]" + text).

Everything that came from a person or a model (file name, speaker names, transcript text) is escaped,
so a transcript that says `**bold**` or `<img src=x onerror=...>` shows those characters as text.
Flagged segments appear only with include_flagged, struck through with the reason.
"""

from __future__ import annotations

import re

from scribedesk.exports.common import hidden_reason, meta_lines, one_line, speaker_label, title_of, turns_for
from scribedesk.exports.registry import Exporter, ExportMeta, ExportOptions, register
from scribedesk.transcript.model import Segment, Transcript
from scribedesk.transcript.turns import Turn, format_timestamp

# Inline markup characters; backslash escapes for any ASCII punctuation are part of CommonMark.
_INLINE = re.compile(r"([\\`*_\[\]<>~|])")
# "&amp;"-like entities would otherwise turn into the character they name.
_ENTITY = re.compile(r"&(?=#?\w+;)")
# Characters that start a block (heading, list, quote, table rule) when they open a line.
_LINE_START = re.compile(r"^([#+=-])")
_ORDERED = re.compile(r"^(\d+)([.)])")


def escape(text: str) -> str:
    """Markdown-escape user text so it renders as exactly these characters, on one line."""
    text = _INLINE.sub(r"\\\1", one_line(text))
    text = _ENTITY.sub("&amp;", text)
    text = _LINE_START.sub(r"\\\1", text)
    return _ORDERED.sub(r"\1\\\2", text)


def _segment_md(seg: Segment) -> str:
    text = escape(seg.text)
    if not seg.hidden:
        return text
    return f"~~{text}~~ *(flagged: {escape(hidden_reason(seg))})*"


def _turn_md(t: Transcript, turn: Turn, options: ExportOptions) -> str:
    head = []
    name = speaker_label(t, turn, options)
    if name:
        head.append(f"**{escape(name)}**")
    if options.timestamps:
        head.append(f"[{format_timestamp(turn.start)}]")
    body = " ".join(_segment_md(s) for s in turn.segments if s.text.strip())
    # Head and body on two lines of one paragraph: readable raw, one line when rendered.
    return "\n".join([" ".join(head), body]) if head else body


def render(t: Transcript, options: ExportOptions, meta: ExportMeta) -> bytes:
    parts = [f"# {escape(title_of(meta))}"]
    parts.append(
        "\n".join(f"- **{line.label}:** {escape(line.value)}" for line in meta_lines(t, meta, options))
    )
    turns = [_turn_md(t, turn, options) for turn in turns_for(t, options)]
    parts.extend(turn for turn in turns if turn.strip())
    if not turns:
        parts.append("*No speech in this transcript.*")
    return ("\n\n".join(parts) + "\n").encode("utf-8")


EXPORTER = register(Exporter("md", "md", "text/markdown; charset=utf-8", render))
