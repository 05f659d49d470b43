"""The embedded default engine: faster-whisper in this process, one job at a time on one thread.

Jobs live in memory only (resumable=False): after a panel restart the runner resubmits them, and
poll() of a handle this process never saw raises EngineJobLost. All blocking work (model download
and load, decoding, transcription) runs on the engine's single worker thread, never on the event
loop; poll() only reads a snapshot under a lock.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scribedesk.config import Settings
from scribedesk.engines.base import (
    AudioRef,
    EngineJobLost,
    EngineRejected,
    EngineState,
    EngineStatus,
    TranscribeOptions,
)
from scribedesk.engines.catalog import ENGINES

WAITING_STEP = "Waiting for the local engine…"
TERMINAL = {EngineState.COMPLETED, EngineState.FAILED, EngineState.CANCELLED}

# Loaded models are shared by every LocalEngine in the process: loading one costs seconds and RAM.
_MODELS: dict[tuple[str, str, str], Any] = {}
_MODELS_LOCK = threading.Lock()

DiarizeHook = Callable[[Path, dict[str, Any], TranscribeOptions], dict[str, Any]]
"""Takes (audio path, WhisperX-style output, options) and returns the output with speaker keys."""


class LocalJobFailed(Exception):
    """A failure with a message a person can act on."""


class _Cancelled(Exception):
    pass


@dataclass
class _Job:
    audio: Path
    options: TranscribeOptions
    state: EngineState = EngineState.QUEUED
    progress: float | None = None
    step: str | None = WAITING_STEP
    output: dict[str, Any] | None = None
    error: str | None = None
    cancel: threading.Event = field(default_factory=threading.Event)


def resolve_device(device: str) -> str:
    """auto -> cuda when CTranslate2 sees a CUDA device, else cpu."""
    if device != "auto":
        return device
    import ctranslate2

    try:
        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    except Exception:  # a broken CUDA install must not stop CPU transcription
        return "cpu"


def _looks_like_path(model: str) -> bool:
    return model.startswith(("/", "./", "../", "~", "\\")) or (len(model) > 1 and model[1] == ":")


class LocalEngine:
    """faster-whisper on this machine; see the module docstring."""

    traits = ENGINES["local"]
    name = traits.name
    resumable = traits.resumable
    needs_storage = traits.needs_storage

    def __init__(self, settings: Settings, *, download_root: Path | None = None) -> None:
        self._settings = settings
        self._model_name = settings.local_model
        self._device = resolve_device(settings.local_device)
        self._compute_type = settings.local_compute_type
        self._download_root = download_root
        self._jobs: dict[str, _Job] = {}
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="local-engine")
        self._busy = False
        self.diarize_hook: DiarizeHook | None = None
        """Set to a diarization backend to add speakers; without one the output has no speaker keys."""

    # --- Engine protocol -------------------------------------------------------------------

    async def submit(self, audio: AudioRef, options: TranscribeOptions, job_key: str | None = None) -> str:
        if not audio.local_path.is_file():
            raise EngineRejected(f"The uploaded audio is missing on this machine: {audio.local_path.name}")
        handle = uuid.uuid4().hex
        with self._lock:
            self._jobs[handle] = _Job(audio=audio.local_path, options=options)
        self._executor.submit(self._run, handle)
        return handle

    async def poll(self, handle: str) -> EngineStatus:
        with self._lock:
            job = self._jobs.get(handle)
            if job is None:
                raise EngineJobLost("The local engine no longer knows this job (the panel restarted).")
            return EngineStatus(
                state=job.state,
                progress=job.progress,
                output=job.output if job.state == EngineState.COMPLETED else None,
                error=job.error,
                step=job.step,
            )

    async def cancel(self, handle: str) -> None:
        with self._lock:
            job = self._jobs.get(handle)
            if job is None or job.state in TERMINAL:
                return
            job.cancel.set()
            if job.state == EngineState.QUEUED:  # never started: end it now
                job.state, job.step = EngineState.CANCELLED, "Cancelled"

    async def health(self) -> dict[str, Any]:
        with _MODELS_LOCK:
            loaded = self._model_key() in _MODELS
        return {"model": self._model_name, "device": self._device, "loaded": loaded, "busy": self._busy}

    async def aclose(self) -> None:
        with self._lock:
            for job in self._jobs.values():
                job.cancel.set()
        await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=True)

    # --- the worker thread -----------------------------------------------------------------

    def _update(self, job: _Job, **changes: Any) -> None:
        with self._lock:
            for key, value in changes.items():
                setattr(job, key, value)

    def _run(self, handle: str) -> None:
        job = self._jobs[handle]
        if job.cancel.is_set():
            self._update(job, state=EngineState.CANCELLED, step="Cancelled")
            return
        self._busy = True
        try:
            self._update(job, state=EngineState.RUNNING, step="Loading model…", progress=0.0)
            output = self._transcribe(job)
            if self.diarize_hook is not None and job.options.diarize:
                self._update(job, step="Finding speakers on this computer…")
                output = self.diarize_hook(job.audio, output, job.options)
                if job.cancel.is_set():
                    raise _Cancelled
            self._update(job, state=EngineState.COMPLETED, progress=1.0, step="Done", output=output)
        except _Cancelled:
            self._update(job, state=EngineState.CANCELLED, step="Cancelled")
        except LocalJobFailed as e:
            self._update(job, state=EngineState.FAILED, step="Failed", error=str(e))
        except Exception as e:  # a decoder or model error: show it, keep the engine alive
            self._update(
                job, state=EngineState.FAILED, step="Failed", error=f"Local transcription failed: {e}"
            )
        finally:
            self._busy = False

    def _model_key(self) -> tuple[str, str, str]:
        return (self._model_name, self._device, self._compute_type)

    def _model_source(self, job: _Job) -> str:
        """A folder holding the CTranslate2 model, downloading a named model on first use."""
        name = self._model_name
        if Path(name).expanduser().is_dir():
            return str(Path(name).expanduser())
        if _looks_like_path(name):
            raise LocalJobFailed(f"LOCAL_MODEL points to a folder that does not exist: {name}")
        from faster_whisper.utils import download_model

        root = str(self._download_root) if self._download_root else None
        try:
            return str(download_model(name, local_files_only=True, cache_dir=root))
        except ValueError as e:  # not a known model name
            raise LocalJobFailed(f"LOCAL_MODEL is not a model name or folder: {e}") from e
        except Exception:
            pass  # not cached yet
        return self._download(job, name)

    def _download(self, job: _Job, name: str) -> str:
        """The hook into engines/models.py: a resumable download whose progress is the job's step."""
        from huggingface_hub import constants

        from scribedesk.engines import models

        def progress(done: int, total: int) -> None:
            pct = f"{done * 100 // total}% of {total / 1e6:.0f} MB" if total else f"{done / 1e6:.0f} MB"
            self._update(job, step=f"Downloading model {name} (first use)… {pct}")

        try:
            if constants.HF_HUB_OFFLINE and not models.model_status(self._settings).ready:
                raise models.DownloadFailed("HF_HUB_OFFLINE is set")
            return str(models.ensure_model(self._settings, progress, job.cancel))
        except models.DownloadCancelled:
            raise _Cancelled from None
        except models.DownloadFailed as e:
            raise LocalJobFailed(
                f"Could not download the local model '{name}' ({e}). Connect to the internet once so it can "
                "be downloaded (it resumes where it stopped), or set LOCAL_MODEL to a folder holding a "
                "faster-whisper model."
            ) from e

    def _load_model(self, job: _Job) -> Any:
        key = self._model_key()
        with _MODELS_LOCK:
            if key in _MODELS:
                return _MODELS[key]
        source = self._model_source(job)
        self._update(job, step="Loading model…")
        from faster_whisper import WhisperModel

        model = WhisperModel(source, device=self._device, compute_type=self._compute_type)
        with _MODELS_LOCK:
            return _MODELS.setdefault(key, model)

    def _transcribe(self, job: _Job) -> dict[str, Any]:
        model = self._load_model(job)
        language = job.options.language or None
        if not model.model.is_multilingual and language not in (None, "en"):
            raise LocalJobFailed(
                f"The local model '{Path(self._model_name).name}' only understands English, but the job "
                f"asks for language '{language}'. Pick English, or set LOCAL_MODEL to a multilingual "
                "model such as small."
            )
        if job.cancel.is_set():
            raise _Cancelled
        self._update(job, step="Transcribing locally… 0%")
        segments, info = model.transcribe(
            str(job.audio),
            language=language,
            vad_filter=True,
            condition_on_previous_text=False,
            word_timestamps=True,
            initial_prompt=job.options.initial_prompt or None,
        )
        duration = float(info.duration or 0.0)
        out_segments: list[dict[str, Any]] = []
        for seg in segments:  # the generator decodes lazily: each step is one segment of work
            out_segments.append(_segment_dict(seg))
            if job.cancel.is_set():
                raise _Cancelled
            # Never let the bar go back, whatever order the segments come in.
            progress = max(job.progress or 0.0, min(1.0, seg.end / duration)) if duration else None
            pct = round((progress or 0.0) * 100)
            self._update(job, progress=progress, step=f"Transcribing locally… {pct}%")
        if job.cancel.is_set():  # asked while the last segment decoded: the user said stop
            raise _Cancelled
        return {"segments": out_segments, "language": info.language, "duration": duration}


def _segment_dict(seg: Any) -> dict[str, Any]:
    # float(): faster-whisper sometimes hands back numpy floats, which JSON writers may refuse.
    words = [
        {
            "word": w.word.strip(),
            "start": round(float(w.start), 3),
            "end": round(float(w.end), 3),
            "score": round(float(w.probability), 4),
        }
        for w in (seg.words or [])
    ]
    start, end = round(float(seg.start), 3), round(float(seg.end), 3)
    return {"start": start, "end": end, "text": seg.text.strip(), "words": words}
