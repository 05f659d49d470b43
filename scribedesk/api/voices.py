"""Routes for the voice memory: the remembered names, forgetting one, and suggestions for a job."""

from __future__ import annotations

import asyncio

import numpy as np
from fastapi import APIRouter
from pydantic import BaseModel

from scribedesk.api.deps import ServiceDep, SettingsDep
from scribedesk.config import Settings
from scribedesk.jobs.service import JobService, NotFound
from scribedesk.voices import VoiceMemory, job_prints

router = APIRouter()


class VoiceOut(BaseModel):
    name: str
    speakers: int
    """How many named speakers (across jobs) the print is the mean of."""


class VoicesOut(BaseModel):
    enabled: bool
    voices: list[VoiceOut]


class SuggestionOut(BaseModel):
    label: str
    name: str
    similarity: float


class SuggestionsOut(BaseModel):
    enabled: bool
    suggestions: list[SuggestionOut]


class ForgetOut(BaseModel):
    deleted: str


def _job_voices(jobs: JobService, job_id: str) -> tuple[dict[str, str], dict[str, np.ndarray]]:
    jobs.get(job_id)  # NotFound for an unknown job
    t = jobs.files.read_transcript(job_id)
    names = dict(t.speakers) if t is not None else {}
    return names, job_prints(jobs.files.read_raw(job_id))


async def remember_named(job_id: str, jobs: JobService, settings: Settings) -> None:
    """After a rename: keep the print of each named speaker of this job (when the memory is on)."""
    if not settings.voice_memory:
        return

    def work() -> None:
        names, prints = _job_voices(jobs, job_id)
        if prints:
            VoiceMemory(settings.results_dir).remember(job_id, names, prints)

    await asyncio.to_thread(work)


@router.get("/api/voices")
async def voices(settings: SettingsDep) -> VoicesOut:
    found = await asyncio.to_thread(VoiceMemory(settings.results_dir).names)
    return VoicesOut(
        enabled=settings.voice_memory, voices=[VoiceOut(name=n, speakers=c) for n, c in found.items()]
    )


@router.delete("/api/voices/{name}")
async def forget(name: str, settings: SettingsDep) -> ForgetOut:
    if not await asyncio.to_thread(VoiceMemory(settings.results_dir).forget, name):
        raise NotFound(f"no voice is remembered as {name!r}")
    return ForgetOut(deleted=name)


@router.get("/api/jobs/{job_id}/voice-suggestions")
async def suggestions(job_id: str, jobs: ServiceDep, settings: SettingsDep) -> SuggestionsOut:
    if not settings.voice_memory:
        return SuggestionsOut(enabled=False, suggestions=[])

    def work() -> SuggestionsOut:
        names, prints = _job_voices(jobs, job_id)
        found = VoiceMemory(settings.results_dir).suggest(names, prints)
        return SuggestionsOut(
            enabled=True,
            suggestions=[SuggestionOut(label=s.label, name=s.name, similarity=s.similarity) for s in found],
        )

    return await asyncio.to_thread(work)
