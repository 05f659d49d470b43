"""Word alignment and speaker diarization: enrichments of a transcript, never a reason to lose it.

Any failure to load or run either model (alignment model unreachable, NLTK's punkt_tab missing,
the hub down, a gated model whose terms were not accepted, a bad token) leaves the transcript as
it is and returns a warning the panel shows on the job. A failed load is remembered for
FAILED_LOAD_RETRY_SECONDS (default 900) so the next jobs do not wait for the same retries again.
Only imported with WhisperX installed.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import whisperx

from worker import env

log = logging.getLogger("worker.enrich")

Cached = Callable[[tuple[str, str, str], Callable[[], Any]], Any]
DEFAULT_DIARIZATION_MODEL = "pyannote/speaker-diarization-community-1"


class FailedLoads:
    """Which loads failed recently and why; forgotten after the retry interval."""

    def __init__(self) -> None:
        self._failed: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def retry_seconds() -> float:
        return float(os.environ.get("FAILED_LOAD_RETRY_SECONDS") or 900)

    def recall(self, key: str) -> str | None:
        with self._lock:
            entry = self._failed.get(key)
            if entry is None:
                return None
            if time.monotonic() - entry[0] >= self.retry_seconds():
                del self._failed[key]
                return None
            return entry[1]

    def remember(self, key: str, message: str) -> None:
        with self._lock:
            self._failed[key] = (time.monotonic(), message)

    def clear(self) -> None:
        with self._lock:
            self._failed.clear()


FAILED = FailedLoads()


def describe(e: BaseException) -> str:
    """`Type: first line of the message`, short enough for a warning."""
    first = next((line.strip() for line in str(e).splitlines() if line.strip()), "")
    return f"{type(e).__name__}: {first[:240]}" if first else type(e).__name__


def diarization_model() -> str:
    return os.environ.get("DIARIZATION_MODEL") or DEFAULT_DIARIZATION_MODEL


def _check_punkt(language: str) -> None:
    """WhisperX splits sentences with NLTK's punkt_tab and would try to download it mid-job."""
    from nltk.data import load
    from whisperx.utils import PUNKT_LANGUAGES

    try:
        load(f"tokenizers/punkt_tab/{PUNKT_LANGUAGES.get(language, 'english')}.pickle")
    except LookupError as e:
        raise LookupError("NLTK's punkt_tab data is missing (bake it into the image or set NLTK_DATA)") from e


def _load_once(
    key: str, load: Callable[[], Any], explain: Callable[[Exception], str]
) -> tuple[Any, str | None]:
    """(model, None), or (None, why) with the failure remembered."""
    if (known := FAILED.recall(key)) is not None:
        return None, known
    try:
        return load(), None
    except Exception as e:  # any load failure degrades the job; it never fails it
        message = explain(e)
        FAILED.remember(key, message)
        log.warning("%s: %s", key, message)
        return None, message


def load_aligner(language: str, device: str, cached: Cached) -> tuple[Any, str | None]:
    """((align model, metadata), None), or (None, warning)."""

    def load() -> Any:
        _check_punkt(language)
        return cached(
            (f"align:{language}", device, ""),
            lambda: whisperx.load_align_model(language_code=language, device=device),
        )

    def explain(e: Exception) -> str:
        if isinstance(e, ValueError) and "No default align-model" in str(e):
            return f"no word-alignment model for language '{language}'"
        return f"could not load the word-alignment model for '{language}' ({describe(e)})"

    aligner, problem = _load_once(f"align:{language}", load, explain)
    if problem:
        return None, f"word alignment skipped: {problem}; words carry Whisper's own timings"
    return aligner, None


def align(segments: list[dict[str, Any]], aligner: Any, audio: Any, device: str) -> tuple[Any, str | None]:
    """(WhisperX's aligned result, None), or (None, warning) if alignment itself failed."""
    model, metadata = aligner
    try:
        return whisperx.align(segments, model, metadata, audio, device, return_char_alignments=False), None
    except Exception as e:
        log.warning("alignment failed: %s", describe(e))
        return None, f"word alignment failed ({describe(e)}); words carry Whisper's own timings"


def _pipeline(token: str, device: str) -> Any:
    from whisperx.diarize import DiarizationPipeline

    return DiarizationPipeline(model_name=diarization_model(), token=token, device=device)


def load_diarizer(hf_token: str | None, device: str, cached: Cached) -> tuple[Any, str | None]:
    """(pipeline, None), or (None, warning)."""
    if problem := env.hf_token_problem(hf_token):
        return None, f"speakers skipped: {problem}"
    token = (hf_token or "").strip()
    name = diarization_model()

    def explain(e: Exception) -> str:
        return (
            f"could not load {name} ({describe(e)}) — check that HF_TOKEN is valid, that the model's "
            f"terms are accepted at https://huggingface.co/{name}, and that the hub is reachable"
        )

    load = lambda: cached(("diarize", device, name), lambda: _pipeline(token, device))  # noqa: E731
    pipeline, problem = _load_once(f"diarize:{name}", load, explain)
    return (None, f"speakers skipped: {problem}") if problem else (pipeline, None)


def _speaker_runs(words: list[dict[str, Any]]) -> list[tuple[str | None, list[dict[str, Any]]]]:
    """Consecutive words of one speaker; words without a speaker stay with the run they sit in."""
    runs: list[tuple[str | None, list[dict[str, Any]]]] = []
    for word in words:
        who = word.get("speaker")
        if runs and (who is None or runs[-1][0] in (None, who)):
            runs[-1] = (runs[-1][0] or who, [*runs[-1][1], word])
        else:
            runs.append((who, [word]))
    return runs


def split_at_speaker_changes(segments: list[dict[str, Any]], joiner: str = " ") -> list[dict[str, Any]]:
    """One speaker per segment: a segment whose words change speaker becomes one piece per run.

    Whisper's own segments span up to 30 s and so often hold both sides of a question and answer.
    """
    out: list[dict[str, Any]] = []
    for seg in segments:
        runs = _speaker_runs(seg.get("words", []))
        if len(runs) < 2:
            out.append(seg)
            continue
        for who, words in runs:
            piece = dict(seg, words=words, speaker=who, text=joiner.join(w["word"] for w in words).strip())
            timed = [w for w in words if "start" in w and "end" in w]
            if timed:
                piece["start"], piece["end"] = timed[0]["start"], timed[-1]["end"]
            out.append(piece)
    return out


def diarize(
    result: dict[str, Any],
    pipeline: Any,
    audio: Any,
    min_speakers: int | None,
    max_speakers: int | None,
    joiner: str = " ",
) -> tuple[dict[str, Any], str | None]:
    """The result with speakers on segments and words, or unchanged with a warning."""
    try:
        turns = pipeline(audio, min_speakers=min_speakers, max_speakers=max_speakers)
        result = whisperx.assign_word_speakers(turns, result)
        return dict(result, segments=split_at_speaker_changes(result["segments"], joiner)), None
    except Exception as e:
        log.warning("diarization failed: %s", describe(e))
        return result, f"speakers skipped: diarization failed ({describe(e)})"
