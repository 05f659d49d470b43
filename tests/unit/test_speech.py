"""scribedesk/speech.py: the Silero speech timeline on generated audio, saved once, never fatal."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from scribedesk import speech
from scribedesk.transcript.cleanup import FLAG_PREFIX, flag_hallucinations
from scribedesk.transcript.model import Segment, Transcript
from tests.support.audio import concat_wav, silence_wav, speak_wav


@pytest.fixture(scope="module")
def talk_pause_talk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Speech, 5 s of digital silence, speech (espeak-ng and sox at test time)."""
    root = tmp_path_factory.mktemp("speech")
    first = speak_wav("We started the company in a small office in the north of the city.", root / "a.wav")
    second = speak_wav("After the pause we talk again about the first investors.", root / "b.wav")
    return concat_wav([first, silence_wav(root / "pause.wav", 5.0), second], root / "talk.wav")


def test_regions_cover_the_speech_and_not_the_pause(talk_pause_talk: Path) -> None:
    data = speech.compute(talk_pause_talk)
    regions = speech.read_regions(data)
    assert regions is not None and len(regions) >= 2
    first_end, second_start = regions[0][1], regions[-1][0]
    assert second_start - first_end >= 4.0  # the 5 s pause, less padding and espeak's soft edges
    assert regions[0][0] < 0.5 and abs(regions[-1][1] - data["duration"]) < 1.0


def test_hysteresis_joins_short_dips_and_pads() -> None:
    step = speech.WINDOW / speech.SAMPLE_RATE
    probs = np.array([0.1] * 10 + [0.9] * 20 + [0.2] * 3 + [0.9] * 20 + [0.1] * 40, dtype=np.float32)
    regions = speech.regions_from(probs, len(probs) * step)
    assert len(regions) == 1  # a 0.1 s dip does not end the region
    assert regions[0][0] == pytest.approx(10 * step - speech.PAD, abs=1e-3)


def test_timeline_is_saved_once_and_reused(talk_pause_talk: Path, tmp_path: Path) -> None:
    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(speech.timeline_for(talk_pause_talk, tmp_path)))
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    saved = tmp_path / speech.FILE_NAME
    assert len({json.dumps(r) for r in results}) == 1 and results[0]
    stamp = saved.stat().st_mtime_ns
    assert speech.timeline_for(talk_pause_talk, tmp_path) == results[0]
    assert saved.stat().st_mtime_ns == stamp


def test_unreadable_audio_gives_none_and_no_file(tmp_path: Path) -> None:
    bad = tmp_path / "x.m4a"
    bad.write_bytes(b"not audio at all")
    assert speech.timeline_for(bad, tmp_path / "results") is None
    assert not (tmp_path / "results" / speech.FILE_NAME).exists()
    (tmp_path / speech.FILE_NAME).write_text('{"version": 1, "regions": [["a", 1]]}')
    assert speech.read_regions(json.loads((tmp_path / speech.FILE_NAME).read_text())) is None


def test_the_flagger_uses_the_timeline(talk_pause_talk: Path) -> None:
    regions = speech.read_regions(speech.compute(talk_pause_talk))
    assert regions
    pause_start = regions[0][1] + 0.5

    def seg(i: int, start: float, end: float, text: str) -> Segment:
        return Segment(id=i, start=start, end=end, text=text)

    t = Transcript(
        language="en",
        segments=[
            seg(
                0,
                0.2,
                regions[0][1] - 0.2,
                "We started the company in a small office in the north of the city.",
            ),
            seg(1, pause_start, pause_start + 2.5, "I mean we were really quite lucky back then."),
            seg(
                2,
                regions[-1][0] + 0.1,
                regions[-1][1] - 0.1,
                "After the pause we talk again about the first investors.",
            ),
        ],
    )
    out = flag_hallucinations(t, speech=regions)
    assert [s.flags for s in out.segments] == [[], [FLAG_PREFIX + "no-speech"], []]
    assert flag_hallucinations(t).segments[1].flags == []  # without the timeline nothing gives it away


def test_a_timeline_that_hears_almost_nothing_is_not_trusted() -> None:
    segs = [
        Segment(id=i, start=5.0 * i, end=5.0 * i + 4.0, text=f"A real sentence number {i} said quietly.")
        for i in range(4)
    ]
    t = Transcript(language="en", segments=segs)
    assert all(not s.flags for s in flag_hallucinations(t, speech=[(0.0, 0.5)]).segments)
    assert all(not s.flags for s in flag_hallucinations(t, speech=[]).segments)


def test_a_short_quiet_answer_is_never_flagged_by_the_timeline_alone() -> None:
    segs = [
        Segment(id=0, start=0.0, end=4.0, text="Were you there when it happened?"),
        Segment(id=1, start=4.3, end=4.8, text="Да."),
        Segment(id=2, start=5.2, end=9.0, text="And what did you see first, then?"),
    ]
    out = flag_hallucinations(Transcript(language="en", segments=segs), speech=[(0.0, 4.1), (5.1, 9.1)])
    assert [s.flags for s in out.segments] == [[], [], []]
