"""sanitize.py: no export ever fails on text; tabs and newlines stay where they mean something."""

from __future__ import annotations

import io

from docx import Document

from scribedesk.exports import ExportMeta, ExportOptions, render
from scribedesk.transcript.model import Segment, Transcript, Word
from scribedesk.transcript.sanitize import clean_edit, clean_line, clean_text, clean_transcript

BAD = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\x7f\ufffe\ud800"


def test_clean_text_keeps_tabs_and_newlines() -> None:
    assert clean_text(f"a{BAD}b\tc\nd") == "a" + "b\tc\nd"


def test_clean_line_is_one_line() -> None:
    assert clean_line(" Anna\n\tB\x00 ") == "Anna B"


def test_a_dirty_transcript_exports_as_docx() -> None:
    t = Transcript(
        segments=[
            Segment(
                id=1, start=0, end=1, text=f"Hi{BAD} there", speaker="S\x1b1", words=[Word(text=" Hi\x00")]
            )
        ],
        speakers={"S\x1b1": "Ann\x00"},
    )
    clean = clean_transcript(t)
    assert clean.segments[0].text == "Hi there" and clean.speakers == {"S1": "Ann"}
    assert clean.segments[0].words[0].text == " Hi"
    data = render("docx", clean, ExportOptions(), ExportMeta(filename="x.m4a"))
    assert "Hi there" in "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_a_clean_transcript_is_returned_as_is() -> None:
    t = Transcript(segments=[Segment(id=1, start=0, end=1, text="fine\ttext")])
    assert clean_transcript(t) is t


def test_edit_requests_are_cleaned() -> None:
    op = clean_edit({"op": "rename", "speakers": {"SPEAKER_00": "A\x00n\nn"}})
    assert op == {"op": "rename", "speakers": {"SPEAKER_00": "An n"}}
    assert clean_edit({"op": "edit_text", "segment_id": 1, "text": "x\x1by\nz"})["text"] == "xy\nz"
