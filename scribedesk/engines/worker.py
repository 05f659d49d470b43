"""The self-hosted GPU worker (worker/app.py) over HTTP: pick the least busy worker, submit, poll.

WORKER_URL may list several workers. At submit every worker's /health is asked at once; the
live ones are tried from least to most busy, moving on when one is down. The handle is the job's
own URL on the worker that took it ("<worker base URL>/jobs/<id>"), so a poll after a panel
restart still goes to the right box. A local file is uploaded as a streamed multipart body; a
presigned URL is passed as `audio_url`.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from scribedesk.config import Settings
from scribedesk.engines.base import (
    AudioRef,
    EngineJobLost,
    EngineRejected,
    EngineState,
    EngineStatus,
    EngineUnavailable,
    TranscribeOptions,
)
from scribedesk.engines.catalog import ENGINES

CHUNK = 1 << 20
_STATES = {
    "queued": EngineState.QUEUED,
    "running": EngineState.RUNNING,
    "completed": EngineState.COMPLETED,
    "failed": EngineState.FAILED,
    "cancelled": EngineState.CANCELLED,
}
_OPTION_KEYS = (
    "language",
    "diarize",
    "align",
    "batch_size",
    "model",
    "min_speakers",
    "max_speakers",
    "initial_prompt",
)
"""What worker/app.py accepts; it refuses unknown keys, so new panel options are not sent blindly."""
_TIMEOUT = httpx.Timeout(connect=5.0, read=60.0, write=120.0, pool=10.0)
_HEALTH_TIMEOUT = httpx.Timeout(5.0)
CALL_DEADLINE = 60.0
"""Seconds a status, cancel or health call may take in all (httpx's timeouts count per read)."""


def _shown(url: str) -> str:
    """A worker URL fit for messages: no user:password part."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}{parts.path}"


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        return response.text[:200]
    if isinstance(detail, list):  # FastAPI validation errors
        return "; ".join(f"{'.'.join(map(str, d.get('loc', [])[1:]))}: {d.get('msg')}" for d in detail)
    return str(detail or response.text[:200])


def _load(probe: dict[str, Any]) -> int:
    """Jobs ahead of a new one on this worker: the running one plus the queue."""
    return int(bool(probe.get("busy"))) + int(probe.get("queue") or 0)


def form_fields(options: TranscribeOptions) -> dict[str, str]:
    """The worker's options as form fields; empty language means detect."""
    fields = {"language": options.language or ""}
    for key in _OPTION_KEYS[1:]:
        value = getattr(options, key)
        if value is not None:
            fields[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return fields


def multipart_body(path: Path, fields: dict[str, str]) -> tuple[dict[str, str], AsyncIterator[bytes]]:
    """A streamed multipart/form-data body: the file is read in chunks on a thread, never whole."""
    boundary = uuid.uuid4().hex
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value.encode()
        + b"\r\n"
        for name, value in fields.items()
    )
    suffix = path.suffix.lower() if re.fullmatch(r"\.[A-Za-z0-9]{1,5}", path.suffix) else ".audio"
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="audio{suffix}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = len(head) + path.stat().st_size + len(tail)

    async def body() -> AsyncIterator[bytes]:
        yield head
        with path.open("rb") as f:
            while chunk := await asyncio.to_thread(f.read, CHUNK):
                yield chunk
        yield tail

    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(size)}
    return headers, body()


class WorkerEngine:
    """One or more worker/app.py instances; see the module docstring."""

    traits = ENGINES["worker"]
    name = traits.name
    resumable = traits.resumable
    needs_storage = traits.needs_storage

    def __init__(
        self,
        settings: Settings,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        call_deadline: float = CALL_DEADLINE,
    ) -> None:
        self._urls = settings.worker_urls
        self._deadline = call_deadline
        headers = {}
        if settings.worker_api_key is not None and settings.worker_api_key.get_secret_value():
            headers["X-API-Key"] = settings.worker_api_key.get_secret_value()
        self._client = httpx.AsyncClient(transport=transport, headers=headers, timeout=_TIMEOUT)

    # --- choosing a worker --------------------------------------------------------------------

    async def _probe(self, base: str) -> dict[str, Any]:
        try:
            async with asyncio.timeout(self._deadline):
                r = await self._client.get(f"{base}/health", timeout=_HEALTH_TIMEOUT)
            r.raise_for_status()
            facts: dict[str, Any] = r.json()
            return {"url": _shown(base), "ok": True, **facts}
        except (httpx.HTTPError, ValueError, TimeoutError) as e:
            return {"url": _shown(base), "ok": False, "error": str(e) or type(e).__name__}

    async def _ranked(self) -> list[str]:
        """Live workers, least busy first (ties keep the configured order)."""
        if not self._urls:
            raise EngineRejected("No GPU worker is configured: set WORKER_URL.")
        probes = await asyncio.gather(*(self._probe(u) for u in self._urls))
        live = [(_load(p), i) for i, p in enumerate(probes) if p["ok"]]
        if not live:
            shown = ", ".join(f"{p['url']} ({p['error']})" for p in probes)
            raise EngineUnavailable(f"No GPU worker answered: {shown}")
        return [self._urls[i] for _, i in sorted(live)]

    # --- Engine protocol ----------------------------------------------------------------------

    async def submit(self, audio: AudioRef, options: TranscribeOptions, job_key: str | None = None) -> str:
        problems: list[str] = []
        for base in await self._ranked():
            try:
                r = await self._post_job(base, audio, options)
            except httpx.HTTPError as e:
                problems.append(f"{_shown(base)}: {e or type(e).__name__}")
                continue
            if r.status_code in (401, 403):
                raise EngineRejected(
                    f"The GPU worker at {_shown(base)} refused the API key (WORKER_API_KEY)."
                )
            if r.status_code in (400, 413, 422):
                raise EngineRejected(f"The GPU worker refused the job: {_detail(r)}")
            if r.status_code != 202:  # 429, 5xx: this worker cannot take it now, another may
                problems.append(f"{_shown(base)} answered {r.status_code}")
                continue
            return f"{base}/jobs/{r.json()['id']}"
        raise EngineUnavailable("No GPU worker took the job: " + "; ".join(problems))

    async def _post_job(self, base: str, audio: AudioRef, options: TranscribeOptions) -> httpx.Response:
        if audio.kind == "url":
            payload = {k: getattr(options, k) for k in _OPTION_KEYS}
            payload = {k: v for k, v in payload.items() if v is not None or k == "language"}
            return await self._client.post(f"{base}/transcribe", json={"audio_url": audio.value, **payload})
        if not audio.local_path.is_file():
            raise EngineRejected(f"The uploaded audio is missing on this machine: {audio.local_path.name}")
        headers, body = multipart_body(audio.local_path, form_fields(options))
        return await self._client.post(f"{base}/transcribe/upload", content=body, headers=headers)

    def _job_url(self, handle: str) -> str:
        base, sep, job_id = handle.rpartition("/jobs/")
        if not sep or not job_id:
            raise EngineJobLost(f"Not a GPU worker job handle: {handle!r}")
        if base not in self._urls:
            raise EngineJobLost(
                f"The GPU worker that ran this job ({_shown(base)}) is no longer in WORKER_URL."
            )
        return handle

    async def _request(self, method: str, handle: str, suffix: str = "") -> dict[str, Any]:
        url = self._job_url(handle) + suffix
        try:
            async with asyncio.timeout(self._deadline):
                r = await self._client.request(method, url)
        except TimeoutError as e:
            raise EngineUnavailable(
                f"The GPU worker sent no complete answer within {self._deadline:g} s"
            ) from e
        except httpx.HTTPError as e:
            raise EngineUnavailable(f"The GPU worker is unreachable: {e or type(e).__name__}") from e
        if r.status_code in (401, 403):
            raise EngineRejected("The GPU worker refused the API key (WORKER_API_KEY).")
        if r.status_code == 404:
            raise EngineJobLost(
                "The GPU worker no longer knows this job (it restarted, or the result expired)."
            )
        if r.status_code == 429 or r.status_code >= 500:
            retry = r.headers.get("Retry-After")
            raise EngineUnavailable(
                f"The GPU worker answered {r.status_code}",
                retry_after=float(retry) if retry and retry.isdigit() else None,
            )
        if r.status_code != 200:
            raise EngineRejected(f"The GPU worker answered {r.status_code}: {_detail(r)}")
        body: dict[str, Any] = r.json()
        return body

    async def poll(self, handle: str) -> EngineStatus:
        return to_status(await self._request("GET", handle))

    async def cancel(self, handle: str) -> None:
        with contextlib.suppress(EngineJobLost):  # nothing left to cancel
            await self._request("POST", handle, "/cancel")

    async def health(self) -> dict[str, Any]:
        probes = await asyncio.gather(*(self._probe(u) for u in self._urls))
        return {"ok": any(p["ok"] for p in probes), "workers": list(probes)}

    async def aclose(self) -> None:
        await self._client.aclose()


def to_status(job: dict[str, Any]) -> EngineStatus:
    """The worker's job JSON -> EngineStatus."""
    state = _STATES.get(str(job.get("status")))
    if state is None:
        raise EngineUnavailable(f"The GPU worker sent an unknown status {job.get('status')!r}")
    progress = job.get("progress")
    if state == EngineState.QUEUED:
        return EngineStatus(state, progress=0.0, step="Waiting for the GPU worker…")
    if state == EngineState.RUNNING:
        pct = round(float(progress or 0) * 100)
        return EngineStatus(state, progress=progress, step=f"Transcribing on the GPU worker… {pct}%")
    if state == EngineState.COMPLETED:
        output = job.get("output")
        if not isinstance(output, dict) or "error" in output:
            error = output.get("error") if isinstance(output, dict) else None
            why = f": {error}" if error else ""
            return EngineStatus(
                EngineState.FAILED, error=f"The GPU worker finished without a transcript{why}."
            )
        return EngineStatus(state, progress=1.0, output=output)
    if state == EngineState.FAILED:
        return EngineStatus(state, error=job.get("error") or "The GPU worker failed without saying why.")
    return EngineStatus(state)
