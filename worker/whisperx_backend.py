"""WhisperX on the GPU: batched faster-whisper, wav2vec2 word alignment, pyannote diarization.

Only imported when `import whisperx` works (the Docker image; calls match WhisperX 3.8.6).
Transcription is the product; alignment and diarization are enrichments (see enrich.py): when
either cannot load or run, the transcript comes back with a warning. Every segment carries
words: aligned ones when alignment works, else Whisper's own word timestamps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import whisperx
from faster_whisper import decode_audio

from worker import enrich, language

Cached = Callable[[tuple[str, str, str], Callable[[], Any]], Any]
SAMPLE_RATE = 16000
NO_SPACES = {"ja", "zh", "yue", "th", "lo", "my", "km", "bo"}
"""Languages written without spaces between words (WhisperX's words are characters there)."""


def _set_prompt(model: Any, prompt: str | None) -> None:
    """The prompt lives in the pipeline's decoding options; jobs run one at a time, so swap it per job."""
    options = model.options
    if hasattr(options, "_replace"):  # a NamedTuple in older faster-whisper releases
        model.options = options._replace(initial_prompt=prompt)
    else:
        model.options = dataclasses.replace(options, initial_prompt=prompt)


def _word(w: Any) -> dict[str, Any]:
    return {
        "word": w.word.strip(),
        "start": round(float(w.start), 3),
        "end": round(float(w.end), 3),
        "score": round(float(w.probability), 4),
    }


def whisper_words(
    model: Any,
    audio: Any,
    lang: str,
    batch_size: int,
    prompt: str | None,
    report: Callable[[float], None],
    stop: Callable[[], bool],
) -> list[dict[str, Any]]:
    """Segments with Whisper's own word timestamps (faster-whisper's batched pipeline, same weights)."""
    from faster_whisper import BatchedInferencePipeline

    from worker.core import CancelledError

    batched = BatchedInferencePipeline(model=model.model)
    pieces, _info = batched.transcribe(
        audio, language=lang, batch_size=batch_size, word_timestamps=True, initial_prompt=prompt
    )
    duration = len(audio) / SAMPLE_RATE
    segments = []
    for seg in pieces:
        if stop():
            raise CancelledError
        words = [_word(w) for w in seg.words or []]
        start, end = round(float(seg.start), 3), round(float(seg.end), 3)
        segments.append({"start": start, "end": end, "text": seg.text.strip(), "words": words})
        if duration:
            report(0.6 * min(1.0, seg.end / duration))
    return segments


def _transcribe(
    model: Any, audio: Any, lang: str, aligner: Any, job: dict[str, Any], device: str
) -> tuple[list[dict[str, Any]], list[str]]:
    """Aligned segments when an aligner is at hand and works, else Whisper's words."""
    warnings: list[str] = []
    if aligner is not None:
        result = model.transcribe(audio, batch_size=job["batch_size"], language=lang)
        job["report"](0.6)
        if job["stop"]():
            from worker.core import CancelledError

            raise CancelledError
        if not result["segments"]:
            return [], warnings
        aligned, problem = enrich.align(result["segments"], aligner, audio, device)
        if aligned is not None:
            return list(aligned["segments"]), warnings
        warnings.append(problem or "word alignment failed")
    segments = whisper_words(model, audio, lang, job["batch_size"], job["prompt"], job["report"], job["stop"])
    return segments, warnings


def run(
    audio_path: str,
    *,
    name: str,
    device: str,
    compute_type: str,
    language: str | None,
    batch_size: int,
    align: bool,
    diarize: bool,
    min_speakers: int | None,
    max_speakers: int | None,
    initial_prompt: str | None,
    hf_token: str | None,
    cached: Cached,
    report: Callable[[float], None],
    stop: Callable[[], bool],
) -> dict[str, Any]:
    """One file through the WhisperX pipeline; progress moves in stage steps (batched decoding has none)."""
    from worker.core import CancelledError

    # One pipeline per model: a GPU cannot hold a copy per language or prompt.
    model = cached(
        (name, device, compute_type), lambda: whisperx.load_model(name, device, compute_type=compute_type)
    )
    lang = language_for(model, language, name)  # refuses before any decoding
    _set_prompt(model, initial_prompt)
    audio = decode_audio(audio_path, sampling_rate=SAMPLE_RATE)  # PyAV: no ffmpeg binary needed
    lang = lang or model.detect_language(audio)
    warnings: list[str] = []
    aligner = None
    if align:
        aligner, problem = enrich.load_aligner(lang, device, cached)
        warnings += [problem] if problem else []
    job = {"batch_size": batch_size, "prompt": initial_prompt, "report": report, "stop": stop}
    segments, problems = _transcribe(model, audio, lang, aligner, job, device)
    warnings += problems
    report(0.8)
    if stop():
        raise CancelledError
    result: dict[str, Any] = {"segments": segments}
    if diarize:
        pipeline, problem = enrich.load_diarizer(hf_token, device, cached)
        if pipeline is not None:
            joiner = "" if lang in NO_SPACES else " "
            result, problem = enrich.diarize(result, pipeline, audio, min_speakers, max_speakers, joiner)
        warnings += [problem] if problem else []
    report(1.0)
    return {
        "segments": result["segments"],
        "word_segments": [w for s in result["segments"] for w in s.get("words", [])],
        "language": lang,
        "duration": len(audio) / SAMPLE_RATE,
        "warnings": warnings,
    }


def language_for(model: Any, requested: str | None, name: str) -> str | None:
    """The job's language for this pipeline (see language.choose); None means detect."""
    return language.choose(requested, multilingual=bool(model.model.model.is_multilingual), model=name)
