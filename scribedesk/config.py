"""Settings: one typed object, read from the environment and `.env`, built once and passed down.

Every field has a one-line docstring and a line in `.env.template`; a test keeps them in step.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from scribedesk import paths

AudioSource = Literal["auto", "url", "volume", "inline"]
WorkerSchema = Literal["whisperx", "kodxana", "faster-whisper"]
EngineName = Literal["auto", "runpod", "worker", "local"]


class Settings(BaseSettings):
    """Everything the panel can be told; defaults give a working local-only panel."""

    model_config = SettingsConfigDict(
        env_file=paths.env_files(),  # the user config folder's .env, then the current folder's
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        use_attribute_docstrings=True,
    )

    # --- RunPod serverless ---
    runpod_api_key: SecretStr | None = None
    """RunPod API key (Bearer token for the serverless queue API)."""
    runpod_endpoint_id: str = ""
    """Id of the RunPod serverless endpoint that runs the WhisperX worker."""
    runpod_api_url: str = "https://api.runpod.ai/v2"
    """Base URL of RunPod's queue API; requests go to {RUNPOD_API_URL}/{RUNPOD_ENDPOINT_ID}/run."""
    worker_schema: WorkerSchema = "whisperx"
    """Input shape the remote worker accepts: whisperx, kodxana or faster-whisper."""
    runpod_poll_interval: float = 2.0
    """Seconds between status polls while a RunPod job runs (longer while queued)."""
    gpu_price_per_hour: float | None = None
    """GPU price in USD per hour; when set, each job shows an estimated cost."""

    # --- Object storage (RunPod network volume S3 API or any S3-compatible store) ---
    runpod_access_key: SecretStr | None = None
    """S3 access key (RunPod network-volume S3 API key, or any S3 store's key id)."""
    runpod_secret_key: SecretStr | None = None
    """S3 secret key that goes with RUNPOD_ACCESS_KEY."""
    s3_endpoint_url: str = "https://s3api-us-wa-1.runpod.io"
    """S3 endpoint; RunPod's is https://s3api-<datacenter>.runpod.io."""
    s3_bucket: str = ""
    """Bucket name; for a RunPod network volume, the volume id."""
    s3_region: str = "us-wa-1"
    """S3 region; for RunPod, the datacenter id (e.g. us-wa-1, EUR-IS-1)."""
    s3_max_attempts: int = 10
    """How many times boto3 retries a failing S3 call (RunPod's examples use 10)."""
    audio_source: AudioSource = "auto"
    """How the worker gets the audio: auto, url (presigned), volume (/runpod-volume path), inline (base64)."""
    transcode: Literal["auto", "off", "on"] = "auto"
    """Push a 24 kbit/s Opus copy to the GPU: auto (when the file is over ~48 kbit/s), off, or on."""

    # --- Where transcription runs ---
    engine: EngineName = "auto"
    """auto (RunPod if keyed, else worker if WORKER_URL, else local), runpod, worker or local."""
    fallback_to_local: bool = True
    """Re-run a job locally when the remote engine is unreachable for an infrastructure reason."""
    remote_unreachable_seconds: float = 300.0
    """How long a remote engine may stay unreachable before a job fails or falls back to local."""
    worker_url: str = ""
    """Self-hosted GPU worker URL(s), comma-separated (worker/app.py)."""
    worker_api_key: SecretStr | None = None
    """X-API-Key sent to the self-hosted worker, when it requires one."""
    local_model: str = "small"
    """Local faster-whisper model: a name (downloaded on first use) or a CTranslate2 model folder."""
    local_device: str = "auto"
    """Device for the local engine: auto, cpu or cuda."""
    local_compute_type: str = "int8"
    """CTranslate2 compute type for the local engine (int8 on CPU, float16 on GPU)."""
    models_dir: Path = Field(default_factory=paths.default_models_dir)
    """Where named local models are downloaded (default: the user cache folder's scribedesk/models)."""
    model_hub_url: str = "https://huggingface.co"
    """Hub the local models are downloaded from ({MODEL_HUB_URL}/<repo>/resolve/main/<file>)."""

    # --- Transcription defaults ---
    default_language: str = "ru"
    """Language sent when the user picks none; empty means detect."""
    default_model: str = "large-v2"
    """Whisper model the remote worker is asked to use."""
    hide_flagged: bool = True
    """Hide segments flagged as likely hallucinations from exports (they stay restorable)."""

    # --- The panel ---
    host: str = "127.0.0.1"
    """Interface to bind; anything but loopback requires ACCESS_TOKEN."""
    port: int = 8000
    """Port to serve the panel on."""
    access_token: SecretStr | None = None
    """Token required (Bearer header or cookie) when the panel binds a non-loopback interface."""
    allowed_hosts: str = ""
    """Extra Host header names accepted besides localhost and 127.0.0.1 (comma-separated)."""
    max_upload_mb: int = Field(default=2048, ge=1)
    """Largest upload accepted, in MB."""
    upload_dir: Path = Field(default_factory=paths.default_upload_dir)
    """Where dropped audio is kept (default: uploads/ in a checkout, else the user data folder)."""
    results_dir: Path = Field(default_factory=paths.default_results_dir)
    """Where transcripts, exports and the job database live (default: results/ beside uploads)."""
    voice_memory: bool = True
    """Keep voice prints (never audio) of named speakers in the results folder; suggest those names."""

    @field_validator(
        "runpod_api_key", "runpod_access_key", "runpod_secret_key", "worker_api_key", "access_token",
        "gpu_price_per_hour", mode="before",
    )  # fmt: skip
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """A line like `GPU_PRICE_PER_HOUR=` copied from .env.template means "not set"."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("upload_dir", "results_dir", "models_dir", mode="before")
    @classmethod
    def _empty_path_is_default(cls, value: object, info: ValidationInfo) -> object:
        """`UPLOAD_DIR=` (as in .env.template) means "the default folder", not the current one."""
        if isinstance(value, str) and not value.strip():
            return _PATH_DEFAULTS[str(info.field_name)]()
        return value

    # --- derived helpers ---
    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def storage_configured(self) -> bool:
        return bool(self.runpod_access_key and self.runpod_secret_key and self.s3_bucket)

    @property
    def runpod_configured(self) -> bool:
        return bool(self.runpod_api_key and self.runpod_endpoint_id)

    @property
    def worker_urls(self) -> list[str]:
        return [u.strip().rstrip("/") for u in self.worker_url.split(",") if u.strip()]

    @property
    def active_engine(self) -> Literal["runpod", "worker", "local"]:
        if self.engine != "auto":
            return self.engine
        if self.runpod_configured:
            return "runpod"
        if self.worker_urls:
            return "worker"
        return "local"

    @property
    def binds_loopback(self) -> bool:
        if self.host in ("localhost",):
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def secret_values(self) -> list[str]:
        """Every secret's value, so logs and answers can be checked for leaks."""
        out = []
        for s in (
            self.runpod_api_key,
            self.runpod_access_key,
            self.runpod_secret_key,
            self.worker_api_key,
            self.access_token,
        ):
            if s is not None and s.get_secret_value():
                out.append(s.get_secret_value())
        return out


_PATH_DEFAULTS = {
    "upload_dir": paths.default_upload_dir,
    "results_dir": paths.default_results_dir,
    "models_dir": paths.default_models_dir,
}
