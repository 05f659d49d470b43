"""Named local models: where they are stored, how large they are, and a resumable download with progress.

A name such as `small` maps to a Hugging Face repo (faster-whisper's own table); its files are fetched
from `{MODEL_HUB_URL}/<repo>/resolve/main/<file>` into `MODELS_DIR/<name>.partial/`, each as `<file>.part`
continued with an HTTP Range request after a cancel or a restart, and the folder becomes `MODELS_DIR/<name>`
only when every file is complete. Progress (bytes done of the total) goes to a callback and to a
process-wide table that /api/local-model and the desk read. Blocking: run it on a worker thread.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from scribedesk.config import Settings

REQUIRED = ("config.json", "model.bin", "tokenizer.json")
OPTIONAL = ("vocabulary.txt", "vocabulary.json", "preprocessor_config.json")
APPROX_MB = {"tiny": 75, "base": 145, "small": 484, "medium": 1530, "large": 3090, "turbo": 1620}
CHUNK = 1024 * 1024
log = logging.getLogger("scribedesk.models")

Progress = Callable[[int, int], None]
"""Called with (bytes done, bytes in total) as the download advances."""


class DownloadCancelled(Exception):
    """Stopped on request; the partial files stay for the next attempt to continue."""


class DownloadFailed(Exception):
    """str(e) says what went wrong and what to do."""


@dataclass
class ModelStatus:
    name: str
    path: Path
    ready: bool
    size_bytes: int
    expected_mb: int | None
    downloading: bool = False
    done_bytes: int = 0
    total_bytes: int | None = None
    error: str | None = None


_LOCK = threading.Lock()
_ACTIVE: dict[Path, ModelStatus] = {}
"""Downloads in progress (or ended with an error) in this process, by target folder."""


def repo_for(name: str) -> str:
    from faster_whisper.utils import _MODELS

    if name in _MODELS:
        return str(_MODELS[name])
    if re.fullmatch(r"[\w.-]+/[\w.-]+", name):
        return name
    raise DownloadFailed(f"LOCAL_MODEL is not a model name or folder: '{name}'")


def target_dir(settings: Settings, name: str) -> Path:
    return settings.models_dir / name.replace("/", "--")


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else 0


def _expected_mb(name: str) -> int | None:
    for key, mb in APPROX_MB.items():
        if key in name:
            return mb
    return None


def model_status(settings: Settings) -> ModelStatus:
    """Where the local model is (or will be), whether it is complete, and how large it is."""
    name = settings.local_model
    given = Path(name).expanduser()
    if given.is_dir():
        return ModelStatus(name, given, True, folder_size(given), None)
    folder = target_dir(settings, name)
    with _LOCK:
        active = _ACTIVE.get(folder)
        if active is not None:
            return ModelStatus(**vars(active))
    partial = folder.with_name(folder.name + ".partial")
    ready = folder.is_dir() and all((folder / f).is_file() for f in REQUIRED)
    if not ready and (cached := _in_hf_cache(name)) is not None:  # fetched by an older version
        return ModelStatus(name, cached, True, folder_size(cached), _expected_mb(name))
    size = folder_size(folder if ready else partial)
    return ModelStatus(name, folder, ready, size, _expected_mb(name), done_bytes=0 if ready else size)


def _in_hf_cache(name: str) -> Path | None:
    """The model in Hugging Face's cache (where faster-whisper itself downloads), without any network."""
    from faster_whisper.utils import download_model

    try:
        return Path(download_model(name, local_files_only=True))
    except Exception:  # not cached, or not a known name
        return None


def ensure_model(
    settings: Settings, on_progress: Progress | None = None, stop: threading.Event | None = None
) -> Path:
    """The folder of the named model, downloading (or continuing) it first when needed."""
    status = model_status(settings)
    if status.ready:
        return status.path
    repo = repo_for(settings.local_model)
    folder = status.path
    partial = folder.with_name(folder.name + ".partial")
    record = ModelStatus(settings.local_model, folder, False, 0, status.expected_mb, downloading=True)
    with _LOCK:
        if folder in _ACTIVE and _ACTIVE[folder].downloading:
            raise DownloadFailed(f"The model '{settings.local_model}' is already downloading; wait for it")
        _ACTIVE[folder] = record

    def report(done: int, total: int) -> None:
        with _LOCK:
            before = record.done_bytes * 20 // total if total else 0
            record.done_bytes, record.total_bytes = done, total
        if total and (done * 20 // total != before or done == total):  # the console: every 5%
            log.info("model %s: %d%% of %.0f MB → %s", record.name, done * 100 // total, total / 1e6, folder)
        if on_progress is not None:
            on_progress(done, total)

    try:
        _download(settings.model_hub_url.rstrip("/"), repo, partial, report, stop or threading.Event())
        _finish(partial, folder)
    except BaseException as e:
        with _LOCK:
            record.downloading = False
            record.error = None if isinstance(e, DownloadCancelled) else str(e)
            if isinstance(e, DownloadCancelled):
                _ACTIVE.pop(folder, None)
        raise
    with _LOCK:
        _ACTIVE.pop(folder, None)
    return folder


def _finish(partial: Path, folder: Path) -> None:
    if folder.exists():  # an incomplete folder left by something else: ours replaces it
        shutil.rmtree(folder)
    os.replace(partial, folder)  # every file is closed by now, so this works on Windows too


def _download(hub: str, repo: str, partial: Path, report: Progress, stop: threading.Event) -> None:
    partial.mkdir(parents=True, exist_ok=True)
    with httpx.Client(follow_redirects=True, timeout=httpx.Timeout(60.0, connect=15.0)) as client:
        sizes = _sizes(client, hub, repo)
        total = sum(sizes.values())
        done = sum(_have(partial, f) for f in sizes)
        report(done, total)
        for name, size in sizes.items():
            if (partial / name).is_file():
                continue
            done = _fetch(client, f"{hub}/{repo}/resolve/main/{name}", partial / name, size, done, total,
                          report, stop)  # fmt: skip


def _have(partial: Path, name: str) -> int:
    for candidate in (partial / name, partial / f"{name}.part"):
        if candidate.is_file():
            return candidate.stat().st_size
    return 0


def _sizes(client: httpx.Client, hub: str, repo: str) -> dict[str, int]:
    """Each file's size from a HEAD request; optional files the repo lacks are left out."""
    sizes: dict[str, int] = {}
    for name in (*REQUIRED, *OPTIONAL):
        try:
            head = client.head(f"{hub}/{repo}/resolve/main/{name}")
        except httpx.HTTPError as e:
            raise DownloadFailed(f"Could not reach {hub} ({type(e).__name__})") from e
        if head.status_code == 404 and name in OPTIONAL:
            continue
        if head.status_code != 200:
            raise DownloadFailed(f"{hub} answered HTTP {head.status_code} for {repo}/{name}")
        sizes[name] = int(head.headers.get("content-length", 0))
    if not any(n.startswith("vocabulary.") for n in sizes):
        raise DownloadFailed(f"{repo} has no vocabulary file: not a faster-whisper model")
    return sizes


def _fetch(
    client: httpx.Client, url: str, dest: Path, size: int, done: int, total: int, report: Progress,
    stop: threading.Event,
) -> int:  # fmt: skip
    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.is_file() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    try:
        with client.stream("GET", url, headers=headers) as response:
            if response.status_code not in (200, 206):
                raise DownloadFailed(f"Download of {dest.name} failed (HTTP {response.status_code})")
            if have and response.status_code == 200:  # the server ignored Range: start over
                done, have = done - have, 0
            with part.open("ab" if have else "wb") as out:
                for chunk in response.iter_bytes(CHUNK):
                    out.write(chunk)  # keep what arrived, even when asked to stop: the next start continues
                    done += len(chunk)
                    report(done, total)
                    if stop.is_set():
                        raise DownloadCancelled
    except httpx.HTTPError as e:
        raise DownloadFailed(
            f"Download of {dest.name} broke off ({type(e).__name__}); start again to resume"
        ) from e
    if size and part.stat().st_size != size:
        raise DownloadFailed(
            f"{dest.name} arrived with {part.stat().st_size} of {size} bytes; start again to resume"
        )
    os.replace(part, dest)
    return done
