"""Word error rate and a plain tiny.en transcription, for recognition checks (tests and bench)."""

from __future__ import annotations

import re
from pathlib import Path

_WORD = re.compile(r"[a-z0-9']+")


def words(text: str) -> list[str]:
    """Lower-case words without punctuation: what a word error rate compares."""
    return _WORD.findall(text.lower().replace("’", "'"))


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words, by Levenshtein distance on words."""
    ref, hyp = words(reference), words(hypothesis)
    if not ref:
        return float(bool(hyp))
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, start=1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, start=1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / len(ref)


def transcribe_tiny_en(model_dir: Path, audio: Path) -> str:
    """The text tiny.en hears in `audio` (greedy decoding, so two runs on the same input agree)."""
    from faster_whisper import WhisperModel

    model = WhisperModel(str(model_dir), device="cpu", compute_type="int8", cpu_threads=2)
    segments, _info = model.transcribe(str(audio), language="en", beam_size=1, temperature=0.0)
    return " ".join(s.text.strip() for s in segments)
