"""SRT export: numbered cues, "HH:MM:SS,mmm --> HH:MM:SS,mmm", at most two lines each.

With speakers on, "Name: " opens the first cue of every turn (each change of speaker), not every cue:
it says who speaks without eating a fifth of each line. SRT has no escaping, so text goes as it is,
except that "-->" (which some players take for a timing line) is written "->".
"""

from __future__ import annotations

from scribedesk.exports.cues import build_cues, format_cue_time
from scribedesk.exports.registry import Exporter, ExportMeta, ExportOptions, register
from scribedesk.transcript.model import Transcript


def render(t: Transcript, options: ExportOptions, meta: ExportMeta) -> bytes:
    blocks = []
    for number, cue in enumerate(build_cues(t, options, name_prefix=True), start=1):
        prefix = f"{cue.speaker}: " if cue.speaker and cue.first_of_turn else ""
        lines = [line.replace("-->", "->") for line in cue.lines(prefix)]
        timing = f"{format_cue_time(cue.start_ms, ',')} --> {format_cue_time(cue.end_ms, ',')}"
        blocks.append("\n".join([str(number), timing, *lines]))
    return ("\n\n".join(blocks) + "\n").encode("utf-8") if blocks else b""


EXPORTER = register(Exporter("srt", "srt", "application/x-subrip", render))
