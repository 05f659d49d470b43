"""Score the hallucination flagger on the real evaluation set (tests/data/real_hallucination_eval.json).

Run as a script for the table: `.venv/bin/python -m tests.unit.transcript.real_eval`.
A line counts as flagged when its segment carries a flag or a flagged span.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scribedesk.transcript.cleanup import flag_hallucinations
from scribedesk.transcript.model import Segment
from scribedesk.transcript.normalize import normalize

DATA = Path(__file__).resolve().parents[2] / "data" / "real_hallucination_eval.json"
SCORED = ("hallucination", "genuine")


@dataclass
class Tally:
    caught: int = 0
    hallucinations: int = 0
    false_alarms: int = 0
    genuine: int = 0
    missed: list[str] = field(default_factory=list)
    alarms: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.hallucinations if self.hallucinations else 1.0

    @property
    def false_rate(self) -> float:
        return self.false_alarms / self.genuine if self.genuine else 0.0

    def line(self, name: str) -> str:
        return (
            f"{name:<14} flagged {self.caught}/{self.hallucinations} hallucinations ({self.recall:.0%}), "
            f"{self.false_alarms}/{self.genuine} genuine ({self.false_rate:.1%})"
        )


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(DATA.read_text(encoding="utf-8"))["cases"]
    return cases


def is_flagged(seg: Segment) -> bool:
    return bool(seg.flags or seg.spans)


def run_case(case: dict[str, Any]) -> list[tuple[dict[str, Any], Segment]]:
    """Flag one case; pair every labelled input segment with its output segment."""
    raw_segments = [{k: v for k, v in s.items() if k not in ("label", "note")} for s in case["segments"]]
    for i, s in enumerate(raw_segments):
        s["id"] = i
    t = normalize({"segments": raw_segments, "language": case["language"]})
    t = flag_hallucinations(t, audio_duration=case["audio_duration"])
    by_text_time = sorted(
        range(len(case["segments"])), key=lambda i: (case["segments"][i]["start"], case["segments"][i]["end"])
    )
    return [(case["segments"][i], t.segments[k]) for k, i in enumerate(by_text_time)]


def score(cases: list[dict[str, Any]]) -> dict[str, Tally]:
    """Tallies keyed by half ("dev"/"test"), "all", and "lang:<code>"."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    for case in cases:
        for labelled, seg in run_case(case):
            label = labelled["label"]
            if label not in SCORED:
                continue
            flagged = is_flagged(seg)
            desc = f"{case['id']}: {seg.text[:60]!r} {seg.flags} {[s.reason for s in seg.spans]}"
            for key in (case["half"], "all", f"lang:{case['language'] or '?'}"):
                tally = tallies[key]
                if label == "hallucination":
                    tally.hallucinations += 1
                    tally.caught += flagged
                    if not flagged:
                        tally.missed.append(desc)
                else:
                    tally.genuine += 1
                    tally.false_alarms += flagged
                    if flagged:
                        tally.alarms.append(desc)
    return tallies


def main() -> None:
    tallies = score(load_cases())
    for key in sorted(tallies, key=lambda k: (k.startswith("lang:"), k)):
        print(tallies[key].line(key))
    for key in ("dev", "test"):
        for m in tallies[key].missed:
            print(f"  {key} missed:", m)
        for a in tallies[key].alarms:
            print(f"  {key} false alarm:", a)


if __name__ == "__main__":
    main()
