"""What the user asks a transcription for: a domain type shared by the API, the jobs and the engines."""

from __future__ import annotations

from pydantic import BaseModel, Field


class TranscribeOptions(BaseModel):
    """What the user asked for; every field is optional in the API."""

    language: str | None = None
    """ISO code, or None to detect."""
    diarize: bool = True
    align: bool = True
    model: str = "large-v2"
    batch_size: int = Field(default=16, ge=1, le=64)
    min_speakers: int | None = Field(default=None, ge=1, le=20)
    max_speakers: int | None = Field(default=None, ge=1, le=20)
    initial_prompt: str | None = Field(default=None, max_length=2000)
