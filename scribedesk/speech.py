"""The recording's speech timeline: where someone is speaking, from the Silero VAD faster-whisper ships.

Computed once per job from the uploaded recording (decoded in blocks, so memory stays flat for long
recordings) and kept beside the job as results/<job>/speech.json. The hallucination flagger
(transcript/cleanup.py) takes the regions as plain data: the speech under a line is the strongest
sign that it was not invented over silence or music, whatever engine made the transcript.

Blocking (decoding and ONNX inference): call from a thread. Never raises for a bad recording:
`timeline_for` returns None and logs, and the flagger then works without it.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
WINDOW = 512  # samples per probability (32 ms), what the Silero model takes
CONTEXT = 64  # samples of the previous window the model sees with each window
BLOCK_WINDOWS = 1875  # 60 s of audio per inference block
THRESHOLD, NEG_THRESHOLD = 0.5, 0.35  # Silero's defaults: speech at 0.5, silence below 0.35
MIN_SILENCE = 0.3  # seconds below NEG_THRESHOLD that end a region
PAD = 0.1  # seconds added around each region (word edges are soft)
MODEL_NAME = "silero_vad_v6 (faster-whisper)"
FILE_NAME = "speech.json"

Regions = list[tuple[float, float]]
_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


@dataclass
class _State:
    h: npt.NDArray[np.float32] = field(default_factory=lambda: np.zeros((1, 1, 128), dtype=np.float32))
    c: npt.NDArray[np.float32] = field(default_factory=lambda: np.zeros((1, 1, 128), dtype=np.float32))
    context: npt.NDArray[np.float32] = field(default_factory=lambda: np.zeros(CONTEXT, dtype=np.float32))


def _blocks(path: Path) -> Iterator[npt.NDArray[np.float32]]:
    """16 kHz mono float32 audio in blocks of BLOCK_WINDOWS windows (the last one zero-padded)."""
    import av

    size = BLOCK_WINDOWS * WINDOW
    pending: list[npt.NDArray[np.int16]] = []
    have = 0
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    with av.open(str(path), mode="r", metadata_errors="ignore") as container:
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                pending.append(np.asarray(out.to_ndarray(), dtype=np.int16).reshape(-1))
                have += pending[-1].size
                while have >= size:
                    joined = np.concatenate(pending)
                    yield joined[:size].astype(np.float32) / 32768.0
                    pending, have = [joined[size:]], joined.size - size
        for out in resampler.resample(None):
            pending.append(np.asarray(out.to_ndarray(), dtype=np.int16).reshape(-1))
    rest = np.concatenate(pending) if pending else np.zeros(0, dtype=np.int16)
    if rest.size:
        padded = np.zeros(-(-rest.size // WINDOW) * WINDOW, dtype=np.float32)
        padded[: rest.size] = rest.astype(np.float32) / 32768.0
        yield padded


def _probabilities(path: Path) -> tuple[npt.NDArray[np.float32], float]:
    """Speech probability per 32 ms window, and the audio's duration in seconds."""
    from faster_whisper.vad import get_vad_model

    session = get_vad_model().session
    state = _State()
    probs: list[npt.NDArray[np.float32]] = []
    samples = 0
    for block in _blocks(path):
        samples += block.size
        windows = block.reshape(-1, WINDOW)
        context = np.roll(windows[:, -CONTEXT:], 1, axis=0)
        context[0] = state.context
        batch = np.concatenate([context, windows], axis=1)
        out, state.h, state.c = session.run(None, {"input": batch, "h": state.h, "c": state.c})
        state.context = windows[-1, -CONTEXT:].copy()
        probs.append(np.asarray(out, dtype=np.float32).reshape(-1))
    all_probs = np.concatenate(probs) if probs else np.zeros(0, dtype=np.float32)
    return all_probs, samples / SAMPLE_RATE


def regions_from(probs: npt.NDArray[np.float32], duration: float) -> Regions:
    """Speech regions with hysteresis (start at THRESHOLD, end after MIN_SILENCE below NEG_THRESHOLD)."""
    step = WINDOW / SAMPLE_RATE
    quiet_windows = max(1, round(MIN_SILENCE / step))
    raw: Regions = []
    start: int | None = None
    quiet_since: int | None = None
    for i, p in enumerate(probs.tolist()):
        if start is None:
            if p >= THRESHOLD:
                start, quiet_since = i, None
            continue
        if p >= THRESHOLD:
            quiet_since = None
        elif p < NEG_THRESHOLD:
            quiet_since = i if quiet_since is None else quiet_since
            if i - quiet_since >= quiet_windows:
                raw.append((start * step, quiet_since * step))
                start = quiet_since = None
    if start is not None:
        raw.append((start * step, len(probs) * step))
    merged: Regions = []
    for s, e in raw:
        s, e = max(0.0, s - PAD), min(duration, e + PAD)
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        elif e > s:
            merged.append((s, e))
    return [(round(s, 3), round(e, 3)) for s, e in merged]


def compute(path: Path) -> dict[str, Any]:
    """The timeline of one recording, as the JSON object saved in speech.json."""
    probs, duration = _probabilities(path)
    regions = regions_from(probs, duration)
    return {
        "version": 1,
        "model": MODEL_NAME,
        "duration": round(duration, 3),
        "speech_seconds": round(sum(e - s for s, e in regions), 3),
        "regions": [[s, e] for s, e in regions],
    }


def read_regions(data: object) -> Regions | None:
    """Regions from a saved timeline, or None when it is not one (old, truncated, or foreign)."""
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("regions"), list):
        return None
    out: Regions = []
    for item in data["regions"]:
        if not (isinstance(item, list) and len(item) == 2 and all(isinstance(x, int | float) for x in item)):
            return None
        out.append((float(item[0]), float(item[1])))
    return sorted(out)


def timeline_for(audio: Path, result_dir: Path) -> Regions | None:
    """The saved timeline, computed and saved on first use; None (logged) when the audio cannot be read.

    Safe to call from several threads: the second caller waits for the first instead of decoding again.
    """
    target = result_dir / FILE_NAME
    with _locks_guard:
        lock = _locks.setdefault(target, threading.Lock())
    with lock:
        try:
            return read_regions(json.loads(target.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            pass
        try:
            data = compute(audio)
        except Exception as e:  # bad or unsupported audio, or no onnxruntime: flag without it
            log.warning("speech timeline for %s failed: %s: %s", audio.name, type(e).__name__, e)
            return None
        if not audio.exists():  # the job was deleted meanwhile: leave no folder behind
            return None
        result_dir.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(target)
        return read_regions(data)
