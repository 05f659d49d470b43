"""JSON export: the data format, nothing lost, readable back into a Transcript."""

from __future__ import annotations

import json

from scribedesk.exports import ExportMeta, ExportOptions, render
from scribedesk.transcript.model import Transcript
from tests.unit.exports.conftest import CREDIT


def test_json_keeps_every_segment_with_flags_and_names(interview: Transcript, meta: ExportMeta) -> None:
    raw = render("json", interview, ExportOptions(), meta)
    assert "Мария Соколова".encode() in raw  # UTF-8, not \u escapes
    data = json.loads(raw)
    assert [s["speaker_name"] for s in data["segments"]] == [
        "Интервьюер", "Мария Соколова", "Мария Соколова", "Интервьюер", "Мария Соколова", "Мария Соколова",
    ]  # fmt: skip
    hidden = data["segments"][-1]
    assert (hidden["text"], hidden["hidden"], hidden["flags"]) == (
        CREDIT,
        True,
        ["hallucination:credit-line"],
    )
    assert data["meta"]["title"] == "Интервью_сыроварня.m4a"
    assert data["meta"]["language_name"] == "Russian"
    assert data["meta"]["created"] == "2026-03-14T11:30:00"


def test_json_round_trips_and_ignores_the_view_options(interview: Transcript, meta: ExportMeta) -> None:
    raw = render("json", interview, ExportOptions(timestamps=False, speakers=False), meta)
    assert Transcript.model_validate_json(raw) == interview
    assert raw == render("json", interview, ExportOptions(), meta)
