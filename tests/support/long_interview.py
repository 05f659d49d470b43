"""A two-hour interview for the desk at interview length: a small Ogg/Opus file of that length
(silence, made in about two seconds) and a WhisperX-shaped output of ~720 turns and ~10,000 words
with three speakers, some low-confidence words, a findable phrase at 1:30:02 and the classic
hallucinated credit line at the end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np

LENGTH = 7200.0
FIND_AT = 5402.0  # 1:30:02
FIND_PHRASE = "zebra crossing"
_FRAME = 2880  # 60 ms at 48 kHz, Opus's longest frame

_SCRIPT = (
    "we started the project in spring and the team grew quickly because the archive needed "
    "careful work on every recording people remembered different details about the village "
    "and the old school so we checked each name against the records before writing it down"
)
_VOCAB = _SCRIPT.split(" ")


def long_silence_opus(path: Path, seconds: float = LENGTH) -> Path:
    """Ogg/Opus silence of `seconds`: one encoded 60 ms packet repeated (a real, seekable file)."""
    out = av.open(str(path), "w", format="ogg")
    stream = out.add_stream("libopus", rate=48000)
    stream.layout = "mono"
    stream.bit_rate = 6000
    quiet = np.zeros((1, _FRAME), dtype=np.int16)
    packets = []
    for i in range(6):  # the encoder's first packets carry its start-up delay
        frame = av.AudioFrame.from_ndarray(quiet, format="s16", layout="mono")
        frame.sample_rate = 48000
        frame.pts = i * _FRAME
        packets += list(stream.encode(frame))
    for packet in packets[:3]:
        out.mux(packet)
    payload, base, start = bytes(packets[-1]), packets[0].time_base, packets[2].pts + _FRAME
    for i in range(int(seconds * 48000 / _FRAME) - 3):
        packet = av.Packet(payload)
        packet.pts = packet.dts = start + i * _FRAME
        packet.duration = _FRAME
        packet.time_base = base
        packet.stream = stream
        out.mux(packet)
    out.close()
    return path


def _segment(k: int, start: float, end: float, speaker: str, text: str) -> dict[str, Any]:
    tokens = text.split()  # the words are the text's own tokens, as WhisperX gives them
    step = (end - start) / len(tokens)
    words = []
    for i, token in enumerate(tokens):
        score = 0.31 if (k * 7 + i) % 23 == 0 else round(0.62 + ((k + i) % 37) / 100, 2)
        at = start + i * step
        words.append(
            {
                "word": token,
                "start": round(at, 3),
                "end": round(at + step * 0.8, 3),
                "score": score,
                "speaker": speaker,
            }
        )
    return {
        "start": round(start, 3),
        "end": round(end, 3),
        "text": f" {text}",
        "words": words,
        "speaker": speaker,
    }


def long_interview_output(turns: int = 721) -> dict[str, Any]:
    """WhisperX output for LENGTH seconds: `turns` alternating turns (SPEAKER_02 now and then)."""
    segments: list[dict[str, Any]] = []
    span = (LENGTH - 30) / turns
    cursor = 0
    for t in range(turns):
        speaker = "SPEAKER_02" if t % 41 == 40 else f"SPEAKER_0{t % 2}"
        start = t * span + 0.4
        pieces = 2 if t % 3 == 0 else 1
        for p in range(pieces):
            n = 7 if pieces == 2 else 13
            words = [_VOCAB[(cursor + i) % len(_VOCAB)] for i in range(n)]
            cursor += n
            a = start + p * (span - 1) / pieces
            b = a + (span - 1) / pieces - 0.3
            if a <= FIND_AT < b:
                words[1:3] = FIND_PHRASE.split()
            segments.append(_segment(len(segments), a, b, speaker, " ".join(words).capitalize() + "."))
    credit = "Subtitles by the Amara.org community"
    segments.append(_segment(len(segments), LENGTH - 12, LENGTH - 9, "SPEAKER_00", credit))
    return {
        "segments": segments,
        "word_segments": [w for s in segments for w in s["words"]],
        "language": "en",
    }
