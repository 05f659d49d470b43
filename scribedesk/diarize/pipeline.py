"""Who spoke when, on this computer: speech chunks -> 1.6 s windows -> voice embeddings -> clusters.

Memory stays flat with the recording's length: audio is decoded in blocks, each chunk of speech
(at most 30 s) becomes mel frames and windows that are embedded and dropped; only the 256-number
embeddings (1 KB per window) are kept for clustering.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from scribedesk.diarize.assign import Turn, smooth, turns_from_windows
from scribedesk.diarize.cluster import cluster
from scribedesk.diarize.encoder import WINDOW_FRAMES, VoiceEncoder
from scribedesk.diarize.features import HOP, SAMPLE_RATE, mel_frames, normalize_volume
from scribedesk.diarize.regions import Chunk, speech_chunks

STEP_FRAMES = 80
"""Window step: 0.8 s (windows are 1.6 s)."""
MIN_FRAMES = 30
"""Speech shorter than 0.3 s gets no window of its own (its words take the nearest turn)."""
FRAME = HOP / SAMPLE_RATE
EMBED_BATCH = 64


class DiarizeCancelled(Exception):
    """should_stop() said yes."""


@dataclass
class Diarization:
    """The turns, and each speaker's voice print (the mean of its window embeddings, unit length)."""

    turns: list[Turn]
    voices: dict[str, np.ndarray] = field(default_factory=dict)
    windows: int = 0
    speech_seconds: float = 0.0


@dataclass
class _Windows:
    spans: list[tuple[float, float]] = field(default_factory=list)
    breaks: list[bool] = field(default_factory=list)
    full: list[bool] = field(default_factory=list)
    """False for the one padded window of speech shorter than 1.6 s."""
    embeddings: list[np.ndarray] = field(default_factory=list)


def chunk_windows(chunk: Chunk) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """(k, 160, 40) mel windows over one chunk, and the stretch of time each window stands for."""
    mel = mel_frames(normalize_volume(chunk.audio))
    n = len(mel)
    if n < MIN_FRAMES:
        return np.zeros((0, WINDOW_FRAMES, mel.shape[1]), np.float32), []
    if n < WINDOW_FRAMES:  # resemblyzer pads short audio with silence
        mel = np.pad(mel, ((0, WINDOW_FRAMES - n), (0, 0)))
        return mel[None], [(chunk.start, chunk.end)]
    starts = list(range(0, n - WINDOW_FRAMES + 1, STEP_FRAMES))
    if n - (starts[-1] + WINDOW_FRAMES) > STEP_FRAMES // 2:
        starts.append(n - WINDOW_FRAMES)
    windows = np.stack([mel[s : s + WINDOW_FRAMES] for s in starts])
    centres = [chunk.start + (s + WINDOW_FRAMES / 2) * FRAME for s in starts]
    edges = [chunk.start] + [(a + b) / 2 for a, b in itertools.pairwise(centres)] + [chunk.end]
    return windows, list(itertools.pairwise(edges))


def _embed_all(
    chunks: Iterator[Chunk],
    encoder: VoiceEncoder,
    should_stop: Callable[[], bool],
    progress: Callable[[float], None],
) -> tuple[_Windows, float]:
    out = _Windows()
    pending: list[np.ndarray] = []
    speech = 0.0

    def flush() -> None:
        if pending:
            out.embeddings.append(encoder.embed(np.concatenate(pending)))
            pending.clear()

    for chunk in chunks:
        if should_stop():
            raise DiarizeCancelled
        windows, spans = chunk_windows(chunk)
        speech += chunk.end - chunk.start
        out.spans += spans
        out.breaks += [i == 0 for i in range(len(spans))]
        out.full += [chunk.end - chunk.start >= WINDOW_FRAMES * FRAME] * len(spans)
        pending.append(windows)
        if sum(len(w) for w in pending) >= EMBED_BATCH:
            flush()
        progress(chunk.end)
    flush()
    return out, speech


def _labels(emb: np.ndarray, full: np.ndarray, lo: int | None, hi: int | None) -> np.ndarray:
    """Cluster the full windows; padded ones (short speech) take the nearest cluster's label.

    A short "yes" padded with silence embeds unlike its speaker's full windows: left in the
    clustering, many of them would form a speaker of their own.
    """
    if full.sum() < 2:
        return cluster(emb, lo, hi)
    labels = np.zeros(len(emb), np.int64)
    labels[full] = cluster(emb[full], lo, hi)
    k = int(labels[full].max()) + 1
    centroids = np.stack([emb[full][labels[full] == c].mean(axis=0) for c in range(k)])
    labels[~full] = np.argmax(emb[~full] @ centroids.T, axis=1)
    return labels


def diarize(
    path: Path,
    *,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
    regions: Sequence[tuple[float, float]] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    progress: Callable[[float], None] = lambda seconds: None,
) -> Diarization:
    """Speaker turns for the audio file (labels SPEAKER_00.. by first appearance).

    regions: speech (start, end) seconds already found for this job; None runs Silero VAD here.
    progress: called with the seconds of audio handled so far.
    """
    encoder = VoiceEncoder.load()
    found, speech = _embed_all(speech_chunks(path, regions), encoder, should_stop, progress)
    if not found.spans:
        return Diarization(turns=[], speech_seconds=speech)
    emb = np.concatenate(found.embeddings)
    raw = _labels(emb, np.asarray(found.full), min_speakers, max_speakers)
    labels = smooth([int(x) for x in raw], found.breaks)
    names: dict[int, str] = {}
    for label in labels:
        names.setdefault(label, f"SPEAKER_{len(names):02d}")
    turns = turns_from_windows(found.spans, [names[x] for x in labels])
    voices = {}
    for label, name in names.items():
        mean = emb[np.asarray(labels) == label].mean(axis=0)
        voices[name] = (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)
    return Diarization(turns=turns, voices=voices, windows=len(emb), speech_seconds=speech)
