"""The hallucination flagger against the labelled evaluation set (tests/data/hallucination_eval.json).

Prints precision and recall; the bar is the policy's: at most 2% of genuine segments flagged, at
least 90% of hallucinations flagged. Context segments of every case are genuine speech too and
count as extra genuine checks.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from scribedesk.transcript.cleanup import flag_hallucinations
from scribedesk.transcript.model import Transcript
from scribedesk.transcript.normalize import normalize
from tests.unit.transcript.conftest import load


def _run(case: dict[str, Any]) -> Transcript:
    raw = {"segments": case["segments"], "language": case["language"]}
    return flag_hallucinations(normalize(raw), audio_duration=case["audio_duration"])


def _target(case: dict[str, Any], t: Transcript) -> bool:
    # normalize sorts by start; the generator already writes segments in time order.
    return bool(t.segments[case["target"]].flags)


@pytest.fixture(scope="module")
def results() -> list[tuple[dict[str, Any], Transcript]]:
    cases = load("hallucination_eval.json")["cases"]
    return [(c, _run(c)) for c in cases]


def test_set_is_big_enough(results: list[tuple[dict[str, Any], Transcript]]) -> None:
    labels = Counter(c["label"] for c, _ in results)
    assert labels["hallucination"] >= 60 and labels["genuine"] >= 100


def test_precision_and_recall(results: list[tuple[dict[str, Any], Transcript]]) -> None:
    tp = fn = fp = tn = 0
    misses, false_alarms = [], []
    context_checked = context_flagged = 0
    for case, t in results:
        flagged = _target(case, t)
        if case["label"] == "hallucination":
            tp, fn = tp + flagged, fn + (not flagged)
            if not flagged:
                misses.append(case["id"])
        else:
            fp, tn = fp + flagged, tn + (not flagged)
            if flagged:
                false_alarms.append(f"{case['id']}: {t.segments[case['target']].flags}")
        for i, seg in enumerate(t.segments):
            if i != case["target"] and i not in case["hallucinated"]:
                context_checked += 1
                if seg.flags:
                    context_flagged += 1
                    false_alarms.append(f"{case['id']} context {i} {seg.text!r}: {seg.flags}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn)
    genuine_rate = (fp + context_flagged) / (fp + tn + context_checked)
    print(
        f"\nhallucination eval: precision {precision:.3f}, recall {recall:.3f} "
        f"({tp}/{tp + fn} hallucinations flagged, {fp}/{fp + tn} genuine targets flagged, "
        f"{context_flagged}/{context_checked} genuine context segments flagged)"
    )
    for line in misses:
        print("  missed:", line)
    for line in false_alarms:
        print("  false alarm:", line)
    assert genuine_rate <= 0.02, false_alarms
    assert fp / (fp + tn) <= 0.02, false_alarms
    assert recall >= 0.90, misses


def test_every_situation_is_mostly_caught(results: list[tuple[dict[str, Any], Transcript]]) -> None:
    """No kind of hallucination may be missed wholesale, even when the overall recall is fine."""
    by_situation: dict[str, list[bool]] = {}
    for case, t in results:
        # "hard" cases carry only weak signals; the policy accepts missing them to protect real speech.
        if case["label"] == "hallucination" and not case.get("hard"):
            by_situation.setdefault(case["situation"], []).append(_target(case, t))
    weak = {s: f"{sum(v)}/{len(v)}" for s, v in by_situation.items() if sum(v) / len(v) < 0.5}
    assert not weak


def test_flagged_targets_are_hidden(results: list[tuple[dict[str, Any], Transcript]]) -> None:
    for case, t in results:
        target = t.segments[case["target"]]
        assert target.hidden == bool(target.flags), case["id"]
