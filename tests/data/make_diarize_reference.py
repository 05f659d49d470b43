"""Regenerate tests/data/diarize_reference.npz: what the ORIGINAL resemblyzer (torch + librosa)
computes for a short espeak-ng clip, so the torch-free front end and encoder can be checked.

Run once in a scratch virtualenv OUTSIDE the repo (never the project's venv: torch is gigabytes):

    python3 -m venv /tmp/ref && /tmp/ref/bin/pip install torch==2.13.0 librosa webrtcvad-wheels
    /tmp/ref/bin/pip install --no-deps resemblyzer==0.1.4
    /tmp/ref/bin/python tests/data/make_diarize_reference.py

The clip itself is stored (int16, 2.4 s) so the check does not depend on the espeak-ng version.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import librosa
import numpy as np
import torch
from resemblyzer import VoiceEncoder
from resemblyzer.audio import normalize_volume, wav_to_mel_spectrogram

OUT = Path(__file__).with_name("diarize_reference.npz")
SR = 16000


def clip() -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        raw, wav = Path(tmp) / "raw.wav", Path(tmp) / "clip.wav"
        text = "The quick brown fox jumps over the lazy dog, twice."
        subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(raw), text], check=True)
        subprocess.run(["sox", str(raw), "-r", str(SR), "-c", "1", "-b", "16", str(wav)], check=True)
        audio, _ = librosa.load(str(wav), sr=None)
    return (np.round(audio[: int(2.4 * SR)] * 32768.0)).astype(np.int16)


def main() -> None:
    pcm = clip()
    wav = pcm.astype(np.float32) / 32768.0
    normalized = normalize_volume(wav, -30, increase_only=True).astype(np.float32)
    mel = wav_to_mel_spectrogram(normalized)
    windows = np.stack([mel[0:160], mel[40:200], mel[80:240]])
    encoder = VoiceEncoder("cpu", verbose=False)
    with torch.no_grad():
        embeddings = encoder(torch.from_numpy(windows)).numpy()
    np.savez_compressed(
        OUT,
        pcm=pcm,
        mel=mel.astype(np.float32),
        window_starts=np.array([0, 40, 80]),
        embeddings=embeddings.astype(np.float32),
        versions=np.array([f"librosa {librosa.__version__}", f"torch {torch.__version__}"]),
    )
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes): mel {mel.shape}, embeddings {embeddings.shape}")


if __name__ == "__main__":
    main()
