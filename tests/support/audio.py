"""Audio makers for tests: espeak-ng speech, tones, silence, concatenation and AAC/M4A files.

Everything is 16-bit mono PCM WAV at 16 kHz unless asked otherwise, so parts can be concatenated.
Depends only on the stdlib, numpy, PyAV and the espeak-ng binary.
"""

from __future__ import annotations

import subprocess
import tempfile
import wave
from pathlib import Path

import av
import numpy as np

RATE = 16000


def _write_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    """Write float samples in -1..1 as 16-bit mono PCM."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return path


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Read a 16-bit PCM WAV (mono, or the first channel) as float samples and its rate."""
    with wave.open(str(path), "rb") as w:
        rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        raw = w.readframes(w.getnframes())
    if width != 2:
        raise ValueError(f"{path}: only 16-bit PCM WAV is supported")
    data = np.frombuffer(raw, dtype="<i2").reshape(-1, channels)[:, 0]
    return data.astype(np.float32) / 32768.0, rate


def _resample(samples: np.ndarray, src: int, dst: int) -> np.ndarray:
    """Linear resampling: good enough for speech a recogniser must understand."""
    if src == dst or len(samples) == 0:
        return samples
    n = round(len(samples) * dst / src)
    x_new = np.linspace(0, len(samples) - 1, n)
    return np.interp(x_new, np.arange(len(samples)), samples).astype(np.float32)


def wav_duration(path: Path) -> float:
    """Length of a WAV file in seconds."""
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def speak_wav(
    text: str,
    path: Path,
    *,
    voice: str = "en-us",
    speed: int = 150,
    gap_ms: int = 0,
    rate: int = RATE,
) -> Path:
    """Synthesize `text` with espeak-ng into a mono WAV at `rate` Hz; `gap_ms` adds pause between words."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        cmd = ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw)]
        if gap_ms:
            # espeak-ng counts the word gap in units of 10 ms.
            cmd += ["-g", str(max(1, gap_ms // 10))]
        subprocess.run([*cmd, "--", text], check=True, capture_output=True)
        samples, src_rate = read_wav(raw)
    return _write_wav(path, _resample(samples, src_rate, rate), rate)


def tone_wav(path: Path, seconds: float, *, rate: int = RATE, freq: float = 440.0) -> Path:
    """A sine tone (half amplitude) of the given length."""
    t = np.arange(int(seconds * rate)) / rate
    return _write_wav(path, 0.5 * np.sin(2 * np.pi * freq * t), rate)


def silence_wav(path: Path, seconds: float, *, rate: int = RATE) -> Path:
    """Digital silence of the given length."""
    return _write_wav(path, np.zeros(int(seconds * rate), dtype=np.float32), rate)


def concat_wav(parts: list[Path], dst: Path) -> Path:
    """Join WAV files end to end; parts at other rates are resampled to the first part's rate."""
    if not parts:
        raise ValueError("concat_wav needs at least one part")
    chunks: list[np.ndarray] = []
    rate = 0
    for part in parts:
        samples, part_rate = read_wav(part)
        rate = rate or part_rate
        chunks.append(_resample(samples, part_rate, rate))
    return _write_wav(dst, np.concatenate(chunks), rate)


def make_m4a(src_wav: Path, dst: Path) -> Path:
    """Encode a WAV as AAC in an MP4 (.m4a) container with PyAV, like a phone recorder would."""
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(src_wav)) as src, av.open(str(dst), "w", format="mp4") as out:
        in_stream = src.streams.audio[0]
        rate = in_stream.rate or RATE
        stream = out.add_stream("aac", rate=rate)
        stream.layout = "mono"
        resampler = av.AudioResampler(format="fltp", layout="mono", rate=rate)
        for frame in src.decode(in_stream):
            for rframe in resampler.resample(frame):
                out.mux(stream.encode(rframe))
        for rframe in resampler.resample(None):
            out.mux(stream.encode(rframe))
        out.mux(stream.encode(None))
    return dst
