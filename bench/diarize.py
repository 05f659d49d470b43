"""Benchmark: speakers on this computer — speed per audio minute and memory on a long recording.

Run by hand from the repository root:  .venv/bin/python bench/diarize.py [--minutes 10] [--hours 2]

1. Speed: a two-voice espeak-ng/sox conversation repeated to --minutes, diarized end to end
   (decode, Silero VAD, mel, encoder, clustering). Prints seconds per audio minute (goal <= 2 s)
   and, as the baseline measured in the same run, the time to only decode the same file, so a
   busy machine shows as a larger baseline too.
2. Memory: the same conversation repeated to --hours (written to a WAV file block by block), diarized
   in a fresh subprocess; prints the peak resident memory growth over the process after loading the
   model (goal <= 400 MB). --hours 0 skips it.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scribedesk.diarize.encoder import VoiceEncoder  # noqa: E402
from scribedesk.diarize.features import stream_pcm  # noqa: E402
from scribedesk.diarize.pipeline import diarize  # noqa: E402
from tests.support.voices import EASY_EN, LINES_EN, conversation  # noqa: E402

SPEED_GOAL = 2.0
MEMORY_GOAL_MB = 400


def repeat_wav(source: Path, target: Path, seconds: float) -> float:
    """source repeated into target until it lasts seconds; never holds more than one copy."""
    with wave.open(str(source), "rb") as w:
        params, frames = w.getparams(), w.readframes(w.getnframes())
    once = len(frames) / (params.sampwidth * params.framerate)
    copies = max(1, round(seconds / once))
    with wave.open(str(target), "wb") as out:
        out.setparams(params)
        for _ in range(copies):
            out.writeframes(frames)
    return copies * once


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def memory_child(path: str) -> None:
    """Run in a subprocess: load the encoder, note the RSS, diarize, print the growth."""
    VoiceEncoder.load()
    with open("/proc/self/status") as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024
    start, cpu_start = time.perf_counter(), time.process_time()
    found = diarize(Path(path))
    took, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(f"{max_rss_mb() - rss:.1f} {took:.1f} {len(found.voices)} {found.windows} {cpu:.1f}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=10.0)
    p.add_argument("--hours", type=float, default=2.0)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        conversation(folder / "once.wav", EASY_EN, LINES_EN)
        speed_file = folder / "speed.wav"
        seconds = repeat_wav(folder / "once.wav", speed_file, args.minutes * 60)
        VoiceEncoder.load()
        start = time.perf_counter()
        for _ in stream_pcm(speed_file):
            pass
        decode = time.perf_counter() - start
        start, cpu_start = time.perf_counter(), time.process_time()
        found = diarize(speed_file)
        took, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        per_minute = took / (seconds / 60)
        print(f"machine load average (2 cores): {os.getloadavg()[0]:.1f}")
        print(f"audio {seconds / 60:.1f} min, {found.windows} windows, {len(found.voices)} speakers found")
        print(
            f"decode only (baseline): {decode:.1f} s; diarize: {took:.1f} s (x{took / max(decode, 1e-9):.1f})"
        )
        verdict = "OK" if per_minute <= SPEED_GOAL else "ABOVE GOAL"
        print(f"diarize: {per_minute:.2f} s per audio minute (goal <= {SPEED_GOAL}) {verdict}")
        # On a machine shared with other work the wall clock says little; CPU time is what we use.
        cpu_verdict = "OK" if cpu / (seconds / 60) <= SPEED_GOAL else "ABOVE GOAL"
        print(f"diarize CPU time: {cpu / (seconds / 60):.2f} s per audio minute {cpu_verdict}")
        if args.hours <= 0:
            return
        long_file = folder / "long.wav"
        long_seconds = repeat_wav(folder / "once.wav", long_file, args.hours * 3600)
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(long_file)], check=True, capture_output=True, text=True
        ).stdout.split()
        growth, long_took, long_cpu = float(out[0]), float(out[1]), float(out[4])
        verdict = "OK" if growth <= MEMORY_GOAL_MB else "ABOVE GOAL"
        print(
            f"{long_seconds / 3600:.2f} h recording: peak memory growth {growth:.0f} MB "
            f"(goal <= {MEMORY_GOAL_MB}) {verdict}; {long_took:.0f} s, "
            f"{long_took / (long_seconds / 60):.2f} s per audio minute "
            f"(CPU {long_cpu / (long_seconds / 60):.2f}), {out[2]} speakers, {out[3]} windows"
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        memory_child(sys.argv[2])
    else:
        main()
