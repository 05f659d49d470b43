"""A credit line glued to real speech: only the credit is flagged; the exports keep the real words."""

from __future__ import annotations

import pytest

from scribedesk.exports import ExportMeta, ExportOptions, render
from scribedesk.transcript.cleanup import FLAG_PREFIX, flag_hallucinations
from scribedesk.transcript.edits import edit_text
from scribedesk.transcript.model import Segment, Transcript, Word
from scribedesk.transcript.spans import split_spans

REAL = "Мы закончили проект в срок и сдали его заказчику."
CREDIT = "Субтитры создавал DimaTorzok"


def glued() -> Transcript:
    text = f"{REAL} {CREDIT}"
    tokens = text.split()
    words = [
        Word(text=w, start=1.0 + 0.4 * i, end=1.0 + 0.4 * i + 0.3, score=0.8) for i, w in enumerate(tokens)
    ]
    segs = [
        Segment(id=0, start=0.0, end=0.9, text="Как всё прошло?", speaker="S0"),
        Segment(id=1, start=1.0, end=1.0 + 0.4 * len(tokens), text=text, speaker="S1", words=words),
    ]
    return Transcript(language="ru", segments=segs, speakers={"S0": "S0", "S1": "S1"})


def test_only_the_credit_span_is_flagged() -> None:
    out = flag_hallucinations(glued())
    seg = out.segments[1]
    assert seg.flags == [] and not seg.hidden
    assert [(s.text, s.reason, s.hidden) for s in seg.spans] == [(CREDIT, FLAG_PREFIX + "credit-line", True)]


@pytest.mark.parametrize("fmt", ["md", "txt", "srt", "vtt", "docx"])
def test_exports_keep_the_real_words_and_drop_or_mark_the_span(fmt: str) -> None:
    t = flag_hallucinations(glued())
    meta = ExportMeta(filename="i.m4a")
    plain = render(fmt, t, ExportOptions(), meta)
    marked = render(fmt, t, ExportOptions(include_flagged=True), meta)
    if fmt == "docx":
        from io import BytesIO

        from docx import Document

        plain = "\n".join(p.text for p in Document(BytesIO(plain)).paragraphs).encode()
        marked = "\n".join(p.text for p in Document(BytesIO(marked)).paragraphs).encode()
    assert "сдали его заказчику" in plain.decode() and "DimaTorzok" not in plain.decode()
    assert "DimaTorzok" in marked.decode()
    if fmt in ("md", "txt", "docx"):
        assert "flagged" in marked.decode()


def test_pieces_take_their_words_and_times() -> None:
    pieces = split_spans(flag_hallucinations(glued())).segments
    real, credit = pieces[1], pieces[2]
    assert real.text == REAL and not real.hidden
    assert credit.text == CREDIT and credit.hidden and credit.flags == [FLAG_PREFIX + "credit-line"]
    assert real.end <= credit.start and [w.text for w in credit.words] == CREDIT.split()


def test_an_edited_text_drops_a_stale_span() -> None:
    t = flag_hallucinations(glued())
    edited = edit_text(t, 1, "Мы закончили проект в срок.")
    assert [s.text for s in split_spans(edited).segments] == [
        "Как всё прошло?",
        "Мы закончили проект в срок.",
    ]
