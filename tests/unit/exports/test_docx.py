"""DOCX export read back with python-docx (and, marked slow, laid out by LibreOffice)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn

from scribedesk.exports import ExportMeta, ExportOptions, render
from scribedesk.transcript.cleanup import flag_reason
from scribedesk.transcript.model import Transcript
from tests.unit.exports.conftest import CREDIT, XSS

REASON = flag_reason("hallucination:credit-line")


def build(t: Transcript, meta: ExportMeta, **opts: bool) -> DocumentObject:
    return Document(io.BytesIO(render("docx", t, ExportOptions(**opts), meta)))


def body_text(doc: DocumentObject) -> list[str]:
    return [p.text for p in doc.paragraphs]


def test_docx_title_metadata_and_turns(interview: Transcript, meta: ExportMeta) -> None:
    doc = build(interview, meta)
    paragraphs = body_text(doc)
    assert paragraphs[0] == "Интервью_сыроварня.m4a"
    assert doc.paragraphs[0].style is not None and doc.paragraphs[0].style.name == "Title"
    assert doc.core_properties.title == "Интервью_сыроварня.m4a"
    facts = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert facts == {
        "Date": "2026-03-14 11:30",
        "Duration": "01:02:05",
        "Language": "Russian",
        "Speakers": "Интервьюер, Мария Соколова",
        "Engine": "runpod",
        "Model": "large-v3",
    }
    turns = [p for p in doc.paragraphs if "[00:" in p.text]
    assert [p.text.split("\n")[0] for p in turns] == [
        "Интервьюер  [00:00:04]",
        "Мария Соколова  [00:00:09]",
        "Интервьюер  [00:01:05]",
        "Мария Соколова  [00:01:10]",
    ]
    first = turns[0]
    assert first.runs[0].text == "Интервьюер" and first.runs[0].bold
    assert first.text.endswith("\nДобрый день! Расскажите, пожалуйста, чем вы занимаетесь.")
    # Consecutive segments of one speaker are one paragraph; markup-like text is kept as typed.
    assert "Костромой. Пожалуй, сбыт." in turns[1].text
    assert turns[2].text.endswith("\n" + XSS)
    assert not any(CREDIT in p for p in paragraphs)


def test_docx_footer_has_page_number_fields(interview: Transcript, meta: ExportMeta) -> None:
    footer = build(interview, meta).sections[0].footer
    instructions = [el.text.strip() for el in footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert footer.paragraphs[0].text == "Page  of "


def test_docx_fonts_cover_cyrillic_for_every_script(interview: Transcript, meta: ExportMeta) -> None:
    doc = build(interview, meta)
    for name in ("Normal", "Title"):
        fonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert {k.split("}")[1]: v for k, v in fonts.attrib.items()} == {
            "ascii": "Arial", "hAnsi": "Arial", "eastAsia": "Arial", "cs": "Arial",
        }  # fmt: skip
    lang = doc.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "ru-RU"


def test_docx_options_change_the_output(interview: Transcript, meta: ExportMeta) -> None:
    no_times = "\n".join(body_text(build(interview, meta, timestamps=False)))
    assert "[00:" not in no_times and "Мария Соколова\nЯ руковожу" in no_times
    nameless = build(interview, meta, speakers=False)
    assert {r.cells[0].text: r.cells[1].text for r in nameless.tables[0].rows}["Speakers"] == "2"
    no_names = body_text(nameless)
    assert not any(p.startswith(("Интервьюер", "Мария")) for p in no_names)
    assert "[00:00:04]\nДобрый день!" in "\n".join(no_names)
    bare = build(interview, meta, timestamps=False, speakers=False)
    assert any(p.text.startswith("Добрый день!") for p in bare.paragraphs)


def test_docx_flagged_segments_are_struck_through_when_included(
    interview: Transcript, meta: ExportMeta
) -> None:
    doc = build(interview, meta, include_flagged=True)
    runs = [r for p in doc.paragraphs for r in p.runs]
    struck = [r for r in runs if r.text.strip() == CREDIT]
    assert len(struck) == 1 and struck[0].font.strike
    assert any(r.text == f" [flagged: {REASON}]" for r in runs)


def test_docx_renamed_speaker_is_used(interview: Transcript, meta: ExportMeta) -> None:
    interview.speakers["SPEAKER_01"] = "Ольга Петровна"
    text = "\n".join(body_text(build(interview, meta)))
    assert "Ольга Петровна  [00:00:09]" in text and "Мария" not in text


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("libreoffice") is None or shutil.which("pdftotext") is None, reason="no LO")
def test_docx_opens_in_libreoffice_with_cyrillic_and_page_numbers(
    interview: Transcript, meta: ExportMeta, tmp_path: Path
) -> None:
    path = tmp_path / "interview.docx"
    path.write_bytes(render("docx", interview, ExportOptions(), meta))
    subprocess.run(
        ["libreoffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True,
    )  # fmt: skip
    pdf_text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "interview.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Мария Соколова" in pdf_text and "[00:00:09]" in pdf_text
    assert "Page 1 of 1" in pdf_text
