"""RunPod serverless queue API: submit a job, poll its status, cancel it, read endpoint health.

One attempt per call: the runner owns retries and backoff, and learns from the exception type
whether a failure is final (EngineRejected, EngineJobLost) or worth retrying (EngineUnavailable).
Facts this follows are in docs (RUNPOD.md): results vanish 30 minutes after completion, `ttl`
deletes a job even mid-run, outputs over ~20 MB come back as COMPLETED without `output`.
"""

from __future__ import annotations

import asyncio
import json
import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from scribedesk.config import Settings
from scribedesk.engines.base import (
    AudioRef,
    EngineError,
    EngineJobLost,
    EngineRejected,
    EngineState,
    EngineStatus,
    EngineSubmitUnknown,
    EngineUnavailable,
    TranscribeOptions,
)
from scribedesk.engines.catalog import ENGINES
from scribedesk.redact import redact

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
DEFAULT_EXECUTION_TIMEOUT_MS = 10 * MINUTE_MS
"""RunPod's own default; we never ask for less."""
MAX_POLICY_MS = 7 * 24 * HOUR_MS
UNKNOWN_DURATION_TIMEOUT_MS = 4 * HOUR_MS
"""When the audio length is unknown, allow a long interview on a slow cold start."""
RUN_DEADLINE = 180.0
"""Seconds a /run answer may take in all: generous, since a lost answer may mean a paid run we cannot see."""
CALL_DEADLINE = 60.0
"""Seconds any other call (status, cancel, health) may take in all, however slowly its bytes trickle."""

_STATES = {
    "IN_QUEUE": EngineState.QUEUED,
    "IN_PROGRESS": EngineState.RUNNING,
    "RUNNING": EngineState.RUNNING,
    "COMPLETED": EngineState.COMPLETED,
    "FAILED": EngineState.FAILED,
    "TIMED_OUT": EngineState.FAILED,
    "CANCELLED": EngineState.CANCELLED,
}


# --- the request body ------------------------------------------------------------------------


def execution_timeout_ms(duration: float | None) -> int:
    """10 minutes for loading models plus 1.5x the audio length; RunPod's 10-minute default is a floor."""
    if duration is None or duration <= 0 or not math.isfinite(duration):
        wanted = UNKNOWN_DURATION_TIMEOUT_MS
    else:
        wanted = DEFAULT_EXECUTION_TIMEOUT_MS + math.ceil(duration * 1.5 * 1000)
    return min(max(wanted, DEFAULT_EXECUTION_TIMEOUT_MS), MAX_POLICY_MS)


def ttl_ms(execution_ms: int) -> int:
    """ttl counts from submission and deletes the job even mid-run: a day of queueing on top of the run."""
    return min(max(24 * HOUR_MS, execution_ms + 24 * HOUR_MS), MAX_POLICY_MS)


def _audio_field(schema: str, audio: AudioRef) -> dict[str, str]:
    if audio.kind == "file":
        raise EngineRejected(
            "RunPod cannot read a file on this computer: configure object storage (RUNPOD_ACCESS_KEY, "
            "RUNPOD_SECRET_KEY, S3_BUCKET); AUDIO_SOURCE=inline only carries recordings under about 7 MB"
        )
    if schema == "kodxana":
        if audio.kind == "volume":
            # kodxana's worker downloads anything with "://" and base64-decodes everything else.
            raise EngineRejected(
                "kodxana's WhisperX worker reads audio_file as a URL or base64, not a network-volume path: "
                "use AUDIO_SOURCE=url with a store that supports presigned URLs, or AUDIO_SOURCE=inline"
            )
        return {"audio_file": audio.value}
    if schema == "faster-whisper" and audio.kind == "inline":
        return {"audio_base64": audio.value}
    return {"audio": audio.value}


def _input_fields(schema: str, options: TranscribeOptions) -> dict[str, Any]:
    o = options
    if schema == "kodxana":
        return {
            "language": o.language,
            "initial_prompt": o.initial_prompt,
            "batch_size": o.batch_size,
            "align_output": o.align,
            "diarization": o.diarize,
            "min_speakers": o.min_speakers if o.diarize else None,
            "max_speakers": o.max_speakers if o.diarize else None,
        }
    if schema == "faster-whisper":
        return {
            "model": o.model,
            "language": o.language,
            "initial_prompt": o.initial_prompt,
            "word_timestamps": True,
            "enable_vad": True,
        }
    return {
        "language": o.language,
        "diarize": o.diarize,
        "align": o.align,
        "batch_size": o.batch_size,
        "model": o.model,
        "min_speakers": o.min_speakers if o.diarize else None,
        "max_speakers": o.max_speakers if o.diarize else None,
        "initial_prompt": o.initial_prompt,
    }


def build_payload(
    settings: Settings, audio: AudioRef, options: TranscribeOptions, job_key: str | None = None
) -> dict[str, Any]:
    """The /run body for the configured worker schema; only keys with values (the SDK rejects the rest)."""
    schema = settings.worker_schema
    fields = {**_audio_field(schema, audio), **_input_fields(schema, options)}
    if schema == "whisperx":  # our worker answers a repeated key from <volume>/scribedesk/<key>/output.json
        fields["job_key"] = job_key
    execution = execution_timeout_ms(audio.duration)
    return {
        "input": {k: v for k, v in fields.items() if v is not None and v != ""},
        "policy": {"executionTimeout": execution, "ttl": ttl_ms(execution)},
    }


# --- reading answers -------------------------------------------------------------------------


def error_text(error: Any) -> str:
    """RunPod's `error`: plain text, a JSON string with error_type/error_message, a dict, or a list."""
    if isinstance(error, str):
        stripped = error.strip()
        if stripped.startswith(("{", "[")):
            try:
                return error_text(json.loads(stripped))
            except ValueError:
                pass
        return stripped
    if isinstance(error, dict):
        message = error.get("error_message") or error.get("message") or error.get("error")
        if message:
            kind = str(error.get("error_type") or "")
            # error_type looks like "<class 'RuntimeError'>"; the bare name is enough.
            name = kind.split("'")[1] if kind.count("'") >= 2 else kind
            text = error_text(message)
            return f"{name}: {text}" if name else text
        return json.dumps(error, ensure_ascii=False)
    if isinstance(error, list):
        return "; ".join(error_text(e) for e in error)
    return str(error)


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _completed(output: Any) -> EngineStatus:
    if isinstance(output, list) and len(output) == 1:
        output = output[0]  # a generator handler's single yield
    if output is None or output == {} or output == []:
        return EngineStatus(
            EngineState.FAILED,
            error="The worker finished but returned no output (RunPod drops outputs over ~20 MB; "
            "a very long recording may need splitting, or the worker returned nothing)",
            extra={"no_output": True},  # our worker left it on the volume: the runner looks there
        )
    if not isinstance(output, dict):
        return EngineStatus(
            EngineState.FAILED, error=f"The worker returned {type(output).__name__} output, not a transcript"
        )
    if output.get("error"):
        return EngineStatus(
            EngineState.FAILED, error=f"The worker reported an error: {error_text(output['error'])}"
        )
    return EngineStatus(EngineState.COMPLETED, progress=1.0, output=output)


def _running(body: dict[str, Any], state: EngineState) -> EngineStatus:
    if state is EngineState.QUEUED:
        return EngineStatus(state, step="Waiting for a RunPod worker (a cold start can take a few minutes)")
    status = EngineStatus(state, step="Transcribing on RunPod")
    progress = body.get("output")  # a worker's progress_update() shows up here while it runs
    if isinstance(progress, str) and progress.strip():
        status.step = progress.strip()[:200]
    elif isinstance(progress, dict) and isinstance(progress.get("progress"), int | float):
        value = float(progress["progress"])
        status.progress = max(0.0, min(1.0, value / 100 if value > 1 else value))
    return status


def status_from_answer(body: dict[str, Any]) -> EngineStatus:
    """Map one /status answer to an EngineStatus."""
    raw = str(body.get("status") or "")
    state = _STATES.get(raw)
    if raw == "COMPLETED":
        status = _completed(body.get("output"))
    elif raw == "TIMED_OUT":
        status = EngineStatus(
            EngineState.FAILED,
            error="RunPod stopped the job: it hit its executionTimeout"
            + (f" ({error_text(body['error'])})" if body.get("error") else ""),
        )
    elif raw == "FAILED":
        detail = error_text(body["error"]) if body.get("error") else "no error text was given"
        status = EngineStatus(EngineState.FAILED, error=f"The RunPod worker failed: {detail}")
    elif raw == "CANCELLED":
        status = EngineStatus(EngineState.CANCELLED, step="Cancelled on RunPod")
    elif state is not None:
        status = _running(body, state)
    else:
        # A status this code does not know yet: keep polling rather than guess an ending.
        status = EngineStatus(EngineState.RUNNING, step=f"RunPod says {raw or 'nothing'}")
    status.delay_time_ms = _int_or_none(body.get("delayTime"))
    status.execution_time_ms = _int_or_none(body.get("executionTime"))
    if body.get("workerId"):
        status.extra["worker_id"] = str(body["workerId"])
    return status


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is either seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


# --- the engine ------------------------------------------------------------------------------


class RunPodEngine:
    """RunPod serverless endpoint running a WhisperX (or faster-whisper) worker."""

    traits = ENGINES["runpod"]
    name = traits.name
    resumable = traits.resumable
    needs_storage = traits.needs_storage

    def __init__(
        self,
        settings: Settings,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        run_deadline: float = RUN_DEADLINE,
        call_deadline: float = CALL_DEADLINE,
    ) -> None:
        self._settings = settings
        self._endpoint = settings.runpod_endpoint_id
        self._deadlines = {"run": run_deadline, "other": call_deadline}
        key = settings.runpod_api_key.get_secret_value() if settings.runpod_api_key else ""
        self._client = httpx.AsyncClient(
            base_url=f"{settings.runpod_api_url.rstrip('/')}/{self._endpoint}",
            headers={"Authorization": f"Bearer {key}", "Accept": "application/json"},
            # httpx's timeouts count per read; the deadline in _call bounds the whole exchange.
            timeout=httpx.Timeout(max(run_deadline, call_deadline), connect=10.0),
            transport=transport,
            follow_redirects=False,
        )

    async def submit(self, audio: AudioRef, options: TranscribeOptions, job_key: str | None = None) -> str:
        self._require_config()
        payload = build_payload(self._settings, audio, options, job_key)
        body = await self._call("POST", "/run", "run", payload=payload)
        job_id = body.get("id")
        if not isinstance(job_id, str) or not job_id:
            raise EngineUnavailable("RunPod accepted the job but sent back no job id")
        return job_id

    async def poll(self, handle: str) -> EngineStatus:
        self._require_config()
        return status_from_answer(await self._call("GET", f"/status/{handle}", "status", handle=handle))

    async def cancel(self, handle: str) -> None:
        self._require_config()
        try:
            await self._call("POST", f"/cancel/{handle}", "cancel", handle=handle)
        except EngineJobLost:
            return  # nothing left to cancel

    async def health(self) -> dict[str, Any]:
        if not self._settings.runpod_configured:
            return {"reachable": False, "configured": False, "error": _NOT_CONFIGURED}
        try:
            body = await self._call("GET", "/health", "health")
        except EngineError as e:
            return {"reachable": False, "configured": True, "error": str(e)}
        workers = _dict_at(body, "workers")
        jobs = _dict_at(body, "jobs")
        return {
            "reachable": True,
            "configured": True,
            "endpoint_id": self._endpoint,
            "workers": {k: workers.get(k, 0) for k in ("idle", "running")} | dict(workers),
            "jobs": {k: jobs.get(k, 0) for k in ("inQueue", "inProgress")} | dict(jobs),
        }

    async def aclose(self) -> None:
        await self._client.aclose()

    # --- one HTTP exchange -----------------------------------------------------------------
    def _require_config(self) -> None:
        if not self._settings.runpod_configured:
            raise EngineRejected(_NOT_CONFIGURED)

    async def _call(
        self, method: str, path: str, call: str, payload: Any = None, handle: str | None = None
    ) -> dict[str, Any]:
        deadline = self._deadlines["run" if call == "run" else "other"]
        try:
            async with asyncio.timeout(deadline):
                response = await self._client.request(method, path, json=payload)
        except (TimeoutError, httpx.HTTPError) as e:
            raise _transport_error(e, call, deadline) from e
        if response.status_code >= 400:
            raise self._http_error(response, call, handle)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise EngineUnavailable(
                f"RunPod sent an answer that is not a JSON object ({call}, HTTP {response.status_code})"
            )
        return body

    def _http_error(self, response: httpx.Response, call: str, handle: str | None) -> EngineError:
        code = response.status_code
        text = self._scrub(_answer_text(response))
        said = f": {text}" if text else ""
        if code in (401, 403):
            return EngineRejected(f"RunPod rejected the API key (HTTP {code}) — check RUNPOD_API_KEY")
        if code == 404 and handle is not None:
            return EngineJobLost(
                f"RunPod no longer knows job {handle}: results are deleted 30 minutes after completion, "
                "or the job's ttl expired"
            )
        if code == 404:
            return EngineRejected(
                f"RunPod has no endpoint '{self._endpoint}' (HTTP 404) — check RUNPOD_ENDPOINT_ID"
            )
        if code == 429:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            return EngineUnavailable(f"RunPod is rate-limiting {call} requests (HTTP 429)", retry_after=wait)
        if code == 413:
            return EngineRejected(f"RunPod refused the request as too large (HTTP 413, limit 10 MB){said}")
        if code >= 500:
            return EngineUnavailable(f"RunPod had a server error on {call} (HTTP {code}){said}")
        return EngineRejected(f"RunPod refused the {call} request (HTTP {code}){said}")

    def _scrub(self, text: str) -> str:
        return redact(text, self._settings.secret_values())


def _transport_error(e: Exception, call: str, deadline: float) -> EngineUnavailable:
    """No usable answer. A submit that went out may have queued (and will bill) a job we have no id for."""
    why = f"no complete answer within {deadline:g} s" if isinstance(e, TimeoutError) else type(e).__name__
    never_sent = isinstance(e, httpx.ConnectError | httpx.ConnectTimeout | httpx.UnsupportedProtocol)
    if call == "run" and not never_sent:
        return EngineSubmitUnknown(f"RunPod did not answer the submit ({why}); the job may exist")
    if isinstance(e, TimeoutError | httpx.TimeoutException):
        return EngineUnavailable(f"RunPod did not answer in time ({call}: {why})")
    return EngineUnavailable(f"Could not reach RunPod ({call}: {why})")


_NOT_CONFIGURED = "RunPod is not configured: set RUNPOD_API_KEY and RUNPOD_ENDPOINT_ID"


def _dict_at(body: dict[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key)
    return value if isinstance(value, dict) else {}


def _answer_text(response: httpx.Response) -> str:
    """RunPod's explanation from an error answer, short."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300]
    if isinstance(body, dict):
        for key in ("error", "message", "detail"):
            if body.get(key):
                return error_text(body[key])[:300]
    return json.dumps(body, ensure_ascii=False)[:300]
