"""Stretches of speech, cut from the audio stream block by block.

Either faster-whisper's Silero VAD finds them (run on each block, never on the whole file), or the
caller passes precomputed regions (the job's speech timeline) and they are only cut out. Every
chunk is at most MAX_CHUNK seconds, so memory stays flat whatever the recording's length.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scribedesk.diarize.features import SAMPLE_RATE, stream_pcm

MAX_CHUNK = 30.0
"""Longest piece of speech handled at once, in seconds."""
HOLD = 2.0
"""Seconds kept back at the end of a block: speech running into it is decided with the next block."""
BLOCK_SECONDS = 30.0


@dataclass(frozen=True)
class Chunk:
    """One piece of speech: where it starts in the recording, and its 16 kHz samples."""

    start: float
    audio: np.ndarray

    @property
    def end(self) -> float:
        return self.start + self.audio.size / SAMPLE_RATE


def vad_spans(audio: np.ndarray) -> list[tuple[int, int]]:
    """Speech (start, end) sample spans in one block, by faster-whisper's Silero VAD."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(
        min_speech_duration_ms=200,
        min_silence_duration_ms=300,
        speech_pad_ms=60,
        max_speech_duration_s=MAX_CHUNK,
    )
    return [(int(s["start"]), int(s["end"])) for s in get_speech_timestamps(audio, options)]


def _split(start: float, audio: np.ndarray) -> Iterator[Chunk]:
    step = int(MAX_CHUNK * SAMPLE_RATE)
    pieces = max(1, -(-audio.size // step))
    size = -(-audio.size // pieces)  # equal pieces, none a sliver
    for i in range(0, audio.size, size):
        yield Chunk(start + i / SAMPLE_RATE, audio[i : i + size])


def speech_chunks(
    path: Path,
    regions: Sequence[tuple[float, float]] | None = None,
    *,
    block_seconds: float = BLOCK_SECONDS,
) -> Iterator[Chunk]:
    """The speech in the file, in time order; regions (seconds) skip the VAD when given."""
    if regions is not None:
        yield from _cut_regions(path, sorted(regions), block_seconds)
        return
    buffer = np.zeros(0, np.float32)
    offset = 0  # sample index of buffer[0] in the recording
    blocks = stream_pcm(path, block_seconds)
    block = next(blocks, None)
    while block is not None:
        buffer = np.concatenate([buffer, block])
        block = next(blocks, None)
        last = block is None
        cut = buffer.size if last else buffer.size - int(HOLD * SAMPLE_RATE)
        keep_from = cut
        for s, e in vad_spans(buffer):
            if e <= cut or last:
                yield from _split((offset + s) / SAMPLE_RATE, buffer[s:e])
            else:
                keep_from = min(keep_from, s)
                break
        buffer = buffer[keep_from:].copy()
        offset += keep_from


def _cut_regions(path: Path, regions: list[tuple[float, float]], block_seconds: float) -> Iterator[Chunk]:
    buffer = np.zeros(0, np.float32)
    offset = 0
    pending = [(int(s * SAMPLE_RATE), int(e * SAMPLE_RATE)) for s, e in regions if e > s]
    for block in stream_pcm(path, block_seconds):
        buffer = np.concatenate([buffer, block])
        end = offset + buffer.size
        while pending and pending[0][1] <= end:
            s, e = pending.pop(0)
            yield from _split(max(s, offset) / SAMPLE_RATE, buffer[max(0, s - offset) : e - offset])
        drop = (pending[0][0] - offset) if pending else buffer.size
        drop = max(0, min(drop, buffer.size))
        buffer, offset = buffer[drop:].copy(), offset + drop
    for s, e in pending:  # regions running past the end of the audio
        if s < offset + buffer.size:
            yield from _split(max(s, offset) / SAMPLE_RATE, buffer[max(0, s - offset) : e - offset])
