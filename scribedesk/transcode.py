"""The copy for the GPU: Ogg Opus, 16 kHz mono, speech settings, encoded as a stream with PyAV.

Whisper hears 16 kHz mono anyway, so this copy loses nothing the recogniser uses, and at 24 kbit/s an
hour of speech is about 11 MB instead of ~58 MB of 128 kbit/s AAC. The original stays on this computer
for the player and the local engine. The encoder writes to any file-like sink as it goes (the push
sends parts while the rest is still being encoded) and is bit-exact: encoding the same file twice gives
the same bytes, so a resumed push can keep the parts already stored.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Literal, Protocol

import av

from scribedesk.audio import AudioError

TranscodeMode = Literal["auto", "off", "on"]
OPUS_RATE = 16_000
OPUS_BITRATE = 24_000
"""Measured: 24 kbit/s keeps tiny.en's word error within noise of the original; 8 kbit/s broke it."""
OPUS_COMPLEXITY = 10
"""libopus effort 0-10. Lower levels encode up to twice as fast, but at 3 tiny.en lost two words of a
46-word passage that it heard on the original; 10 (libopus' default) kept them."""
AUTO_ABOVE_BITRATE = 48_000
"""TRANSCODE=auto encodes a source whose average bitrate is above this (bits per second)."""
OPUS_SUFFIX = ".opus.ogg"


class ByteSink(Protocol):
    """Where the encoded bytes go: anything with write() (a file, or the push's growing file)."""

    def write(self, data: bytes, /) -> int: ...


class TranscodeStopped(Exception):
    """The caller asked the encoder to stop (cancel, shutdown)."""


def wants_opus_for(mode: TranscodeMode, size: int, duration: float | None) -> bool:
    """Whether the GPU gets an Opus copy: `on` always, `off` never, `auto` above ~48 kbit/s on average
    (container overhead included; a file of unknown length is sent as it is)."""
    if mode == "on":
        return True
    if mode == "off" or not duration:
        return False
    return size * 8 / duration > AUTO_ABOVE_BITRATE


def encode_opus(
    src: Path,
    sink: ByteSink,
    *,
    bitrate: int = OPUS_BITRATE,
    complexity: int = OPUS_COMPLEXITY,
    on_progress: Callable[[float], None] | None = None,
    stop: threading.Event | None = None,
) -> float:
    """Encode `src` into `sink` as Ogg Opus and return the seconds of audio written.

    `on_progress` gets the seconds encoded so far (every few seconds of audio); a set `stop` ends the
    encode with TranscodeStopped. Memory stays at a few frames whatever the file's length.
    """
    try:
        with (
            av.open(str(src), metadata_errors="ignore") as inp,
            av.open(sink, "w", format="ogg", options={"fflags": "+bitexact"}) as out,
        ):
            return _encode(inp, out, (bitrate, complexity), on_progress, stop)
    except (TranscodeStopped, AudioError):
        raise
    except (av.FFmpegError, ValueError, OSError) as e:
        raise AudioError(f"the audio could not be converted to Opus ({type(e).__name__}: {e})") from e


def _encode(
    inp: av.container.InputContainer,
    out: av.container.OutputContainer,
    settings: tuple[int, int],
    on_progress: Callable[[float], None] | None,
    stop: threading.Event | None,
) -> float:
    if not inp.streams.audio:
        raise AudioError("the file has no audio stream")
    source = inp.streams.audio[0]
    stream = out.add_stream("libopus", rate=OPUS_RATE)
    stream.layout = "mono"
    bitrate, complexity = settings
    stream.bit_rate = bitrate
    stream.codec_context.options = {
        "application": "voip",
        "vbr": "on",
        "frame_duration": "20",
        "compression_level": str(complexity),
    }
    stream.codec_context.flags |= av.codec.context.Flags.bitexact
    resampler = av.AudioResampler(format="s16", layout="mono", rate=OPUS_RATE)
    samples = 0
    reported = 0.0
    for frame in inp.decode(source):
        if stop is not None and stop.is_set():
            raise TranscodeStopped()
        frame.pts = None
        for piece in resampler.resample(frame):
            samples += piece.samples
            out.mux(stream.encode(piece))
        seconds = samples / OPUS_RATE
        if on_progress is not None and seconds - reported >= 5.0:
            reported = seconds
            on_progress(seconds)
    for piece in resampler.resample(None):
        samples += piece.samples
        out.mux(stream.encode(piece))
    out.mux(stream.encode(None))
    if samples == 0:
        raise AudioError("no audio could be decoded")
    if on_progress is not None:
        on_progress(samples / OPUS_RATE)
    return samples / OPUS_RATE
