"""The Opus copy the GPU gets is heard as well as the original (tiny.en, offline, on real speech)."""

from __future__ import annotations

from pathlib import Path

from scribedesk.transcode import encode_opus
from tests.support.audio import make_m4a, speak_wav
from tests.support.models import TINY_EN
from tests.support.wer import transcribe_tiny_en, word_error_rate

PASSAGE = (
    "The committee met on Tuesday morning to discuss the budget for next year. Several members asked "
    "why the cost of the new library had doubled since the spring. The treasurer explained that the "
    "price of steel and the wages of the builders had both gone up."
)


def test_word_error_on_the_opus_copy_stays_within_two_points_of_the_original(tmp_path: Path) -> None:
    original = make_m4a(speak_wav(PASSAGE, tmp_path / "passage.wav"), tmp_path / "passage.m4a")
    copy = tmp_path / ".gpu.opus"
    with copy.open("wb") as sink:
        encode_opus(original, sink)
    assert copy.stat().st_size < original.stat().st_size / 2

    wer_original = word_error_rate(PASSAGE, transcribe_tiny_en(TINY_EN, original))
    wer_opus = word_error_rate(PASSAGE, transcribe_tiny_en(TINY_EN, copy))
    assert wer_original < 0.2, f"tiny.en should understand the passage (WER {wer_original:.1%})"
    assert abs(wer_opus - wer_original) <= 0.02, f"WER original {wer_original:.1%}, Opus {wer_opus:.1%}"
