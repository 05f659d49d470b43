"""Process-wide settings the worker applies before the SDK, WhisperX or pyannote are imported.

- RUNPOD_LOG_LEVEL defaults to INFO: at the SDK's default (DEBUG) it prints every job's input and
  output, i.e. presigned URLs, base64 audio and the transcript.
- PYANNOTE_METRICS_ENABLED defaults to false: pyannote 4 sends usage telemetry otherwise.
- MODEL_CACHE_DIR (e.g. /runpod-volume/scribedesk-cache): when it is set and the folder holding
  it exists (the volume is attached), Hugging Face, torch hub and NLTK data are read from and
  downloaded to it (HF_HOME, TORCH_HOME, NLTK_DATA point there; the image's NLTK folder stays
  second in line), so models fetched once survive cold starts. Without it the image's baked
  folders are used.
RUNPOD_LOG_LEVEL and PYANNOTE_METRICS_ENABLED set explicitly in the environment win.
"""

from __future__ import annotations

import os
from pathlib import Path

VOLUME_ROOT_DEFAULT = "/runpod-volume"


def volume_root() -> Path:
    """The network volume's mount point (WORKER_VOLUME_ROOT, default /runpod-volume)."""
    return Path(os.environ.get("WORKER_VOLUME_ROOT") or VOLUME_ROOT_DEFAULT)


def _model_cache() -> Path | None:
    """MODEL_CACHE_DIR when the folder holding it (the volume's mount point) exists."""
    value = os.environ.get("MODEL_CACHE_DIR", "").strip()
    if not value:
        return None
    path = Path(value)
    return path if path.parent.is_dir() else None


def configure() -> None:
    """Set the defaults above; idempotent, and harmless after the libraries are imported."""
    os.environ.setdefault("RUNPOD_LOG_LEVEL", "INFO")
    os.environ.setdefault("PYANNOTE_METRICS_ENABLED", "false")
    cache = _model_cache()
    if cache is None:
        return
    for sub in ("hf", "torch", "nltk"):
        (cache / sub).mkdir(parents=True, exist_ok=True)
    os.environ["HF_HOME"] = str(cache / "hf")
    os.environ["TORCH_HOME"] = str(cache / "torch")
    # NLTK searches a list: keep the image's own punkt_tab after the volume's.
    paths = [p for p in os.environ.get("NLTK_DATA", "").split(os.pathsep) if p]
    nltk_cache = str(cache / "nltk")
    os.environ["NLTK_DATA"] = os.pathsep.join([nltk_cache, *(p for p in paths if p != nltk_cache)])


def hf_token_problem(token: str | None) -> str | None:
    """Why HF_TOKEN cannot work (pyannote silently drops a token not starting with hf_); None if fine."""
    if not token:
        return "set HF_TOKEN on the worker (the pyannote model is gated)"
    if not token.strip().startswith("hf_"):
        return "HF_TOKEN does not look like a Hugging Face access token (they start with hf_)"
    return None
