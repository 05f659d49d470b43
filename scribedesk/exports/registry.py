"""The export registry and the options every exporter takes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from scribedesk.transcript.model import Transcript


@dataclass(frozen=True)
class ExportOptions:
    """What the user ticked in the download menu (also ?timestamps=0&speakers=0&include_flagged=1)."""

    timestamps: bool = True
    speakers: bool = True
    include_flagged: bool = False


@dataclass(frozen=True)
class ExportMeta:
    """Facts about the recording that are not in the transcript itself."""

    filename: str = ""
    """The original file name as dropped (the title)."""
    created: datetime | None = None
    engine: str | None = None
    model: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Exporter:
    name: str
    extension: str
    media_type: str
    render: Callable[[Transcript, ExportOptions, ExportMeta], bytes]


EXPORTERS: dict[str, Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    EXPORTERS[exporter.name] = exporter
    return exporter


def render(fmt: str, transcript: Transcript, options: ExportOptions, meta: ExportMeta) -> bytes:
    """Render one format; KeyError for an unknown format."""
    return EXPORTERS[fmt].render(transcript, options, meta)
