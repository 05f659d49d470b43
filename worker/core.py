"""The GPU worker's core: fetch the audio, transcribe it, return WhisperX-style output.

Both doors (handler.py for RunPod serverless, app.py for a plain GPU box) call `transcribe()`.
WhisperX (faster-whisper + wav2vec2 alignment + pyannote diarization) is used when it is
installed; otherwise plain faster-whisper with word timestamps, which keeps the worker testable
on a CPU. Environment: WHISPER_MODEL, WHISPER_DEVICE, WHISPER_COMPUTE_TYPE, HF_TOKEN,
ENABLE_DIARIZATION, AUDIO_ROOTS, RUNPOD_ALLOW_PRIVATE_DOWNLOAD_URLS (env.py: logging, telemetry,
model caches).
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from typing import Any

from worker import env

env.configure()  # before WhisperX, pyannote or the runpod SDK are imported

from worker.audio_input import AudioError, audio_file, resolve_audio  # noqa: E402
from worker.language import RequestError, choose  # noqa: E402

__all__ = ["AudioError", "CancelledError", "RequestError", "audio_file", "resolve_audio", "transcribe"]

Progress = Callable[[float], None]
ShouldStop = Callable[[], bool]

_MODELS: dict[tuple[str, str, str], Any] = {}
_LOCK = threading.Lock()


class CancelledError(Exception):
    """The caller asked to stop; raised between segments."""


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _device() -> str:
    device = os.environ.get("WHISPER_DEVICE", "auto")
    if device != "auto":
        return device
    import ctranslate2

    try:
        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    except Exception:
        return "cpu"


def _compute_type(device: str) -> str:
    return os.environ.get("WHISPER_COMPUTE_TYPE") or ("float16" if device == "cuda" else "int8")


def model_name(requested: str | None) -> str:
    """WHISPER_MODEL pins the model (no request may trigger a multi-GB download); else the request's."""
    return os.environ.get("WHISPER_MODEL") or requested or "large-v2"


@functools.cache
def whisperx_available() -> bool:
    try:
        import whisperx  # noqa: F401
    except ImportError:
        return False
    return True


def info() -> dict[str, Any]:
    """What this worker runs, for /health."""
    device = _device()
    return {
        "model": model_name(None),
        "device": device,
        "compute_type": _compute_type(device),
        "backend": "whisperx" if whisperx_available() else "faster-whisper",
        "diarization": _env_bool("ENABLE_DIARIZATION", True)
        and env.hf_token_problem(os.environ.get("HF_TOKEN")) is None,
    }


def _cached(key: tuple[str, str, str], load: Callable[[], Any]) -> Any:
    with _LOCK:
        if key not in _MODELS:
            _MODELS[key] = load()
        return _MODELS[key]


def transcribe(
    audio_path: str,
    *,
    language: str | None = None,
    diarize: bool = False,
    align: bool = True,
    batch_size: int = 16,
    model: str | None = None,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
    initial_prompt: str | None = None,
    progress: Progress | None = None,
    should_stop: ShouldStop | None = None,
) -> dict[str, Any]:
    """Transcribe a local file; `progress` gets 0..1, `should_stop` is checked between steps."""
    report = progress or (lambda _p: None)
    stop = should_stop or (lambda: False)
    name = model_name(model)
    device = _device()
    compute = _compute_type(device)
    if whisperx_available():
        from worker import whisperx_backend

        out = whisperx_backend.run(
            audio_path,
            name=name,
            device=device,
            compute_type=compute,
            language=language or None,
            batch_size=batch_size,
            align=align,
            diarize=diarize and _env_bool("ENABLE_DIARIZATION", True),
            min_speakers=min_speakers,
            max_speakers=max_speakers,
            initial_prompt=initial_prompt or None,
            hf_token=os.environ.get("HF_TOKEN"),
            cached=_cached,
            report=report,
            stop=stop,
        )
    else:
        out = _faster_whisper(audio_path, name, device, compute, language, initial_prompt, report, stop)
        if diarize:
            out["warnings"] = ["speakers skipped: this worker runs without WhisperX"]
    out["model"] = name
    return out


def _faster_whisper(
    audio_path: str,
    name: str,
    device: str,
    compute: str,
    language: str | None,
    initial_prompt: str | None,
    report: Progress,
    stop: ShouldStop,
) -> dict[str, Any]:
    """Plain faster-whisper: words with timestamps, no alignment model, no speakers."""
    from faster_whisper import WhisperModel

    key = (name, device, compute)
    whisper = _cached(key, lambda: WhisperModel(name, device=device, compute_type=compute))
    lang = choose(language, multilingual=whisper.model.is_multilingual, model=name)
    segments, meta = whisper.transcribe(
        audio_path,
        language=lang,
        vad_filter=True,
        condition_on_previous_text=False,
        word_timestamps=True,
        initial_prompt=initial_prompt,
    )
    duration = float(meta.duration or 0.0)
    out: list[dict[str, Any]] = []
    for seg in segments:
        if stop():
            raise CancelledError
        # float(): faster-whisper sometimes hands back numpy floats; JSON encoders may refuse them.
        words = [
            {
                "word": w.word.strip(),
                "start": round(float(w.start), 3),
                "end": round(float(w.end), 3),
                "score": round(float(w.probability), 4),
            }
            for w in seg.words or []
        ]
        start, end = round(float(seg.start), 3), round(float(seg.end), 3)
        out.append({"start": start, "end": end, "text": seg.text.strip(), "words": words})
        if duration:
            report(min(1.0, seg.end / duration))
    return {"segments": out, "language": meta.language, "duration": duration, "warnings": []}
