"""Benchmark: the panel's local engine against bare faster-whisper on the same 3-minute recording.

Run by hand from the repository root:  .venv/bin/python bench/local_engine.py [--minutes 3]

Makes an espeak-ng recording (AAC in .m4a, like a phone), transcribes it with bare faster-whisper
(model load + transcription, the same settings the local engine uses), then through the real
panel in a subprocess (upload -> POST /api/transcribe -> poll /api/status -> /api/results), and
prints both times, the ratio (goal <= 1.15) and the real-time factor of each.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.audio import concat_wav, make_m4a, silence_wav, speak_wav, wav_duration  # noqa: E402
from tests.support.models import TINY_EN  # noqa: E402
from tests.support.servers import free_port  # noqa: E402

SENTENCES = [
    "Hello world. Thank you for joining this interview today.",
    "We will talk about your work, your family and the town where you grew up.",
    "Could you tell me how you started working at the factory?",
    "I started there in the spring, when I was nineteen years old.",
    "The work was hard, but the people were kind and the pay was fair.",
    "What changed when the new owners arrived a few years later?",
    "They brought machines from abroad and many of us had to learn again.",
    "Some of my friends left for the city, but I decided to stay.",
]
GOAL = 1.15


def make_recording(folder: Path, minutes: float) -> tuple[Path, float]:
    parts: list[Path] = []
    gap = silence_wav(folder / "gap.wav", 0.6)
    spoken = [speak_wav(s, folder / f"s{i}.wav") for i, s in enumerate(SENTENCES)]
    total = 0.0
    while total < minutes * 60:
        for part in spoken:
            parts += [part, gap]
            total += wav_duration(part) + 0.6
    wav = concat_wav(parts, folder / "interview.wav")
    return make_m4a(wav, folder / "interview.m4a"), wav_duration(wav)


def bare(model_dir: Path, audio: Path) -> tuple[float, int]:
    """faster-whisper as the local engine calls it; returns seconds and the number of words."""
    from faster_whisper import WhisperModel

    start = time.perf_counter()
    model = WhisperModel(str(model_dir), device="cpu", compute_type="int8")
    segments, _ = model.transcribe(
        str(audio), language="en", vad_filter=True, condition_on_previous_text=False, word_timestamps=True
    )
    words = sum(len(s.words or []) for s in segments)
    return time.perf_counter() - start, words


def start_panel(model_dir: Path, work: Path) -> tuple[subprocess.Popen[bytes], str]:
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = dict(
        os.environ,
        ENGINE="local",
        LOCAL_MODEL=str(model_dir),
        LOCAL_DEVICE="cpu",
        LOCAL_COMPUTE_TYPE="int8",
        UPLOAD_DIR=str(work / "uploads"),
        RESULTS_DIR=str(work / "results"),
        PYTHONPATH=str(ROOT),
    )
    # cwd is the temp folder so a developer's .env cannot change the settings under test.
    cmd = [sys.executable, str(ROOT / "server.py"), "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the panel exited during start-up")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("the panel did not start")


def through_panel(url: str, audio: Path) -> tuple[float, int, float]:
    """Upload, start, poll until completed; returns seconds, the number of words, and upload seconds."""
    with httpx.Client(base_url=url, timeout=120) as client:
        start = time.perf_counter()
        with audio.open("rb") as f:
            r = client.post("/api/upload", files={"file": (audio.name, f, "audio/mp4")})
        r.raise_for_status()
        job_id = r.json()["job_id"]
        while client.get(f"/api/status/{job_id}").json()["status"] not in ("uploaded", "failed"):
            time.sleep(0.05)
        uploaded = time.perf_counter() - start
        client.post(f"/api/transcribe/{job_id}", json={"language": "en", "diarize": False}).raise_for_status()
        while True:
            status = client.get(f"/api/status/{job_id}").json()
            if status["status"] in ("completed", "failed", "cancelled"):
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        if status["status"] != "completed":
            raise SystemExit(f"panel job ended {status['status']}: {status.get('error')}")
        result = client.get(f"/api/results/{job_id}").json()
    transcript = result.get("transcript", result)
    words = sum(len(s.get("words", [])) for s in transcript.get("segments", []))
    return elapsed, words, uploaded


def one_round(model_dir: Path, work: Path, audio: Path) -> tuple[float, float, float, int, int]:
    """Bare then panel, both cold (fresh model load); the OS file cache is warm for both."""
    bare_s, bare_words = bare(model_dir, audio)
    proc, url = start_panel(model_dir, work)
    try:
        panel_s, panel_words, upload_s = through_panel(url, audio)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return bare_s, panel_s, upload_s, bare_words, panel_words


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=2, help="rounds; the best time of each side counts")
    args = parser.parse_args()
    model_dir = TINY_EN
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        audio, duration = make_recording(work, args.minutes)
        print(f"recording: {audio.name}, {duration:.1f} s of espeak-ng speech; model tiny.en, cpu int8")
        # Best of N: on a shared machine the minimum is the least disturbed measurement.
        rounds = [one_round(model_dir, work / f"round{i}", audio) for i in range(args.repeat)]

    bare_s = min(r[0] for r in rounds)
    panel_s = min(r[1] for r in rounds)
    upload_s = min(r[2] for r in rounds)
    bare_words, panel_words = rounds[0][3], rounds[0][4]
    ratio = panel_s / bare_s
    print(f"bare faster-whisper : {bare_s:7.2f} s  RTF {bare_s / duration:.3f}  ({bare_words} words)")
    print(f"through the panel   : {panel_s:7.2f} s  RTF {panel_s / duration:.3f}  ({panel_words} words)")
    print(f"  of which upload   : {upload_s:7.2f} s")
    print(f"ratio panel / bare  : {ratio:.3f}  (goal <= {GOAL})  {'OK' if ratio <= GOAL else 'OVER GOAL'}")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
