"""WhisperX on the GPU: batched faster-whisper, wav2vec2 word alignment, pyannote diarization.

Only imported when `import whisperx` works (the Docker image). WhisperX's API moved between
releases (DiarizationPipeline left the top-level package; `use_auth_token` became `token`), so
the few version-sensitive calls are looked up, not assumed.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any

import whisperx

Cached = Callable[[tuple[str, str, str], Callable[[], Any]], Any]


def _diarization_pipeline(hf_token: str, device: str) -> Any:
    try:
        from whisperx.diarize import DiarizationPipeline
    except ImportError:  # older releases export it at the top level
        DiarizationPipeline = whisperx.DiarizationPipeline
    params = inspect.signature(DiarizationPipeline).parameters
    key = "token" if "token" in params else "use_auth_token"
    return DiarizationPipeline(**{key: hf_token}, device=device)


def _set_prompt(model: Any, prompt: str | None) -> None:
    """The prompt lives in the pipeline's decoding options; jobs run one at a time, so swap it per job."""
    options = model.options
    if hasattr(options, "_replace"):  # a NamedTuple in older faster-whisper releases
        model.options = options._replace(initial_prompt=prompt)
    else:
        model.options = dataclasses.replace(options, initial_prompt=prompt)


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
    from worker.core import CancelledError as Stop

    # One pipeline per model: a GPU cannot hold a copy per language or prompt.
    model = cached(
        (name, device, compute_type), lambda: whisperx.load_model(name, device, compute_type=compute_type)
    )
    _set_prompt(model, initial_prompt)
    audio = whisperx.load_audio(audio_path)
    duration = len(audio) / 16000
    result = model.transcribe(audio, batch_size=batch_size, language=language)
    detected = result.get("language") or language or "en"
    report(0.6)
    if stop():
        raise Stop
    warnings: list[str] = []
    if align and result["segments"]:
        try:
            align_model, metadata = cached(
                (f"align:{detected}", device, ""),
                lambda: whisperx.load_align_model(language_code=detected, device=device),
            )
        except ValueError as e:  # no default alignment model for this language
            warnings.append(f"word alignment skipped: {e}")
        else:
            result = whisperx.align(
                result["segments"], align_model, metadata, audio, device, return_char_alignments=False
            )
    report(0.8)
    if stop():
        raise Stop
    if diarize and not hf_token:
        # Failing every job for want of speakers would be worse than a transcript without them.
        warnings.append("diarization skipped: set HF_TOKEN on the worker (pyannote models are gated)")
    elif diarize and hf_token:
        token = hf_token
        pipeline = cached(("diarize", device, ""), lambda: _diarization_pipeline(token, device))
        turns = pipeline(audio, min_speakers=min_speakers, max_speakers=max_speakers)
        result = whisperx.assign_word_speakers(turns, result)
    report(1.0)
    return {
        "segments": result["segments"],
        "word_segments": result.get("word_segments", []),
        "language": detected,
        "duration": duration,
        "warnings": warnings,
    }
