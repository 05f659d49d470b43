"""Markdown and plain text: structure, options, hidden segments, and markup that stays text."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from scribedesk.exports import ExportMeta, ExportOptions, render
from scribedesk.transcript.cleanup import flag_reason
from scribedesk.transcript.model import Segment, Transcript
from tests.unit.exports.conftest import CREDIT, XSS

REASON = flag_reason("hallucination:credit-line")


def md(t: Transcript, meta: ExportMeta, **opts: bool) -> str:
    return render("md", t, ExportOptions(**opts), meta).decode("utf-8")


def txt(t: Transcript, meta: ExportMeta, **opts: bool) -> str:
    return render("txt", t, ExportOptions(**opts), meta).decode("utf-8")


def to_html(text: str) -> str:
    html: str = MarkdownIt("commonmark").enable("strikethrough").render(text)
    return html


def test_markdown_has_title_metadata_and_turns(interview: Transcript, meta: ExportMeta) -> None:
    out = md(interview, meta)
    assert out.startswith("# Интервью\\_сыроварня.m4a\n\n")
    for line in (
        "- **Date:** 2026-03-14 11:30",
        "- **Duration:** 01:02:05",
        "- **Language:** Russian",
        "- **Speakers:** Интервьюер, Мария Соколова",
        "- **Engine:** runpod",
        "- **Model:** large-v3",
    ):
        assert line in out.splitlines()
    assert "**Интервьюер** [00:00:04]\nДобрый день!" in out
    # Two segments of one speaker in a row read as one turn.
    assert (
        "**Мария Соколова** [00:00:09]\nЯ руковожу небольшой сыроварней под Костромой. Пожалуй, сбыт." in out
    )
    assert "**Интервьюер** [00:01:05]\n" in out
    html = to_html(out)
    assert "<h1>Интервью_сыроварня.m4a</h1>" in html
    assert "<strong>Мария Соколова</strong> [00:00:09]" in html


def test_markdown_markup_in_the_transcript_stays_text(interview: Transcript, meta: ExportMeta) -> None:
    html = to_html(md(interview, meta))
    assert "&lt;img src=x onerror=alert(1)&gt; и **bold** &amp; [ссылка](http://x)" in html
    assert "<img" not in html and "<a " not in html and "<strong>bold" not in html


@pytest.mark.parametrize("text", ["# not a heading", "- not a list", "1. not a list", "> not a quote"])
def test_markdown_line_start_markup_stays_text(text: str, meta: ExportMeta) -> None:
    t = Transcript(segments=[Segment(id=0, start=0, end=1, text=text)])
    html = to_html(md(t, meta, timestamps=False))
    assert f"<p>{text.replace('>', '&gt;')}</p>" in html


def test_markdown_options(interview: Transcript, meta: ExportMeta) -> None:
    plain = md(interview, meta, timestamps=False, speakers=False)
    body = plain.split("\n\n", 2)[2]
    assert "[00:" not in body and "Интервьюер" not in plain and "Мария" not in plain
    assert "- **Speakers:** 2" in plain
    assert body.startswith("Добрый день!")
    assert "[00:00:04]" not in md(interview, meta, timestamps=False)
    assert "**Интервьюер**" not in md(interview, meta, speakers=False)


def test_markdown_hidden_segments_only_with_include_flagged(interview: Transcript, meta: ExportMeta) -> None:
    assert "DimaTorzok" not in md(interview, meta)
    flagged = md(interview, meta, include_flagged=True)
    assert f"~~{CREDIT}~~ *(flagged: {REASON})*" in flagged
    assert f"<s>{CREDIT}</s>" in to_html(flagged)


def test_markdown_without_diarization_says_so_and_prints_no_names(meta: ExportMeta) -> None:
    t = Transcript(language="en", segments=[Segment(id=0, start=0, end=1, text="Hello.")])
    out = md(t, meta)
    assert "- **Speakers:** not detected (no diarization)" in out
    assert out.rstrip().endswith("[00:00:00]\nHello.")


def test_text_export_lines(interview: Transcript, meta: ExportMeta) -> None:
    out = txt(interview, meta)
    blocks = out.rstrip("\n").split("\n\n")
    assert blocks[0] == "Интервью_сыроварня.m4a"
    assert blocks[1] == "[00:00:04] Интервьюер: Добрый день! Расскажите, пожалуйста, чем вы занимаетесь."
    assert blocks[2].startswith("[00:00:09] Мария Соколова: Я руковожу")
    assert blocks[3] == f"[00:01:05] Интервьюер: {XSS}"
    assert blocks[4] == "[00:01:10] Мария Соколова: Спасибо вам."
    assert len(blocks) == 5 and CREDIT not in out


def test_text_export_options(interview: Transcript, meta: ExportMeta) -> None:
    assert txt(interview, meta, timestamps=False).split("\n\n")[1].startswith("Интервьюер: Добрый")
    assert txt(interview, meta, speakers=False).split("\n\n")[1].startswith("[00:00:04] Добрый")
    assert txt(interview, meta, timestamps=False, speakers=False).split("\n\n")[1].startswith("Добрый")
    flagged = txt(interview, meta, include_flagged=True)
    # The hidden line joins the turn of its speaker, marked.
    assert f"[00:01:10] Мария Соколова: Спасибо вам. [flagged ({REASON}): {CREDIT}]" in flagged
