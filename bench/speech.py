"""Speech-timeline benchmark: the Silero VAD pass (scribedesk/speech.py) against the audio's duration.

Builds a recording of the given length at test time (espeak-ng sentences, silences and pink noise
joined by sox, then encoded to m4a as people upload), runs speech.compute on it with the process
limited to the machine's cores, and also times decoding alone (the baseline, measured in the same run).
Prints:

- the VAD pass's wall time divided by the audio duration                    (goal <= 0.03 on 2 cores)
- its time relative to decoding alone (how much the model adds to the read)
- the share of the recording found to be speech (sanity: about the share generated as speech)

Run: .venv/bin/python bench/speech.py [--minutes 10] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scribedesk import speech  # noqa: E402

SENTENCES = [
    "Let us start with the early days of the company and the first office.",
    "We were three people in a small room and the servers lived under the desk.",
    "The investors asked a lot of questions, and most of them were fair.",
]


def build(folder: Path, minutes: float) -> tuple[Path, float]:
    """A recording of about `minutes`: speech, a pause, noise; returns (path, seconds of speech)."""
    pieces: list[Path] = []
    for i, text in enumerate(SENTENCES):
        wav = folder / f"s{i}.wav"
        subprocess.run(["espeak-ng", "-w", str(wav), text], check=True)
        pieces.append(wav)
    silence, noise = folder / "silence.wav", folder / "noise.wav"
    subprocess.run(["sox", "-n", "-r", "22050", "-c", "1", str(silence), "trim", "0", "3"], check=True)
    subprocess.run(
        ["sox", "-n", "-r", "22050", "-c", "1", str(noise), "synth", "4", "pinknoise", "vol", "0.05"],
        check=True,
    )
    unit = folder / "unit.wav"
    subprocess.run(
        ["sox", *map(str, [pieces[0], silence, pieces[1], noise, pieces[2], silence]), str(unit)], check=True
    )
    unit_seconds = float(
        subprocess.run(["soxi", "-D", str(unit)], capture_output=True, text=True, check=True).stdout
    )
    spoken = sum(
        float(subprocess.run(["soxi", "-D", str(p)], capture_output=True, text=True, check=True).stdout)
        for p in pieces
    )
    repeats = max(1, round(minutes * 60 / unit_seconds))
    long_wav, m4a = folder / "long.wav", folder / "long.m4a"
    subprocess.run(["sox", *[str(unit)] * repeats, str(long_wav)], check=True)
    to_m4a(long_wav, m4a)
    return m4a, spoken * repeats


def to_m4a(source: Path, target: Path) -> None:
    """AAC in MP4 at 64 kbit/s with PyAV (no ffmpeg binary needed)."""
    import av

    with av.open(str(source)) as src, av.open(str(target), mode="w") as dst:
        stream = dst.add_stream("aac", rate=22050)
        stream.bit_rate = 64000
        for frame in src.decode(audio=0):
            frame.pts = None
            for packet in stream.encode(frame):
                dst.mux(packet)
        for packet in stream.encode(None):
            dst.mux(packet)


def decode_only(path: Path) -> float:
    started = time.perf_counter()
    for _ in speech._blocks(path):
        pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory() as tmp:
        path, spoken = build(Path(tmp), args.minutes)
        speech.compute(path)  # warm: model load and first-call costs are paid once per process
        best_vad = best_decode = float("inf")
        result: dict[str, object] = {}
        for _ in range(args.rounds):
            best_decode = min(best_decode, decode_only(path))
            started = time.perf_counter()
            result = speech.compute(path)
            best_vad = min(best_vad, time.perf_counter() - started)
    duration = float(result["duration"])  # type: ignore[arg-type]
    found = float(result["speech_seconds"])  # type: ignore[arg-type]
    print(f"audio {duration / 60:.1f} min on {cores} cores, best of {args.rounds}")
    print(f"VAD pass        {best_vad:7.2f} s  = {best_vad / duration:.4f} x duration   (goal <= 0.03)")
    print(f"decode alone    {best_decode:7.2f} s  = {best_decode / duration:.4f} x duration   (baseline)")
    print(f"VAD / decode    {best_vad / best_decode:7.2f}")
    print(f"speech found    {found / duration:.0%} of the recording (generated: {spoken / duration:.0%})")


if __name__ == "__main__":
    main()
