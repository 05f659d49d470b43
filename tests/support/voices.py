"""Made-up conversations for the diarizer: espeak-ng voices made distinct with sox pitch shifts.

espeak's voices alone sound alike to a speaker-embedding model, so each speaker is one espeak
voice plus a pitch shift in cents. Turns alternate with pauses; the known turn times come back
with the file so a test can score who-spoke-when.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tests.support.audio import RATE, _write_wav, read_wav, speak_wav


@dataclass(frozen=True)
class Voice:
    espeak: str
    cents: int


@dataclass(frozen=True)
class SpokenTurn:
    speaker: int
    start: float
    end: float
    text: str


EASY_EN = (Voice("en-us", -300), Voice("en-gb+f2", 300))
CLOSE_EN = (Voice("en-us", -100), Voice("en-gb", 100))
EASY_RU = (Voice("ru", -300), Voice("ru+f2", 300))
CLOSE_RU = (Voice("ru", -100), Voice("ru-lv", 100))
THREE_EN = (Voice("en-us", -300), Voice("en-gb+f2", 300), Voice("en-us+m3", 0))

LINES_EN = [
    "Thank you for coming in today. Could you tell me how you started working here?",
    "Of course. I joined the company about six years ago as a junior engineer in the testing team.",
    "What did a normal working day look like back then?",
    "Mostly long hours in the laboratory, checking every batch before it was shipped to customers.",
    "And how has that changed over the last two or three years?",
    "We automated most of the checks, so now I spend my time planning and teaching new people.",
    "Which part of the job do you enjoy the most at the moment?",
    "Honestly, watching a new colleague solve a problem on their own for the first time.",
]
LINES_RU = [
    "Спасибо, что пришли сегодня. Расскажите, пожалуйста, как вы начали здесь работать?",
    "Конечно. Я пришёл в компанию шесть лет назад младшим инженером в отдел проверки.",
    "Как тогда выглядел обычный рабочий день?",
    "В основном долгие часы в лаборатории, мы проверяли каждую партию перед отправкой клиентам.",
    "А что изменилось за последние два или три года?",
    "Мы автоматизировали почти все проверки, и теперь я планирую работу и обучаю новых людей.",
    "Какая часть работы нравится вам больше всего сейчас?",
    "Честно говоря, смотреть, как новый коллега впервые сам решает сложную задачу.",
]


def _shift(path: Path, cents: int) -> np.ndarray:
    if cents == 0:
        return read_wav(path)[0]
    shifted = path.with_name(f"shifted-{path.name}")
    subprocess.run(["sox", str(path), str(shifted), "pitch", str(cents)], check=True, capture_output=True)
    return read_wav(shifted)[0]


def conversation(
    path: Path,
    voices: tuple[Voice, ...],
    lines: list[str],
    *,
    pause: float = 0.7,
    order: list[int] | None = None,
) -> list[SpokenTurn]:
    """Write the lines as alternating turns (or in order's speakers) to path; return the turns."""
    speakers = order or [i % len(voices) for i in range(len(lines))]
    parts: list[np.ndarray] = [np.zeros(int(0.5 * RATE), np.float32)]
    turns: list[SpokenTurn] = []
    t = 0.5
    with tempfile.TemporaryDirectory() as tmp:
        for i, (who, text) in enumerate(zip(speakers, lines, strict=True)):
            voice = voices[who]
            raw = speak_wav(text, Path(tmp) / f"line{i}.wav", voice=voice.espeak)
            samples = _shift(raw, voice.cents)
            samples = samples * (0.5 / max(1e-6, float(np.abs(samples).max())))
            start, end = _trimmed(samples)
            turns.append(SpokenTurn(who, t + start, t + end, text))
            parts += [samples, np.zeros(int(pause * RATE), np.float32)]
            t += samples.size / RATE + pause
    _write_wav(path, np.concatenate(parts), RATE)
    return turns


def _trimmed(samples: np.ndarray) -> tuple[float, float]:
    """Where the sound starts and ends inside a clip (espeak adds a little silence)."""
    loud = np.flatnonzero(np.abs(samples) > 0.02)
    if loud.size == 0:
        return 0.0, samples.size / RATE
    return loud[0] / RATE, (loud[-1] + 1) / RATE
