"""JSON export: the whole transcript as data, nothing left out (flagged and hidden segments too).

The options do not filter it: it is the format to archive or re-import. Each segment also carries
`speaker_name` for convenience, and a small `meta` block says where it came from. Reading it back with
`Transcript.model_validate` ignores both additions.
"""

from __future__ import annotations

import json
from typing import Any

from scribedesk.exports.common import language_name, title_of
from scribedesk.exports.registry import Exporter, ExportMeta, ExportOptions, register
from scribedesk.transcript.model import Transcript


def _meta_block(t: Transcript, meta: ExportMeta) -> dict[str, Any]:
    return {
        "title": title_of(meta),
        "filename": meta.filename,
        "created": meta.created.isoformat() if meta.created else None,
        "engine": meta.engine or t.source.get("engine"),
        "model": meta.model or t.source.get("model"),
        "language_name": language_name(t.language),
        **({"extra": dict(meta.extra)} if meta.extra else {}),
    }


def render(t: Transcript, options: ExportOptions, meta: ExportMeta) -> bytes:
    data: dict[str, Any] = {"meta": _meta_block(t, meta), **t.model_dump(mode="json")}
    for seg in data["segments"]:
        seg["speaker_name"] = t.display_name(seg["speaker"]) if seg["speaker"] is not None else None
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


EXPORTER = register(Exporter("json", "json", "application/json", render))
