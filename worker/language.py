"""Which language a job is transcribed in, decided before any decoding.

An English-only model (tiny.en, base.en, ...) always transcribes English: asked to detect, it
answers "en" (WhisperX would otherwise call detect_language, which such models lack); asked for
another language it is refused with a clear error instead of English text labelled "ru".
"""

from __future__ import annotations

from pathlib import Path

from faster_whisper.tokenizer import _LANGUAGE_CODES


class RequestError(ValueError):
    """A request the worker cannot honour; the message is shown to the user as the job's error."""


def choose(requested: str | None, *, multilingual: bool, model: str) -> str | None:
    """The language to decode in; None means detect (multilingual models only)."""
    wanted = (requested or "").strip().lower() or None
    if not multilingual:
        if wanted in (None, "en"):
            return "en"
        raise RequestError(
            f"model {Path(model).name} only understands English, not '{wanted}': leave the language "
            "empty or choose English, or set a multilingual WHISPER_MODEL on the worker"
        )
    if wanted is not None and wanted not in _LANGUAGE_CODES:
        raise RequestError(f"unknown language '{wanted}': use a Whisper language code such as en, ru or de")
    return wanted
