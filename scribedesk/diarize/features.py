"""Audio in blocks and the voice encoder's mel front end, in numpy.

The front end reproduces resemblyzer's ``wav_to_mel_spectrogram`` (librosa's ``melspectrogram``
with its defaults: 25 ms periodic Hann window, 10 ms hop, centred frames with zero padding, power
spectrum, 40 Slaney-normalised mel bands from 0 to 8 kHz). It is a power mel spectrogram, not a log
one; tests/data/diarize_reference.npz holds values computed once with librosa to check it.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import av
import numpy as np

SAMPLE_RATE = 16000
N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
N_MELS = 40
TARGET_DBFS = -30.0
INT16_MAX = 2**15 - 1


def stream_pcm(path: Path, block_seconds: float = 120.0) -> Iterator[np.ndarray]:
    """The file as 16 kHz mono float32 blocks of block_seconds (the last one shorter)."""
    block = int(block_seconds * SAMPLE_RATE)
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    pending: list[np.ndarray] = []
    size = 0
    with av.open(str(path), mode="r", metadata_errors="ignore") as container:
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                pending.append(out.to_ndarray().reshape(-1))
                size += pending[-1].size
                while size >= block:
                    joined = np.concatenate(pending)
                    yield joined[:block].astype(np.float32) / 32768.0
                    pending, size = [joined[block:]], joined.size - block
        for out in resampler.resample(None):
            pending.append(out.to_ndarray().reshape(-1))
    rest = np.concatenate(pending) if pending else np.zeros(0, np.int16)
    if rest.size:
        yield rest.astype(np.float32) / 32768.0


def normalize_volume(wav: np.ndarray, target_dbfs: float = TARGET_DBFS) -> np.ndarray:
    """Raise quiet audio to target_dbfs RMS, never lower loud audio (resemblyzer's increase_only)."""
    rms = float(np.sqrt(np.mean((wav.astype(np.float64) * INT16_MAX) ** 2))) if wav.size else 0.0
    if rms <= 0.0:
        return wav
    change = target_dbfs - 20.0 * np.log10(rms / INT16_MAX)
    if change < 0:
        return wav
    return (wav * np.float32(10.0 ** (change / 20.0))).astype(np.float32)


def _hz_to_mel(f: np.ndarray) -> np.ndarray:
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0
    mels = f / f_sp
    high = f >= min_log_hz
    mels[high] = min_log_mel + np.log(f[high] / min_log_hz) / logstep
    return mels


def _mel_to_hz(m: np.ndarray) -> np.ndarray:
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0
    freqs = f_sp * m
    high = m >= min_log_mel
    freqs[high] = min_log_hz * np.exp(logstep * (m[high] - min_log_mel))
    return freqs


@lru_cache(maxsize=1)
def mel_filters() -> np.ndarray:
    """(N_MELS, N_FFT // 2 + 1) Slaney mel filterbank, as librosa.filters.mel builds it."""
    fft_freqs = np.linspace(0, SAMPLE_RATE / 2, 1 + N_FFT // 2)
    low, high = _hz_to_mel(np.array([0.0, SAMPLE_RATE / 2.0]))
    mel_pts = np.linspace(float(low), float(high), N_MELS + 2)
    mel_f = _mel_to_hz(mel_pts)
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fft_freqs)
    weights = np.zeros((N_MELS, fft_freqs.size))
    for i in range(N_MELS):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2 : N_MELS + 2] - mel_f[:N_MELS]))[:, None]
    return weights.astype(np.float32)


@lru_cache(maxsize=1)
def _window() -> np.ndarray:
    n = np.arange(N_FFT)
    return (0.5 - 0.5 * np.cos(2 * np.pi * n / N_FFT)).astype(np.float32)  # periodic Hann


def mel_frames(wav: np.ndarray) -> np.ndarray:
    """(1 + len(wav) // HOP, N_MELS) float32 power mel frames of a 16 kHz waveform."""
    padded = np.pad(wav.astype(np.float32), N_FFT // 2)
    n_frames = 1 + (padded.size - N_FFT) // HOP
    frames = np.lib.stride_tricks.as_strided(
        padded, shape=(n_frames, N_FFT), strides=(padded.strides[0] * HOP, padded.strides[0])
    )
    spectrum = np.fft.rfft(frames * _window(), axis=1)
    power = (spectrum.real**2 + spectrum.imag**2).astype(np.float32)
    result: np.ndarray = power @ mel_filters().T
    return result
