"""Upload benchmark: a big audio file through the panel's POST /api/upload into S3 (moto), against boto3.

Starts moto's S3 server and `python server.py` as subprocesses (settings from the environment, data in a
temporary folder), generates a WAV file of the given size, streams it to /api/upload from a generator
(never whole in memory), follows /api/events until the job is `uploaded` (the panel pushed it to S3),
then uploads the same file with boto3's upload_file to the same moto server. Prints:

- the panel's peak RSS growth during the upload divided by the file size   (goal <= 0.05)
- the panel's throughput (drop to `uploaded`) relative to boto3's           (goal >= 0.8)

Run: .venv/bin/python bench/upload.py [--size 1G] [--rounds 3] [--baseline-only]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import httpx

ROOT = Path(__file__).resolve().parent.parent
BUCKET = "bench-volume"
KEYS = {"access": "bench-access-key", "secret": "bench-secret-key-0123456789"}
CHUNK = 4 * 1024 * 1024


def parse_size(text: str) -> int:
    units = {"K": 1024, "M": 1024**2, "G": 1024**3}
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the file --------------------------------------------------------------------------------


def write_wav(path: Path, size: int, rate: int = 16_000) -> None:
    """A valid 16-bit mono PCM WAV of exactly `size` bytes, filled with noise (incompressible, like audio)."""
    data = max(size - 44, 2) // 2 * 2
    header = b"RIFF" + struct.pack("<I", 36 + data) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
    header += b"data" + struct.pack("<I", data)
    block = os.urandom(CHUNK)
    with path.open("wb") as f:
        f.write(header)
        left = data
        while left:
            n = min(left, CHUNK)
            f.write(block[:n])
            left -= n


def multipart_body(path: Path, boundary: str) -> tuple[Iterator[bytes], int]:
    """A streaming multipart/form-data body with one `file` field, and its exact length."""
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        "Content-Type: audio/wav\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def chunks() -> Iterator[bytes]:
        yield head
        with path.open("rb") as f:
            while block := f.read(CHUNK):
                yield block
        yield tail

    return chunks(), len(head) + path.stat().st_size + len(tail)


# --- processes -------------------------------------------------------------------------------


def wait_http(url: str, proc: subprocess.Popen[bytes], what: str, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise SystemExit(f"{what} exited early (code {proc.returncode}):\n{tail}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"{what} did not start within {timeout:.0f} s")


@contextmanager
def process(args: list[str], url: str, what: str, log: Path, **kw: Any) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, **kw)
    try:
        wait_http(url, proc, what, log)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def s3_client(endpoint: str) -> Any:
    return boto3.session.Session(
        aws_access_key_id=KEYS["access"], aws_secret_access_key=KEYS["secret"], region_name="us-east-1"
    ).client("s3", endpoint_url=endpoint)


def server_env(endpoint: str, data: Path, size: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNPOD_", "S3_", "AWS_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        ENGINE="local",
        FALLBACK_TO_LOCAL="false",
        UPLOAD_DIR=str(data / "uploads"),
        RESULTS_DIR=str(data / "results"),
        MAX_UPLOAD_MB=str(size // (1024 * 1024) + 16),
        RUNPOD_ACCESS_KEY=KEYS["access"],
        RUNPOD_SECRET_KEY=KEYS["secret"],
        S3_ENDPOINT_URL=endpoint,
        S3_BUCKET=BUCKET,
        S3_REGION="us-east-1",
        S3_MAX_ATTEMPTS="3",
        AUDIO_SOURCE="url",
    )
    return env


# --- memory ----------------------------------------------------------------------------------


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class PeakSampler:
    """Samples VmRSS every 20 ms; also resets and reads the kernel's high-water mark when allowed."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.baseline = rss_kb(pid)
        self.peak = self.baseline
        self.hwm_reset = self._reset_hwm()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _reset_hwm(self) -> bool:
        try:
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")  # 5 = reset the peak RSS
            return True
        except OSError:
            return False

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_kb(self.pid))

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        if self.hwm_reset:
            self.peak = max(self.peak, rss_kb(self.pid, "VmHWM"))

    @property
    def growth_bytes(self) -> int:
        return (self.peak - self.baseline) * 1024


# --- the two uploads -------------------------------------------------------------------------


class JobEvents:
    """Follows /api/events (Server-Sent Events) like the page does: no polling load on the server."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.ended: dict[str, tuple[str, float, str | None]] = {}
        self._changed = threading.Condition()
        threading.Thread(target=self._follow, daemon=True).start()

    def _follow(self) -> None:
        client = httpx.Client(timeout=httpx.Timeout(None, connect=10))
        try:
            with client, client.stream("GET", f"{self.base}/api/events") as stream:
                for line in stream.iter_lines():
                    if line.startswith("data: "):
                        self._seen(json.loads(line[6:]))
        except httpx.HTTPError:
            pass  # the server stopped at the end of the run

    def _seen(self, job: dict[str, Any]) -> None:
        if job.get("status") in ("uploaded", "failed", "cancelled"):
            with self._changed:
                self.ended.setdefault(job["job_id"], (job["status"], time.perf_counter(), job.get("error")))
                self._changed.notify_all()

    def wait(self, job_id: str) -> float:
        """When the job reached `uploaded` (perf_counter time)."""
        with self._changed:
            self._changed.wait_for(lambda: job_id in self.ended)
            status, when, error = self.ended[job_id]
        if status != "uploaded":
            raise SystemExit(f"upload job {status}: {error}")
        return when


class Panel:
    """The running panel server, driven over HTTP like the browser does."""

    def __init__(self, base: str, pid: int) -> None:
        self.pid = pid
        self.client = httpx.Client(base_url=base, timeout=httpx.Timeout(600, connect=10))
        self.events = JobEvents(base)
        self.boundary = "benchboundary" + os.urandom(8).hex()

    def upload(self, path: Path) -> tuple[str, float, float]:
        """POST the file and wait until the panel pushed it to S3: (job id, received at, uploaded at)."""
        body, length = multipart_body(path, self.boundary)
        headers = {
            "Content-Type": f"multipart/form-data; boundary={self.boundary}",
            "Content-Length": str(length),
        }
        answer = self.client.post("/api/upload", content=body, headers=headers)
        received = time.perf_counter()
        if answer.status_code != 201:
            raise SystemExit(f"upload refused: HTTP {answer.status_code} {answer.text[:300]}")
        job_id: str = answer.json()["job_id"]
        return job_id, received, self.events.wait(job_id)

    def measure(self, path: Path) -> dict[str, float]:
        with PeakSampler(self.pid) as sampler:
            started = time.perf_counter()
            job_id, received, done = self.upload(path)
        self.client.delete(f"/api/jobs/{job_id}")  # frees moto's copy too
        return {
            "seconds": done - started,
            "receive_seconds": received - started,
            "push_seconds": done - received,
            "rss_growth": sampler.growth_bytes,
            "hwm_reset": float(sampler.hwm_reset),
        }


def upload_with_boto3(endpoint: str, path: Path) -> float:
    client = s3_client(endpoint)
    started = time.perf_counter()
    client.upload_file(str(path), BUCKET, "baseline/audio.wav")
    seconds = time.perf_counter() - started
    client.delete_object(Bucket=BUCKET, Key="baseline/audio.wav")
    return seconds


# --- main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1G", help="file size, e.g. 1G, 256M (default 1G)")
    parser.add_argument("--rounds", type=int, default=1, help="alternate panel/boto3 this many times")
    parser.add_argument("--baseline-only", action="store_true", help="only time boto3 against moto")
    args = parser.parse_args(argv)
    size = parse_size(args.size)
    work = Path(tempfile.mkdtemp(prefix="scribedesk-bench-"))
    try:
        audio = work / "interview.wav"
        print(f"generating {size / 2**20:.0f} MiB WAV in {work} …", flush=True)
        write_wav(audio, size)
        moto_port = free_port()
        endpoint = f"http://127.0.0.1:{moto_port}"
        moto_cmd = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(moto_port)]
        with process(moto_cmd, f"{endpoint}/moto-api/", "moto server", work / "moto.log"):
            s3_client(endpoint).create_bucket(Bucket=BUCKET)
            if args.baseline_only:
                boto = upload_with_boto3(endpoint, audio)
                print(f"boto3 upload_file: {size / boto / 2**20:.1f} MiB/s ({boto:.2f} s)")
                return 0
            rounds = run_rounds(endpoint, work, audio, size, max(1, args.rounds))
        report(size, rounds)
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_rounds(
    endpoint: str, work: Path, audio: Path, size: int, count: int
) -> list[tuple[dict[str, float], float]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, str(ROOT / "server.py"), "--host", "127.0.0.1", "--port", str(port)]
    # cwd=work so no stray .env of the project is read.
    env = server_env(endpoint, work, size)
    rounds = []
    with process(cmd, f"{base}/api/jobs", "panel server", work / "server.log", cwd=work, env=env) as srv:
        panel = Panel(base, srv.pid)
        # Warm up (imports, the boto3 client, SQLite) so the baseline RSS is the steady state.
        write_wav(work / "warmup.wav", 64 * 1024)
        panel.client.delete(f"/api/jobs/{panel.upload(work / 'warmup.wav')[0]}")
        time.sleep(0.5)
        for i in range(count):
            # Alternate the order: a loaded machine or a warming moto should not favour one side.
            if i % 2:
                boto = upload_with_boto3(endpoint, audio)
                measured = panel.measure(audio)
            else:
                measured = panel.measure(audio)
                boto = upload_with_boto3(endpoint, audio)
            rounds.append((measured, boto))
            print(f"round {i + 1}: panel {measured['seconds']:.2f} s, boto3 {boto:.2f} s", flush=True)
        panel.client.close()
    return rounds


def report(size: int, rounds: list[tuple[dict[str, float], float]]) -> None:
    mib = 2**20
    panel, boto = sorted(rounds, key=lambda r: r[1] / r[0]["seconds"])[len(rounds) // 2]  # the median
    memory_ratio = max(r[0]["rss_growth"] for r in rounds) / size
    speed_ratio = boto / panel["seconds"]
    print(f"file size:                 {size / mib:.0f} MiB, {len(rounds)} round(s); median round shown")
    print(
        f"panel (drop -> uploaded):  {size / panel['seconds'] / mib:.1f} MiB/s ({panel['seconds']:.2f} s: "
        f"receive {panel['receive_seconds']:.2f} s + push to S3 {panel['push_seconds']:.2f} s)"
    )
    print(f"boto3 upload_file:         {size / boto / mib:.1f} MiB/s ({boto:.2f} s)")
    peak_how = "VmHWM after reset + VmRSS samples" if panel["hwm_reset"] else "VmRSS samples every 20 ms"
    print(f"server peak RSS growth:    {memory_ratio * size / mib:.1f} MiB (worst round; {peak_how})")
    verdict = {True: "ok", False: "MISSED"}
    print(f"RSS growth / file size:    {memory_ratio:.3f}  (goal <= 0.05: {verdict[memory_ratio <= 0.05]})")
    print(f"throughput vs boto3:       {speed_ratio:.2f}  (goal >= 0.8: {verdict[speed_ratio >= 0.8]})")
    print(f"push phase vs boto3:       {boto / panel['push_seconds']:.2f}  (the panel's S3 push alone)")
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1):
        print(f"note: load average {load:.1f} on {os.cpu_count()} CPUs — timings are noisy; rerun when idle")


if __name__ == "__main__":
    sys.exit(main())
