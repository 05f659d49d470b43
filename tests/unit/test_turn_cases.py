"""The turn-grouping cases the page's JavaScript runs too (tests/js/turn-cases.test.mjs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scribedesk.transcript.model import Segment, Transcript
from scribedesk.transcript.turns import group_turns

CASES = json.loads((Path(__file__).parents[1] / "data" / "turn_cases.json").read_text(encoding="utf-8"))[
    "cases"
]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_shared_turn_case(case: dict[str, Any]) -> None:
    segments = [
        Segment(id=i, start=start, end=end, text=f"s{i}", speaker=speaker, hidden=hidden)
        for i, (start, end, speaker, hidden) in enumerate(case["segments"])
    ]
    got = [
        {"speaker": t.speaker, "start": t.start, "end": t.end, "segments": [s.id for s in t.segments]}
        for t in group_turns(Transcript(segments=segments), include_hidden=True)
    ]
    assert got == case["turns"]
