"""DOCX export (the only module that imports python-docx): a document a person can hand to a client.

Title (file name), a small metadata table, then one paragraph per turn: the speaker's name in bold, the
time in grey, and the text on the next line. A4, Arial (present with Cyrillic on Windows, macOS and,
as Liberation Sans, on Linux), the document language set for spell-checking, and "Page X of Y" in the
footer. Built in memory; python-docx is blocking, so callers in async code run it in a thread.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.text.paragraph import Paragraph

from scribedesk.exports.common import hidden_reason, meta_lines, one_line, speaker_label, title_of, turns_for
from scribedesk.exports.registry import Exporter, ExportMeta, ExportOptions, register
from scribedesk.transcript.model import Transcript
from scribedesk.transcript.turns import Turn, format_timestamp

FONT = "Arial"
TEXT_COLOR = RGBColor(0x22, 0x22, 0x22)
MUTED = RGBColor(0x6B, 0x72, 0x80)
# A few distinct, print-friendly colours for speaker names, given in order of first appearance.
SPEAKER_COLORS = [
    RGBColor(0x1F, 0x4E, 0x79),
    RGBColor(0x8B, 0x2E, 0x1A),
    RGBColor(0x2E, 0x6B, 0x30),
    RGBColor(0x6A, 0x3D, 0x8F),
    RGBColor(0x7A, 0x5C, 0x00),
]
LABEL_VALUE_WIDTHS = (Cm(3.0), Cm(13.6))
LOCALES = {
    "ru": "ru-RU", "en": "en-US", "uk": "uk-UA", "be": "be-BY", "kk": "kk-KZ", "de": "de-DE",
    "fr": "fr-FR", "es": "es-ES", "it": "it-IT", "pt": "pt-PT", "nl": "nl-NL", "pl": "pl-PL",
    "cs": "cs-CZ", "tr": "tr-TR", "ar": "ar-SA", "he": "he-IL", "zh": "zh-CN", "ja": "ja-JP",
    "ko": "ko-KR", "hi": "hi-IN",
}  # fmt: skip


def _set_fonts(style: BaseStyle, language: str | None) -> None:
    """Give a style one explicit font for every script (Word picks eastAsia/cs fonts separately)."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.lower().endswith("theme"):  # theme fonts (incl. w:cstheme) win over explicit ones
            del fonts.attrib[attr]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    locale = LOCALES.get((language or "").lower().split("-")[0])
    if locale:
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), locale)


def _setup(doc: DocumentObject, t: Transcript) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    normal = doc.styles["Normal"]
    _set_fonts(normal, t.language)
    normal.font.size = Pt(11)
    normal.font.color.rgb = TEXT_COLOR
    normal.paragraph_format.space_after = Pt(8)
    normal.paragraph_format.line_spacing = 1.15
    title = doc.styles["Title"]
    _set_fonts(title, t.language)
    title.font.size = Pt(20)
    title.font.bold = True
    title.font.color.rgb = TEXT_COLOR
    title.paragraph_format.space_after = Pt(12)
    footer = doc.styles["Footer"]
    _set_fonts(footer, t.language)
    # Style the footer itself: the page-number fields take their look from the paragraph style.
    footer.font.size = Pt(9)
    footer.font.color.rgb = MUTED


def _field(paragraph: Paragraph, instruction: str) -> None:
    """Append a field (PAGE, NUMPAGES) that Word and LibreOffice compute when they lay out the page."""
    run = paragraph.add_run()
    begin, instr, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instr)
    run._r.append(end)


def _footer(doc: DocumentObject) -> None:
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in (("Page ", "PAGE"), (" of ", "NUMPAGES")):
        paragraph.add_run(text)
        _field(paragraph, field)


def _metadata(doc: DocumentObject, t: Transcript, meta: ExportMeta, options: ExportOptions) -> None:
    lines = meta_lines(t, meta, options)
    table = doc.add_table(rows=len(lines), cols=2)
    table.autofit = False
    # Word reads the cell widths, LibreOffice the grid columns: set both.
    for column, width in zip(table.columns, LABEL_VALUE_WIDTHS, strict=True):
        column.width = width
    for row, line in zip(table.rows, lines, strict=True):
        row.cells[0].width, row.cells[1].width = LABEL_VALUE_WIDTHS
        for cell, text, color in ((row.cells[0], line.label, MUTED), (row.cells[1], line.value, TEXT_COLOR)):
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(2)
            run = paragraph.add_run(text)
            run.font.size = Pt(10)
            run.font.color.rgb = color
    doc.add_paragraph().paragraph_format.space_after = Pt(4)


def _turn(doc: DocumentObject, t: Transcript, turn: Turn, options: ExportOptions, color: RGBColor) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(10)
    name = speaker_label(t, turn, options)
    if name:
        run = paragraph.add_run(name)
        run.bold = True
        run.font.color.rgb = color
    if options.timestamps:
        run = paragraph.add_run(("  " if name else "") + f"[{format_timestamp(turn.start)}]")
        run.font.size = Pt(9)
        run.font.color.rgb = MUTED
    if name or options.timestamps:
        paragraph.add_run().add_break(WD_BREAK.LINE)
    pieces = [s for s in turn.segments if s.text.strip()]
    for i, seg in enumerate(pieces):
        run = paragraph.add_run(("" if i == 0 else " ") + one_line(seg.text))
        if seg.hidden:
            run.font.strike = True
            run.font.color.rgb = MUTED
            note = paragraph.add_run(f" [flagged: {hidden_reason(seg)}]")
            note.italic = True
            note.font.size = Pt(9)
            note.font.color.rgb = MUTED


def _properties(doc: DocumentObject, t: Transcript, meta: ExportMeta) -> None:
    props = doc.core_properties
    props.title = title_of(meta)
    props.subject = "Interview transcript"
    props.author = "Scribedesk"
    props.last_modified_by = "Scribedesk"
    props.comments = ""
    props.language = LOCALES.get((t.language or "").lower(), t.language or "")
    stamp = meta.created or datetime.now(UTC)
    props.created = props.modified = stamp
    props.revision = 1


def render(t: Transcript, options: ExportOptions, meta: ExportMeta) -> bytes:
    doc = Document()
    _setup(doc, t)
    _properties(doc, t, meta)
    doc.add_paragraph(title_of(meta), style="Title")
    _metadata(doc, t, meta, options)
    colors: dict[str | None, RGBColor] = {}
    turns = turns_for(t, options)
    for turn in turns:
        color = colors.setdefault(turn.speaker, SPEAKER_COLORS[len(colors) % len(SPEAKER_COLORS)])
        _turn(doc, t, turn, options, color)
    if not turns:
        doc.add_paragraph("No speech in this transcript.").runs[0].italic = True
    _footer(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


EXPORTER = register(
    Exporter(
        "docx",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        render,
    )
)
