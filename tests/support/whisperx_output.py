"""Realistic WhisperX worker output for tests: a two-speaker interview with the quirks real output has.

Quirks kept on purpose: a leading space in segment text, words made of digits with no start/end/score
(the Russian aligner has no characters for them), a segment and its words without a speaker (it
overlapped no diarization turn), alignment scores that vary, `word_segments` flattened at the end,
and optionally the classic hallucinated credit line in the silence after the interview.
"""

from __future__ import annotations

from typing import Any

_RU = [
    ("SPEAKER_00", 0.51, 4.12, "Здравствуйте! Спасибо, что согласились поговорить с нами сегодня."),
    ("SPEAKER_01", 4.63, 6.02, "Да, конечно, рад помочь."),
    ("SPEAKER_00", 6.80, 10.95, "Расскажите, пожалуйста, когда вы начали работать в этой области?"),
    ("SPEAKER_01", 11.40, 17.30, "Я пришёл в компанию в 2019 году, сразу после университета."),
    (None, 17.52, 18.10, "Угу."),
    (
        "SPEAKER_01",
        18.45,
        24.80,
        "Первые 3 года занимался только расшифровкой интервью, потом стал редактором.",
    ),
    ("SPEAKER_00", 25.30, 27.90, "А что было самым сложным?"),
    (
        "SPEAKER_01",
        28.40,
        34.60,
        "Наверное, диалекты и плохие записи. Иногда приходилось слушать фразу десять раз.",
    ),
    ("SPEAKER_00", 35.10, 36.40, "Спасибо большое."),
]

_EN = [
    ("SPEAKER_00", 0.48, 3.90, "Hello, and thank you for agreeing to talk with us today."),
    ("SPEAKER_01", 4.40, 5.70, "Of course, happy to help."),
    ("SPEAKER_00", 6.30, 9.80, "When did you start working in this field?"),
    ("SPEAKER_01", 10.20, 15.60, "I joined the company in 2019, right after university."),
    (None, 15.90, 16.35, "Mm-hmm."),
    (
        "SPEAKER_01",
        16.70,
        22.40,
        "For the first 3 years I only transcribed interviews, then I became an editor.",
    ),
    ("SPEAKER_00", 23.00, 25.10, "What was the hardest part?"),
    (
        "SPEAKER_01",
        25.60,
        31.20,
        "Probably accents and bad recordings. Sometimes I replayed a phrase ten times.",
    ),
    ("SPEAKER_00", 31.80, 32.90, "Thank you so much."),
]

_CREDIT = {"ru": "Субтитры сделал DimaTorzok", "en": "Subtitles by the Amara.org community"}


def _score(word: str, index: int) -> float:
    # Deterministic, varied, mostly plausible alignment scores (0.35..0.99).
    return round(0.35 + ((sum(map(ord, word)) * 7 + index * 13) % 65) / 100, 3)


def _words(text: str, start: float, end: float, speaker: str | None, language: str) -> list[dict[str, Any]]:
    tokens = text.split()
    span = end - start
    weights = [len(t) + 1 for t in tokens]
    total = sum(weights)
    out: list[dict[str, Any]] = []
    cursor = start
    for i, token in enumerate(tokens):
        length = span * weights[i] / total
        word: dict[str, Any] = {"word": token}
        # Russian alignment models have no digits in their alphabet: such words get no times.
        if not (language == "ru" and token.strip(".,!?").isdigit()):
            word["start"] = round(cursor, 3)
            word["end"] = round(cursor + length * 0.85, 3)
            word["score"] = _score(token, i)
        if speaker is not None:
            word["speaker"] = speaker
        out.append(word)
        cursor += length
    return out


def whisperx_output(
    language: str = "ru",
    *,
    credit_line: bool = False,
    duration: float | None = None,
) -> dict[str, Any]:
    """The output dict a WhisperX worker returns for a short two-speaker interview.

    `credit_line` appends the hallucinated credit line a few seconds into the silence after the last
    real sentence; `duration` is the audio length that silence runs to (default: 20 s after speech).
    """
    script = _RU if language == "ru" else _EN
    segments: list[dict[str, Any]] = []
    for speaker, start, end, text in script:
        segment: dict[str, Any] = {
            "start": start,
            "end": end,
            "text": f" {text}",
            "words": _words(text, start, end, speaker, language),
        }
        if speaker is not None:
            segment["speaker"] = speaker
        segments.append(segment)
    if credit_line:
        last_end = script[-1][2]
        audio_end = duration if duration is not None else last_end + 20.0
        start = round(min(last_end + 12.0, audio_end - 3.0), 2)
        text = _CREDIT.get(language, _CREDIT["en"])
        segments.append(
            {
                "start": start,
                "end": round(start + 2.6, 2),
                "text": f" {text}",
                "words": _words(text, start, start + 2.6, "SPEAKER_00", language),
                "speaker": "SPEAKER_00",
            }
        )
    word_segments = [w for s in segments for w in s["words"]]
    return {"segments": segments, "word_segments": word_segments, "language": language}
