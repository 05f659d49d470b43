"""A fake of RunPod's real serverless queue API (/v2/{endpoint}/run, status, cancel, retry, health).

Served over real HTTP on 127.0.0.1 (`run_fake_runpod()`), so the engine under test speaks to it exactly
as it would to api.runpod.ai. Jobs move IN_QUEUE -> IN_PROGRESS -> final over status polls (or over
time); faults come on demand: HTTP errors with Retry-After, expired jobs (404), completed without
output, FAILED with a plain or SDK-style JSON error, TIMED_OUT. It can also validate `input` the way
the runpod SDK validator in the public workers does (unknown keys and wrong types -> FAILED).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from tests.support.servers import serve
from tests.support.whisperx_output import whisperx_output

FINAL = {"COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"}
NO_OUTPUT = "__no_output__"
"""Use as `output=` of an Ending: COMPLETED without an `output` key (RunPod drops outputs over ~20 MB)."""
QUOTE_INPUT = "__quote_input__"
"""Use as `error=` of an Ending: the error quotes the job's audio input, as a failed download does."""

# key -> (type, required); the input schemas of the workers RUNPOD.md describes.
SCHEMAS: dict[str, dict[str, tuple[type, bool]]] = {
    "whisperx": {
        "audio": (str, True),
        "language": (str, False),
        "diarize": (bool, False),
        "align": (bool, False),
        "batch_size": (int, False),
        "model": (str, False),
        "min_speakers": (int, False),
        "max_speakers": (int, False),
        "initial_prompt": (str, False),
        "job_key": (str, False),
    },
    "kodxana": {
        "audio_file": (str, True),
        "language": (str, False),
        "language_detection_min_prob": (float, False),
        "language_detection_max_tries": (int, False),
        "initial_prompt": (str, False),
        "batch_size": (int, False),
        "temperature": (float, False),
        "vad_onset": (float, False),
        "vad_offset": (float, False),
        "align_output": (bool, False),
        "diarization": (bool, False),
        "huggingface_access_token": (str, False),
        "min_speakers": (int, False),
        "max_speakers": (int, False),
        "debug": (bool, False),
    },
    "faster-whisper": {
        "audio": (str, False),
        "audio_base64": (str, False),
        "model": (str, False),
        "transcription": (str, False),
        "translate": (bool, False),
        "translation": (str, False),
        "language": (str, False),
        "temperature": (float, False),
        "best_of": (int, False),
        "beam_size": (int, False),
        "patience": (float, False),
        "length_penalty": (float, False),
        "suppress_tokens": (str, False),
        "initial_prompt": (str, False),
        "condition_on_previous_text": (bool, False),
        "temperature_increment_on_fallback": (float, False),
        "compression_ratio_threshold": (float, False),
        "logprob_threshold": (float, False),
        "no_speech_threshold": (float, False),
        "enable_vad": (bool, False),
        "word_timestamps": (bool, False),
    },
}


def validate_input(raw: dict[str, Any], schema: dict[str, tuple[type, bool]]) -> list[str]:
    """Error strings worded like runpod's rp_validator (unknown keys, required keys, types)."""
    errors = [f"Unexpected input. {key} is not a valid input option." for key in raw if key not in schema]
    for key, (kind, required) in schema.items():
        if key not in raw:
            if required:
                errors.append(f"{key} is a required input.")
            continue
        value = raw[key]
        if kind is float:  # the SDK accepts an int where a float is expected
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        elif kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, kind)
        if not ok:
            errors.append(f"{key} should be {kind} type, not {type(value)}.")
    return errors


def sdk_error(message: str, error_type: str = "<class 'RuntimeError'>") -> str:
    """The `error` string RunPod shows when a handler raised: JSON with error_type/error_message."""
    return json.dumps(
        {
            "error_type": error_type,
            "error_message": message,
            "error_traceback": f'Traceback (most recent call last):\n  File "handler.py"\n{message}\n',
            "hostname": "abc123-64411ce6",
            "worker_id": "abc123",
            "runpod_version": "1.12.0",
        }
    )


@dataclass
class Ending:
    """How a job ends: COMPLETED with `output` (or NO_OUTPUT), FAILED/TIMED_OUT with `error`."""

    status: str = "COMPLETED"
    output: Any = None
    error: Any = None


@dataclass
class FakeJob:
    id: str
    payload: dict[str, Any]
    ending: Ending
    status: str = "IN_QUEUE"
    polls: int = 0
    submitted: float = field(default_factory=time.monotonic)
    expired: bool = False
    retries: int = 0
    from_volume: bool = False
    """Answered from the volume's output.json (the worker's exactly-once contract): no paid work."""


@dataclass
class Fault:
    status: int
    body: Any = None
    retry_after: str | None = None


class FakeRunPod:
    """State of the fake endpoint; `app` is the FastAPI application serving it."""

    def __init__(
        self,
        endpoint_id: str = "fakeendpoint01",
        api_key: str = "rpa_FAKEKEY_0123456789abcdefghij",
        queued_polls: int = 1,
        running_polls: int = 1,
        seconds_per_state: float | None = None,
        schema: str | None = None,
        delay_time_ms: int = 2345,
        execution_time_ms: int = 61_500,
        default_output: dict[str, Any] | None = None,
    ) -> None:
        self.endpoint_id = endpoint_id
        self.api_key = api_key
        self.queued_polls = queued_polls
        self.running_polls = running_polls
        self.seconds_per_state = seconds_per_state
        """When set, states advance with time instead of polls."""
        self.schema = schema
        """When set (whisperx, kodxana, faster-whisper), inputs are validated like the SDK does."""
        self.delay_time_ms = delay_time_ms
        self.execution_time_ms = execution_time_ms
        self.default_output = default_output if default_output is not None else whisperx_output("ru")
        self.api_url = ""
        self.jobs: dict[str, FakeJob] = {}
        self.submissions: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self._next_endings: list[Ending] = []
        self._faults: dict[str, list[Fault]] = {}
        self.run_delay = 0.0
        """Seconds /run waits before answering, after the job exists (a slow answer, not a lost job)."""
        self._trickles: dict[str, list[float]] = {}
        self.volume: Any = None
        """An S3Info (moto) standing for the network volume: our worker's output.json contract runs on it."""
        self.expire_when_done = False
        """Forget a job the moment it ends, as if the panel polled again after RunPod's 30 minutes."""
        self.transcriptions = 0
        """Jobs that did paid work (reached COMPLETED or FAILED other than from the volume's output.json)."""
        self._lock = threading.RLock()
        self.app = self._build_app()

    # --- arranging -------------------------------------------------------------------------
    @property
    def next_result(self) -> dict[str, Any] | None:
        with self._lock:
            return self._next_endings[0].output if self._next_endings else None

    @next_result.setter
    def next_result(self, output: dict[str, Any]) -> None:
        self.end_next(Ending("COMPLETED", output=output))

    def end_next(self, ending: Ending) -> None:
        """The next submitted job ends this way (queue them for several jobs)."""
        with self._lock:
            self._next_endings.append(ending)

    def set_ending(self, job_id: str, ending: Ending) -> None:
        with self._lock:
            self.jobs[job_id].ending = ending

    def fail_next(
        self,
        route: str,
        status: int,
        *,
        times: int = 1,
        retry_after: float | str | None = None,
        body: Any = None,
    ) -> None:
        """The next `times` calls to route (run, status, cancel, retry, health) answer `status`."""
        fault = Fault(status, body, None if retry_after is None else str(retry_after))
        with self._lock:
            self._faults.setdefault(route, []).extend([fault] * times)

    def trickle_next(self, route: str, byte_interval: float, *, times: int = 1) -> None:
        """The next `times` answers on route come one byte every `byte_interval` seconds."""
        with self._lock:
            self._trickles.setdefault(route, []).extend([byte_interval] * times)

    def _trickled(self, route: str, answer: JSONResponse) -> Response:
        with self._lock:
            pending = self._trickles.get(route)
            interval = pending.pop(0) if pending else None
        if interval is None:
            return answer
        body = bytes(answer.body)

        async def drip() -> Any:
            for i in range(len(body)):
                yield body[i : i + 1]
                await asyncio.sleep(interval)

        return StreamingResponse(drip(), status_code=answer.status_code, media_type="application/json")

    def expire(self, job_id: str) -> None:
        """Forget the job, as RunPod does 30 minutes after completion or when ttl runs out."""
        with self._lock:
            self.jobs[job_id].expired = True

    def settings_overrides(self) -> dict[str, Any]:
        return {
            "runpod_api_key": self.api_key,
            "runpod_endpoint_id": self.endpoint_id,
            "runpod_api_url": self.api_url,
        }

    # --- the state machine -----------------------------------------------------------------
    def _advance(self, job: FakeJob) -> None:
        if job.status in FINAL:
            return
        job.polls += 1
        if self.seconds_per_state is not None:
            step = int((time.monotonic() - job.submitted) / self.seconds_per_state)
            job.status = ["IN_QUEUE", "IN_PROGRESS"][step] if step < 2 else job.ending.status
        elif job.polls <= self.queued_polls:
            job.status = "IN_QUEUE"
        elif job.polls <= self.queued_polls + self.running_polls:
            job.status = "IN_PROGRESS"
        else:
            job.status = job.ending.status
        if job.status in FINAL and job.status != "CANCELLED" and not job.from_volume:
            self.transcriptions += 1
            self._save_to_volume(job)
        if job.status in FINAL and self.expire_when_done:
            job.expired = True

    def _volume_key(self, job: FakeJob | dict[str, Any]) -> str | None:
        payload = job.payload if isinstance(job, FakeJob) else job
        key = (payload.get("input") or {}).get("job_key")
        return f"scribedesk/{key}/output.json" if isinstance(key, str) and self.volume is not None else None

    def _save_to_volume(self, job: FakeJob) -> None:
        """Our worker writes its complete output to the volume before returning (issue 9's contract)."""
        key = self._volume_key(job)
        output = self.default_output if job.ending.output == NO_OUTPUT else job.ending.output
        if key is not None and job.status == "COMPLETED" and isinstance(output, dict):
            body = json.dumps(output).encode()
            self.volume.client().put_object(Bucket=self.volume.bucket, Key=key, Body=body)

    def _from_volume(self, payload: dict[str, Any]) -> Any:
        key = self._volume_key(payload)
        if key is None:
            return None
        try:
            got = self.volume.client().get_object(Bucket=self.volume.bucket, Key=key)
        except Exception:  # NoSuchKey: this job key never finished
            return None
        return json.loads(got["Body"].read())

    def tick(self) -> None:
        """Move time-driven jobs along with nobody polling (a job whose id the panel never learnt)."""
        if self.seconds_per_state is None:
            return
        with self._lock:
            for job in list(self.jobs.values()):
                if job.status not in FINAL:
                    self._advance(job)

    def _view(self, job: FakeJob) -> dict[str, Any]:
        body: dict[str, Any] = {"id": job.id, "status": job.status}
        if job.status != "IN_QUEUE":
            body["delayTime"] = self.delay_time_ms
            body["workerId"] = "fakeworker42"
        if job.status in FINAL and job.status != "CANCELLED":
            body["executionTime"] = self.execution_time_ms
            if job.status == "COMPLETED" and job.ending.output != NO_OUTPUT:
                body["output"] = job.ending.output
            if job.ending.error is not None:
                body["error"] = job.ending.error
        return body

    def _ending_for(self, payload: dict[str, Any]) -> Ending:
        ending = self._next_endings.pop(0) if self._next_endings else Ending(output=self.default_output)
        if self.schema is not None:
            errors = validate_input(payload.get("input") or {}, SCHEMAS[self.schema])
            if errors:
                # The public workers return {"error": errors}; the SDK turns that into FAILED.
                return Ending("FAILED", error=errors)
        if ending.status == "COMPLETED" and ending.output is None:
            ending.output = self.default_output
        if ending.error == QUOTE_INPUT:
            given = payload.get("input") or {}
            audio = given.get("audio") or given.get("audio_file") or ""
            ending = Ending(ending.status, ending.output, f"Could not download {audio}: HTTP 403 Forbidden")
        return ending

    # --- HTTP ------------------------------------------------------------------------------
    def _gate(self, request: Request, endpoint: str, route: str) -> Response | None:
        """Record the request; answer 401 / 404 / an injected fault, or None to carry on."""
        self.requests.append(
            {"method": request.method, "path": request.url.path, "headers": dict(request.headers)}
        )
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            return Response("Unauthorized", status_code=401)
        if endpoint != self.endpoint_id:
            return JSONResponse({"error": "endpoint not found"}, status_code=404)
        faults = self._faults.get(route)
        if faults:
            fault = faults.pop(0)
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else None
            if isinstance(fault.body, str):
                return Response(fault.body, status_code=fault.status, headers=headers)
            body = fault.body if fault.body is not None else {"error": f"injected HTTP {fault.status}"}
            return JSONResponse(body, status_code=fault.status, headers=headers)
        return None

    def _job(self, job_id: str) -> FakeJob | None:
        job = self.jobs.get(job_id)
        return None if job is None or job.expired else job

    def _build_app(self) -> FastAPI:
        app = FastAPI()
        missing = JSONResponse({"error": "request does not exist"}, status_code=404)

        @app.post("/v2/{endpoint}/run")
        async def run(endpoint: str, request: Request) -> Response:
            raw = await request.body()
            with self._lock:
                if (refused := self._gate(request, endpoint, "run")) is not None:
                    return refused
                if len(raw) > 10 * 1000 * 1000:
                    return JSONResponse({"error": "request body too large (10 MB limit)"}, status_code=413)
                try:
                    payload = json.loads(raw)
                except ValueError:
                    return JSONResponse({"error": "invalid JSON body"}, status_code=400)
                if not isinstance(payload, dict) or not isinstance(payload.get("input"), dict):
                    return JSONResponse({"error": "input is required and must be an object"}, status_code=400)
                self.submissions.append(payload)
                job = FakeJob(f"{uuid.uuid4()}-u1", payload, self._ending_for(payload))
                if (saved := self._from_volume(payload)) is not None:
                    job.ending, job.from_volume = Ending("COMPLETED", output=saved), True
                self.jobs[job.id] = job
                delay = self.run_delay
            if delay:
                await asyncio.sleep(delay)
            return self._trickled("run", JSONResponse({"id": job.id, "status": "IN_QUEUE"}))

        @app.get("/v2/{endpoint}/status/{job_id}")
        async def status(endpoint: str, job_id: str, request: Request) -> Response:
            with self._lock:
                if (refused := self._gate(request, endpoint, "status")) is not None:
                    return refused
                if (job := self._job(job_id)) is None:
                    return missing
                self._advance(job)
                view = JSONResponse(self._view(job))
            return self._trickled("status", view)

        @app.post("/v2/{endpoint}/cancel/{job_id}")
        async def cancel(endpoint: str, job_id: str, request: Request) -> Response:
            with self._lock:
                if (refused := self._gate(request, endpoint, "cancel")) is not None:
                    return refused
                if (job := self._job(job_id)) is None:
                    return missing
                if job.status not in FINAL:
                    job.status = "CANCELLED"
                return JSONResponse({"id": job.id, "status": job.status})

        @app.post("/v2/{endpoint}/retry/{job_id}")
        async def retry(endpoint: str, job_id: str, request: Request) -> Response:
            with self._lock:
                if (refused := self._gate(request, endpoint, "retry")) is not None:
                    return refused
                if (job := self._job(job_id)) is None:
                    return missing
                if job.status not in ("FAILED", "TIMED_OUT"):
                    return JSONResponse(
                        {"error": "only FAILED or TIMED_OUT jobs can be retried"}, status_code=400
                    )
                job.status, job.polls, job.submitted = "IN_QUEUE", 0, time.monotonic()
                job.retries += 1
                job.ending = self._ending_for(job.payload)
                return JSONResponse({"id": job.id, "status": "IN_QUEUE"})

        @app.get("/v2/{endpoint}/health")
        async def health(endpoint: str, request: Request) -> Response:
            with self._lock:
                if (refused := self._gate(request, endpoint, "health")) is not None:
                    return refused
                return JSONResponse(self._health())

        return app

    def _health(self) -> dict[str, Any]:
        counts = {
            s: sum(1 for j in self.jobs.values() if j.status == s)
            for s in FINAL | {"IN_QUEUE", "IN_PROGRESS"}
        }
        running = counts["IN_PROGRESS"]
        return {
            "jobs": {
                "completed": counts["COMPLETED"],
                "failed": counts["FAILED"] + counts["TIMED_OUT"],
                "inProgress": running,
                "inQueue": counts["IN_QUEUE"],
                "retried": sum(j.retries for j in self.jobs.values()),
            },
            "workers": {"idle": 0 if running else 1, "running": running},
        }


@contextmanager
def run_fake_runpod(**opts: Any) -> Iterator[FakeRunPod]:
    """Serve a FakeRunPod on 127.0.0.1; `fake.api_url` is the value for RUNPOD_API_URL."""
    fake = FakeRunPod(**opts)
    stop = threading.Event()

    def ticker() -> None:
        while not stop.wait(0.02):
            fake.tick()

    thread = threading.Thread(target=ticker, daemon=True)
    thread.start()
    with serve(fake.app) as base:
        fake.api_url = f"{base}/v2"
        try:
            yield fake
        finally:
            stop.set()
            thread.join(timeout=5)
