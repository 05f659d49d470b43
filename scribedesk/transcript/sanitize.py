"""Text cleaning at the boundary: worker text, file names and edits lose characters no export can hold.

XML 1.0 (and so DOCX) refuses C0 control characters other than tab, newline and carriage return,
lone surrogates and U+FFFE/U+FFFF; a terminal escape (`\\x1b`) or a NUL in one word used to fail every
export of the transcript. Cleaning happens where text enters (normalize's output, an edit request,
an upload's name) and where a saved transcript is read back, so no export ever fails on text.
Pure functions, no I/O.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from scribedesk.transcript.model import Segment, Transcript, Word

# Not allowed in XML 1.0, plus DEL and the C1 controls, which no transcript means to hold.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"[\t\r\n\u2028\u2029]+")

T = TypeVar("T")


def clean_text(text: str) -> str:
    """Drop XML-invalid and control characters; keep tabs and newlines (multi-line text)."""
    return _INVALID.sub("", text) if _INVALID.search(text) else text


def clean_line(text: str) -> str:
    """One line of text (a name, a word, a file name): control characters dropped, breaks become spaces."""
    return _LINE_BREAKS.sub(" ", clean_text(text)).strip()


def clean_value(value: T) -> T:
    """Every string inside a JSON-like value (an edit request) cleaned; other values untouched."""
    if isinstance(value, str):
        return clean_text(value)  # type: ignore[return-value]
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: clean_value(v) for k, v in value.items()}  # type: ignore[return-value]
    if isinstance(value, list):
        return [clean_value(v) for v in value]  # type: ignore[return-value]
    return value


def _dirty(t: Transcript) -> bool:
    if any(_INVALID.search(k) or _INVALID.search(v) for k, v in t.speakers.items()):
        return True
    for seg in t.segments:
        if _INVALID.search(seg.text) or (seg.speaker and _INVALID.search(seg.speaker)):
            return True
        if any(_INVALID.search(w.text) or (w.speaker and _INVALID.search(w.speaker)) for w in seg.words):
            return True
    return False


def _word(w: Word) -> Word:
    speaker = clean_line(w.speaker) if w.speaker is not None else None
    # Not stripped: some workers keep a word's leading space, and exports join on it.
    return w.model_copy(update={"text": _LINE_BREAKS.sub(" ", clean_text(w.text)), "speaker": speaker})


def _segment(seg: Segment) -> Segment:
    return seg.model_copy(
        update={
            "text": clean_text(seg.text),
            "speaker": clean_line(seg.speaker) if seg.speaker is not None else None,
            "words": [_word(w) for w in seg.words],
        }
    )


def clean_transcript(t: Transcript) -> Transcript:
    """The transcript with every text field cleaned (returned as is when nothing needs it)."""
    if not _dirty(t):
        return t
    speakers = {clean_line(k): clean_line(v) for k, v in t.speakers.items()}
    return t.model_copy(update={"segments": [_segment(s) for s in t.segments], "speakers": speakers})


def clean_edit(op: Any) -> Any:
    """An edit request with its strings cleaned; names and labels kept on one line."""
    op = clean_value(op)
    if isinstance(op, dict) and isinstance(op.get("speakers"), dict):
        op["speakers"] = {
            clean_line(k) if isinstance(k, str) else k: clean_line(v) if isinstance(v, str) else v
            for k, v in op["speakers"].items()
        }
    return op
