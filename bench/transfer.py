"""Transfer benchmark: an hour of speech from the end of the browser upload to the object in storage.

Starts moto's S3 server and puts a TCP proxy of our own in front of it on 127.0.0.1 (tests/support/
tcp_proxy.py: it counts the bytes that reach moto and can throttle them, like a home uplink). Generates
a one-hour 128 kbit/s AAC m4a of espeak-ng speech (kept in a cache folder outside the repository), then,
in one run, for each scenario: the panel (`python server.py`, S3_ENDPOINT_URL = the proxy) receives the
file over /api/upload and pushes it; then boto3's `upload_file` sends the original through the same
proxy. Prints:

- throttled (default 10 Mbit/s), TRANSCODE=auto: panel push time / boto3 time      (goal <= 0.3)
- unthrottled, TRANSCODE=off: panel throughput / boto3 throughput                    (goal >= 0.8)
- bytes the panel pushed / the source's size (counted at the proxy)                 (goal <= 0.25)
- the panel's peak RSS growth during a run / the file size                          (goal <= 0.05)
- tiny.en word error, Opus copy vs original, on a longer passage                    (goal: within 2 points)

Run: .venv/bin/python bench/transfer.py [--minutes 60] [--mbit 10] [--wer-minutes 2] [--skip-wer]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import av
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.upload import (  # noqa: E402
    BUCKET,
    Panel,
    PeakSampler,
    free_port,
    process,
    s3_client,
    server_env,
)
from scribedesk.transcode import encode_opus  # noqa: E402
from tests.support.audio import concat_wav, read_wav, silence_wav, speak_wav  # noqa: E402
from tests.support.models import TINY_EN  # noqa: E402
from tests.support.tcp_proxy import TcpProxy, tcp_proxy  # noqa: E402
from tests.support.wer import transcribe_tiny_en, word_error_rate  # noqa: E402

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "scribedesk-bench"
RATE = 44_100
PARAGRAPHS = [
    "Thank you for joining us today. Could you start by telling us a little about where you grew up and "
    "what your family did for a living?",
    "I grew up in a small town by the river. My father repaired boats and my mother taught at the "
    "primary school. In the summer we spent every evening on the water.",
    "When did you first become interested in engineering? Was there a particular moment that you "
    "remember, or did it grow slowly over the years?",
    "It grew slowly. I liked taking things apart, radios and clocks mostly, and my father let me help "
    "in the workshop. By the time I was fifteen I could rebuild a small engine on my own.",
    "Many listeners will want to know about the bridge project. How long did the planning take, and "
    "what were the hardest problems you had to solve along the way?",
    "The planning took almost four years. The river bed was softer than the surveys suggested, so we "
    "had to redesign the foundations twice, and the winter storms delayed the steel deliveries.",
    "Looking back, what would you do differently if you could start again tomorrow with the same team "
    "and the same budget?",
    "I would spend more time listening to the people who live near the site. They knew things about "
    "the river that no instrument told us, and we learned that far too late.",
]


# --- the recording ---------------------------------------------------------------------------


def speech_samples(folder: Path, paragraphs: list[str]) -> tuple[np.ndarray, str]:
    """The paragraphs spoken by two voices with pauses, as float samples at 44.1 kHz, and their text."""
    parts = []
    for i, text in enumerate(paragraphs):
        voice = "en-us" if i % 2 == 0 else "en-gb"
        parts.append(speak_wav(text, folder / f"p{i}.wav", voice=voice, speed=150 + 10 * (i % 3), rate=RATE))
        parts.append(silence_wav(folder / f"s{i}.wav", 0.8, rate=RATE))
    joined = concat_wav(parts, folder / "speech.wav")
    samples, _ = read_wav(joined)
    return samples, " ".join(paragraphs)


def write_m4a(samples: np.ndarray, seconds: float, dst: Path) -> Path:
    """`seconds` of the samples looped, as 128 kbit/s mono AAC in an .m4a (like a phone recorder)."""
    tmp = dst.with_suffix(".part")
    total = int(seconds * RATE)
    # A little noise, so the loop never gives the encoder digital silence to coast on.
    rng = np.random.default_rng(7)
    with av.open(str(tmp), "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=RATE)
        stream.layout = "mono"
        stream.bit_rate = 128_000
        written = 0
        while written < total:
            block = samples[: min(len(samples), total - written)]
            block = (block + rng.normal(0, 0.002, len(block))).astype(np.float32)
            for start in range(0, len(block), RATE):
                chunk = np.ascontiguousarray(block[start : start + RATE]).reshape(1, -1)
                frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="mono")
                frame.sample_rate = RATE
                frame.pts = written + start
                for packet in stream.encode(frame):
                    out.mux(packet)
            written += len(block)
        for packet in stream.encode(None):
            out.mux(packet)
    tmp.rename(dst)
    return dst


def hour_of_speech(minutes: float) -> Path:
    """The cached recording, generated on first use (never committed: it is ~58 MB)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    dst = CACHE / f"speech-{minutes:g}min-128k.m4a"
    if not dst.exists():
        print(f"generating {minutes:g} minutes of 128 kbit/s speech in {dst} …", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            samples, _ = speech_samples(Path(tmp), PARAGRAPHS)
            write_m4a(samples, minutes * 60, dst)
    return dst


# --- the runs --------------------------------------------------------------------------------


def boto3_push(endpoint: str, path: Path) -> float:
    client = s3_client(endpoint)
    started = time.perf_counter()
    client.upload_file(str(path), BUCKET, "baseline/audio.m4a")
    seconds = time.perf_counter() - started
    client.delete_object(Bucket=BUCKET, Key="baseline/audio.m4a")
    return seconds


def panel_push(proxy: TcpProxy, work: Path, audio: Path, transcode: str) -> dict[str, float]:
    """One panel process: warm it up, then upload `audio` and time the push to storage."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = server_env(proxy.url, work, 4 * audio.stat().st_size)
    env.update(TRANSCODE=transcode)
    cmd = [sys.executable, str(ROOT / "server.py"), "--host", "127.0.0.1", "--port", str(port)]
    log = work / f"server-{transcode}.log"
    with process(cmd, f"{base}/api/jobs", "panel server", log, cwd=work, env=env) as srv:
        panel = Panel(base, srv.pid)
        # Warm up with 5 minutes (~5 MB: every buffer, client and codec in use), so the RSS growth
        # measured next is what the long recording adds, not the first use of the code.
        warm = hour_of_speech(5)
        rate = proxy.limiter.rate
        proxy.set_rate(None)
        panel.client.delete(f"/api/jobs/{panel.upload(warm)[0]}")  # imports, clients, buffers
        proxy.set_rate(rate)
        time.sleep(0.5)
        proxy.reset()
        cpu_before = cpu_seconds(srv.pid)
        with PeakSampler(srv.pid) as sampler:
            job_id, received, done = panel.upload(audio)
        cpu = cpu_seconds(srv.pid) - cpu_before
        job = panel.client.get(f"/api/jobs/{job_id}").json()
        pushed_through_proxy = proxy.reset()
        panel.client.delete(f"/api/jobs/{job_id}")
        panel.client.close()
    return {
        "push_seconds": done - received,
        "bytes_sent": float(job["bytes_sent"] or 0),
        "proxy_bytes": float(pushed_through_proxy),
        "rss_growth": float(sampler.growth_bytes),
        "cpu_seconds": cpu,
    }


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def recognition(minutes: float) -> tuple[float, float, float]:
    """tiny.en word error on the original m4a and on its Opus copy, for a passage of about `minutes`."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        samples, text = speech_samples(folder, PARAGRAPHS)
        repeats = max(1, round(minutes * 60 / (len(samples) / RATE)))
        original = write_m4a(np.tile(samples, repeats), repeats * len(samples) / RATE, folder / "passage.m4a")
        copy = folder / "passage.opus"
        with copy.open("wb") as sink:
            encode_opus(original, sink)
        reference = " ".join([text] * repeats)
        wer_original = word_error_rate(reference, transcribe_tiny_en(TINY_EN, original))
        wer_opus = word_error_rate(reference, transcribe_tiny_en(TINY_EN, copy))
        return wer_original, wer_opus, repeats * len(samples) / RATE


# --- main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60, help="length of the recording (default 60)")
    parser.add_argument("--mbit", type=float, default=10, help="throttled uplink in Mbit/s (default 10)")
    parser.add_argument("--wer-minutes", type=float, default=2, help="passage length for the WER check")
    parser.add_argument("--skip-wer", action="store_true", help="leave out the recognition check")
    parser.add_argument(
        "--unthrottled-opus", action="store_true", help="also time TRANSCODE=auto unthrottled"
    )
    args = parser.parse_args(argv)
    audio = hour_of_speech(args.minutes)
    size = audio.stat().st_size
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="scribedesk-transfer-") as tmp:
        work = Path(tmp)
        moto_port = free_port()
        endpoint = f"http://127.0.0.1:{moto_port}"
        moto_cmd = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(moto_port)]
        with process(moto_cmd, f"{endpoint}/moto-api/", "moto server", work / "moto.log"):
            s3_client(endpoint).create_bucket(Bucket=BUCKET)
            with tcp_proxy(endpoint, args.mbit * 1e6 / 8) as proxy:
                print(f"throttled to {args.mbit:g} Mbit/s, TRANSCODE=auto …", flush=True)
                results["throttled"] = panel_push(proxy, work, audio, "auto")
                results["throttled_boto3"] = boto3_push(proxy.url, audio)
                proxy.set_rate(None)
                print("unthrottled, TRANSCODE=off …", flush=True)
                results["unthrottled"] = panel_push(proxy, work, audio, "off")
                results["unthrottled_boto3"] = boto3_push(proxy.url, audio)
                if args.unthrottled_opus:
                    print("unthrottled, TRANSCODE=auto …", flush=True)
                    results["unthrottled_opus"] = panel_push(proxy, work, audio, "auto")
    if not args.skip_wer:
        print(f"recognition check on about {args.wer_minutes:g} minutes of speech …", flush=True)
        results["wer"] = recognition(args.wer_minutes)
    report(args, size, results)
    return 0


def report(args: argparse.Namespace, size: int, r: dict[str, Any]) -> None:
    mib = 2**20
    ok = {True: "ok", False: "MISSED"}
    thr, thr_boto = r["throttled"], r["throttled_boto3"]
    unt, unt_boto = r["unthrottled"], r["unthrottled_boto3"]
    runs = [("throttled auto", thr), ("unthrottled off", unt)]
    print(f"\nrecording: {args.minutes:g} min, {size / mib:.1f} MiB (128 kbit/s AAC m4a)")
    ratio = thr["push_seconds"] / thr_boto
    print(
        f"throttled {args.mbit:g} Mbit/s: panel {thr['push_seconds']:.1f} s (Opus encode + push), "
        f"boto3 upload_file {thr_boto:.1f} s"
    )
    print(f"  panel time / boto3 time:       {ratio:.2f}  (goal <= 0.3: {ok[ratio <= 0.3]})")
    print(
        f"  panel CPU during receive+push: {thr['cpu_seconds']:.1f} s (the encode's floor on an idle core; "
        f"wall {thr['push_seconds']:.1f} s)"
    )
    pushed = thr["proxy_bytes"] / size
    print(
        f"  bytes pushed / source:         {pushed:.3f}  ({thr['bytes_sent'] / mib:.1f} MiB object, "
        f"{thr['proxy_bytes'] / mib:.1f} MiB on the wire; goal <= 0.25: {ok[pushed <= 0.25]})"
    )
    speed = unt_boto / unt["push_seconds"]
    print(
        f"unthrottled, TRANSCODE=off: panel {size / unt['push_seconds'] / mib:.1f} MiB/s "
        f"({unt['push_seconds']:.2f} s), boto3 {size / unt_boto / mib:.1f} MiB/s ({unt_boto:.2f} s)"
    )
    print(f"  throughput vs boto3:           {speed:.2f}  (goal >= 0.8: {ok[speed >= 0.8]})")
    if "unthrottled_opus" in r:
        unt_opus = r["unthrottled_opus"]
        runs.append(("unthrottled auto", unt_opus))
        print(
            f"unthrottled, TRANSCODE=auto: panel {unt_opus['push_seconds']:.1f} s, "
            f"{unt_opus['cpu_seconds']:.1f} s of CPU (the encode is the floor)"
        )
    growth = max(x["rss_growth"] for _, x in runs) / size
    each = ", ".join(f"{name} {x['rss_growth'] / mib:.1f} MiB" for name, x in runs)
    print(f"peak RSS growth / file size:     {growth:.3f}  (goal <= 0.05: {ok[growth <= 0.05]}; {each})")
    if "wer" in r:
        wer_original, wer_opus, seconds = r["wer"]
        gap = abs(wer_opus - wer_original) * 100
        print(
            f"tiny.en WER on {seconds / 60:.1f} min: original {wer_original:.1%}, Opus {wer_opus:.1%}  "
            f"(gap {gap:.1f} points; goal <= 2: {ok[gap <= 2]})"
        )
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1):
        print(f"note: load average {load:.1f} on {os.cpu_count()} CPUs — timings are noisy; rerun when idle")


if __name__ == "__main__":
    sys.exit(main())
