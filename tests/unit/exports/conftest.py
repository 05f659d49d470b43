"""A realistic Russian two-speaker interview, with renamed speakers, a hidden hallucination and markup."""

from __future__ import annotations

from datetime import datetime

import pytest

from scribedesk.exports import ExportMeta
from scribedesk.transcript.model import Segment, Transcript, Word

XSS = "<img src=x onerror=alert(1)> и **bold** & [ссылка](http://x)"
CREDIT = "Субтитры сделал DimaTorzok"


def timed_words(text: str, start: float, end: float) -> list[Word]:
    """Words spread evenly over [start, end]; digits get no times, like WhisperX on Russian."""
    pieces = text.split()
    step = (end - start) / len(pieces)
    words = []
    for i, piece in enumerate(pieces):
        if any(ch.isdigit() for ch in piece):
            words.append(Word(text=piece))
        else:
            words.append(Word(text=piece, start=start + i * step, end=start + (i + 0.8) * step, score=0.9))
    return words


LONG = (
    "Пожалуй, сбыт. Сыр сделать можно, а вот продать его — совсем другая история. Первые 2 года мы "
    "ездили по ярмаркам каждые выходные, стояли на морозе и раздавали пробники всем желающим."
)


def make_interview() -> Transcript:
    segs = [
        Segment(id=0, start=4.2, end=9.1, speaker="SPEAKER_00",
                text="Добрый день! Расскажите, пожалуйста, чем вы занимаетесь."),
        Segment(id=1, start=9.8, end=14.0, speaker="SPEAKER_01",
                text="Я руковожу небольшой сыроварней под Костромой."),
        Segment(id=2, start=14.3, end=36.5, speaker="SPEAKER_01", text=LONG,
                words=timed_words(LONG, 14.3, 36.5)),
        Segment(id=3, start=65.4, end=69.0, speaker="SPEAKER_00", text=XSS),
        Segment(id=4, start=70.0, end=72.0, speaker="SPEAKER_01", text="Спасибо вам."),
        Segment(id=5, start=3700.0, end=3703.0, speaker="SPEAKER_01", text=CREDIT,
                flags=["hallucination:credit-line"], hidden=True),
    ]  # fmt: skip
    return Transcript(
        language="ru",
        duration=3725.0,
        segments=segs,
        speakers={"SPEAKER_00": "Интервьюер", "SPEAKER_01": "Мария Соколова"},
        source={"engine": "runpod", "model": "large-v3"},
    )


@pytest.fixture
def interview() -> Transcript:
    return make_interview()


@pytest.fixture
def meta() -> ExportMeta:
    return ExportMeta(
        filename="Интервью_сыроварня.m4a",
        created=datetime(2026, 3, 14, 11, 30),
        engine="runpod",
        model="large-v3",
    )
