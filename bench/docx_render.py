"""Render a realistic Russian two-speaker interview to DOCX, then to a PNG of page 1, to look at it.

Needs LibreOffice and poppler-utils (pdftoppm). Run: .venv/bin/python bench/docx_render.py
Prints the path of the PNG (test-output/docx_page1.png).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scribedesk.exports import ExportMeta, ExportOptions, render  # noqa: E402
from scribedesk.transcript.model import Segment, Transcript  # noqa: E402

LINES = [
    (
        "SPEAKER_00",
        "Добрый день! Спасибо, что согласились поговорить. Расскажите, пожалуйста, чем вы занимаетесь.",
    ),
    ("SPEAKER_01", "Здравствуйте. Я руковожу небольшой сыроварней под Костромой, нас двенадцать человек."),
    (
        "SPEAKER_01",
        "Начинали в 2015 году с одной коровы и кастрюли на кухне, сейчас перерабатываем около"
        " двух тонн молока в неделю.",
    ),
    ("SPEAKER_00", "Что было самым трудным в первые годы?"),
    (
        "SPEAKER_01",
        "Пожалуй, сбыт. Сыр сделать можно, а вот продать его — совсем другая история. Первые"
        " два года мы ездили по ярмаркам каждые выходные, стояли на морозе и раздавали пробники.",
    ),
    ("SPEAKER_01", "Потом появились постоянные покупатели, несколько ресторанов в Ярославле, и стало легче."),
    ("SPEAKER_00", "А как вы нашли рестораны? Сами приходили или они вас нашли?"),
    (
        "SPEAKER_01",
        "По-разному. Один шеф попробовал наш качотту на ярмарке и через неделю позвонил. С"
        " остальными помогли знакомые — в этой отрасли все друг друга знают.",
    ),
    ("SPEAKER_00", "Как изменился бизнес за последние два-три года?"),
    (
        "SPEAKER_01",
        "Выросли цены на корма и на упаковку, примерно на тридцать процентов. Зато спрос на"
        " местные продукты тоже вырос: люди стали внимательнее читать этикетки.",
    ),
    ("SPEAKER_00", "Понятно. Какие у вас планы на следующий год?"),
    (
        "SPEAKER_01",
        "Хотим открыть небольшую сырную лавку прямо на ферме и водить экскурсии. Уже есть"
        " договорённость с туристическим агентством.",
    ),
    ("SPEAKER_00", "Спасибо большое, это было очень интересно."),
    ("SPEAKER_01", "Спасибо вам."),
]


def sample_transcript() -> Transcript:
    segments, at = [], 4.2
    for i, (speaker, text) in enumerate(LINES):
        length = max(1.5, len(text) / 14)
        segments.append(Segment(id=i, start=at, end=at + length, text=text, speaker=speaker))
        at += length + 0.8
    segments.append(
        Segment(id=len(segments), start=at + 20, end=at + 24, text="Субтитры сделал DimaTorzok",
                flags=["hallucination:credit-line"], hidden=True)
    )  # fmt: skip
    return Transcript(
        language="ru",
        duration=at + 25,
        segments=segments,
        speakers={"SPEAKER_00": "Интервьюер", "SPEAKER_01": "Мария Соколова"},
        source={"engine": "runpod", "model": "large-v3"},
    )


def main() -> int:
    for tool in ("libreoffice", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed", file=sys.stderr)
            return 1
    meta = ExportMeta(
        filename="Интервью_сыроварня_2026-03-14.m4a",
        created=datetime(2026, 3, 14, 11, 30),
        engine="runpod",
        model="large-v3",
    )
    data = render("docx", sample_transcript(), ExportOptions(), meta)
    out_dir = ROOT / "test-output"
    out_dir.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        docx_path = Path(tmp) / "interview.docx"
        docx_path.write_bytes(data)
        profile = Path(tmp) / "profile"
        subprocess.run(
            ["libreoffice", f"-env:UserInstallation=file://{profile}", "--headless",
             "--convert-to", "pdf", "--outdir", tmp, str(docx_path)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        pdf = Path(tmp) / "interview.pdf"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
             str(out_dir / "docx_page1")],
            check=True, capture_output=True,
        )  # fmt: skip
        shutil.copy(docx_path, out_dir / "docx_sample.docx")
    png = out_dir / "docx_page1.png"
    print(png)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
