"""The local engine's speaker step: diarize the job's audio and put speakers on its output."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Protocol

from scribedesk.diarize.assign import assign_speakers
from scribedesk.diarize.encoder import available
from scribedesk.diarize.pipeline import diarize

log = logging.getLogger("scribedesk.diarize")

LOCAL = "local"
"""The output's "diarization" value: speakers were estimated on this computer."""


class SpeakerOptions(Protocol):
    min_speakers: int | None
    max_speakers: int | None


def add_speakers(audio: Path, output: dict[str, Any], options: SpeakerOptions) -> dict[str, Any]:
    """The output with a speaker on every segment and word, and each speaker's voice print.

    ``speaker_embeddings`` has WhisperX's name and shape (label -> list of floats).
    """
    try:
        found = diarize(audio, min_speakers=options.min_speakers, max_speakers=options.max_speakers)
    except Exception:  # the words matter more than the speakers: never lose them over this step
        log.exception("Finding speakers failed; the transcript is kept without speakers")
        return output
    result = assign_speakers(output, found.turns) if found.turns else dict(output)
    result["diarization"] = LOCAL
    if found.turns:
        result["speaker_embeddings"] = {k: [round(float(x), 6) for x in v] for k, v in found.voices.items()}
    return result


def local_hook() -> Any:
    """add_speakers when the packaged voice encoder is installed, else None (no speakers)."""
    return add_speakers if available() else None
