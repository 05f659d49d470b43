"""normalize(): every worker shape we support becomes the same Transcript; bad output says why."""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scribedesk.transcript.normalize import NormalizeError, normalize


def test_whisperx_russian_two_speakers(whisperx_ru: dict[str, Any]) -> None:
    t = normalize(whisperx_ru)
    assert t.language == "ru"
    assert [s.id for s in t.segments] == list(range(11))
    assert list(t.speakers) == ["SPEAKER_00", "SPEAKER_01"]
    assert t.speakers["SPEAKER_00"] == "SPEAKER_00"
    first = t.segments[0]
    assert first.text.startswith("Здравствуйте!")  # leading space stripped
    assert first.words[0].text == "Здравствуйте!"
    assert first.words[0].start == pytest.approx(0.51)
    assert "diarization" not in t.source
    assert t.source["output_format"] == "whisperx"
    # Without a given duration the last segment end stands in.
    assert t.duration == pytest.approx(57.1)


def test_untimed_digit_word_is_kept(whisperx_ru: dict[str, Any]) -> None:
    t = normalize(whisperx_ru)
    seg = next(s for s in t.segments if "2019" in s.text)
    digit = next(w for w in seg.words if w.text == "2019")
    assert digit.start is None and digit.end is None and digit.score is None
    assert seg.speaker == "SPEAKER_01"


def test_speakerless_segment_takes_previous_speaker(whisperx_ru: dict[str, Any]) -> None:
    t = normalize(whisperx_ru)
    ugu = next(s for s in t.segments if s.text == "Угу.")
    assert ugu.speaker == t.segments[ugu.id - 1].speaker


def test_speakerless_first_segment_takes_next_speaker() -> None:
    raw = {
        "segments": [
            {"start": 0.0, "end": 1.0, "text": "Hm."},
            {"start": 1.2, "end": 3.0, "text": "Hello there.", "speaker": "SPEAKER_03"},
        ]
    }
    t = normalize(raw)
    assert [s.speaker for s in t.segments] == ["SPEAKER_03", "SPEAKER_03"]


def test_segment_speaker_from_word_majority() -> None:
    words = [
        {"word": "a", "start": 0.0, "end": 0.2, "speaker": "SPEAKER_01"},
        {"word": "b", "start": 0.3, "end": 0.5, "speaker": "SPEAKER_00"},
        {"word": "c", "start": 0.6, "end": 0.8, "speaker": "SPEAKER_01"},
    ]
    t = normalize({"segments": [{"start": 0.0, "end": 0.8, "text": "a b c", "words": words}]})
    assert t.segments[0].speaker == "SPEAKER_01"
    assert list(t.speakers) == ["SPEAKER_01", "SPEAKER_00"]


def test_kodxana_output(kodxana_en: dict[str, Any]) -> None:
    t = normalize(kodxana_en, duration=38.5)
    assert t.language == "en"
    assert t.duration == 38.5
    assert t.source["output_format"] == "kodxana"
    assert list(t.speakers) == ["SPEAKER_01", "SPEAKER_00"]  # first-appearance order
    assert t.segments[-1].text == "Thank you."


def test_faster_whisper_worker_distributes_word_timestamps(faster_whisper_ru: dict[str, Any]) -> None:
    t = normalize(faster_whisper_ru, source={"engine": "runpod"})
    assert t.language == "ru"
    assert t.speakers == {}
    assert t.source == {"engine": "runpod", "output_format": "faster-whisper", "diarization": "none"}
    assert all(s.speaker is None for s in t.segments)
    flat = faster_whisper_ru["word_timestamps"]
    assert sum(len(s.words) for s in t.segments) == len(flat)
    for seg in t.segments:
        assert " ".join(w.text for w in seg.words) == seg.text
        for w in seg.words:
            assert w.start is not None and seg.start <= w.start <= seg.end
    last = t.segments[-1]
    assert last.no_speech_prob == pytest.approx(0.83)
    assert last.avg_logprob == pytest.approx(-1.34)
    assert last.compression_ratio == pytest.approx(0.92)


def test_json_string_and_runpod_envelope(kodxana_en: dict[str, Any]) -> None:
    direct = normalize(kodxana_en)
    assert normalize(json.dumps(kodxana_en)) == direct
    assert normalize({"id": "abc", "status": "COMPLETED", "output": kodxana_en}) == direct
    assert normalize({"output": json.dumps(kodxana_en)}) == direct


def test_local_engine_output_carries_duration() -> None:
    raw = {
        "language": "en",
        "duration": 12.5,
        "segments": [{"start": 0.0, "end": 2.0, "text": " Hi.", "words": [{"word": " Hi.", "start": 0.1}]}],
    }
    t = normalize(raw, language="de")
    assert t.language == "en"  # the output's own detection wins over the hint
    assert t.duration == 12.5
    assert t.segments[0].words[0].text == "Hi."
    assert t.segments[0].words[0].end is None


def test_language_falls_back_to_argument() -> None:
    t = normalize({"segments": []}, language="ru")
    assert t.language == "ru"
    assert t.segments == [] and t.duration is None


def test_segments_sorted_and_renumbered() -> None:
    raw = {
        "segments": [
            {"start": 5.0, "end": 6.0, "text": "second"},
            {"start": 1.0, "end": 2.0, "text": "first"},
            {"start": 7.0, "end": 8.0, "text": "   "},
        ]
    }
    t = normalize(raw)
    assert [(s.id, s.text) for s in t.segments] == [(0, "first"), (1, "second")]


def test_segment_times_from_words_when_missing() -> None:
    words = [{"word": "one", "start": 3.0, "end": 3.4}, {"word": "two", "start": 3.5, "end": 3.9}]
    t = normalize({"segments": [{"words": words}]})
    seg = t.segments[0]
    assert (seg.start, seg.end, seg.text) == (3.0, 3.9, "one two")


def test_negative_times_clamped_and_bad_word_times_dropped() -> None:
    words = [
        {"word": "a", "start": -0.02, "end": 0.3, "score": 0.9},
        {"word": "b", "start": "x", "end": float("nan"), "score": 7},
        {"word": "c", "start": 0.9, "end": 0.5},
    ]
    t = normalize({"segments": [{"start": -0.05, "end": 1.0, "text": "a b c", "words": words}]})
    seg = t.segments[0]
    assert seg.start == 0.0
    a, b, c = seg.words
    assert a.start == 0.0 and a.score == 0.9
    assert (b.text, b.start, b.end, b.score) == ("b", None, None, None)
    assert (c.start, c.end) == (None, None)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([1, 2], "not a JSON object"),
        ("not json", "not valid JSON"),
        ({"text": "hello"}, "no segments list"),
        ({"segments": {"0": {}}}, "no segments list"),
        ({"segments": ["oops"]}, "segment 0 is not an object"),
        ({"segments": [{"text": "hi"}]}, "segment 0 has no start/end time"),
        ({"segments": [{"text": "hi", "start": math.nan, "end": "soon"}]}, "no start/end time"),
        ({"output": {"error": "CUDA out of memory"}}, "CUDA out of memory"),
    ],
)
def test_malformed_output_is_rejected_with_a_reason(raw: object, message: str) -> None:
    with pytest.raises(NormalizeError, match=message):
        normalize(raw)


def test_input_is_not_mutated(whisperx_ru: dict[str, Any]) -> None:
    before = copy.deepcopy(whisperx_ru)
    normalize(whisperx_ru)
    assert whisperx_ru == before


_time = st.one_of(st.none(), st.floats(-1, 100, allow_nan=False), st.just("bad"))
_word = st.fixed_dictionaries(
    {"word": st.sampled_from([" да", "нет", " 2019", "ok", ""])},
    optional={"start": _time, "end": _time, "score": _time, "speaker": st.sampled_from(["A", "B", ""])},
)
_segment = st.fixed_dictionaries(
    {"start": st.floats(0, 100), "end": st.floats(0, 100), "text": st.sampled_from([" Да.", "", " Ну"])},
    optional={"speaker": st.sampled_from(["A", "B", "C"]), "words": st.lists(_word, max_size=5)},
)


@settings(max_examples=200, deadline=None)
@given(segments=st.lists(_segment, max_size=8))
def test_any_wellformed_output_gives_a_consistent_transcript(segments: list[dict[str, Any]]) -> None:
    t = normalize({"segments": segments})
    assert [s.id for s in t.segments] == list(range(len(t.segments)))
    assert [s.start for s in t.segments] == sorted(s.start for s in t.segments)
    used = {s.speaker for s in t.segments} | {w.speaker for s in t.segments for w in s.words}
    assert used - {None} == set(t.speakers)
    if t.speakers:
        assert all(s.speaker is not None for s in t.segments)
    else:
        assert t.source["diarization"] == "none"
    for s in t.segments:
        assert s.text and s.end >= s.start >= 0
        for w in s.words:
            assert w.text and (w.start is None or w.start >= 0)


# --- every real shape (issue 10) and NaN/inf times (issue 9, case 8) --------------------------------


def test_nan_or_infinite_times_are_missing_times_not_a_failed_transcript() -> None:
    raw = {
        "segments": [
            {"start": 0.0, "end": 2.0, "text": "Первая."},
            {"start": math.nan, "end": 4.0, "text": "Вторая."},
            {"start": 4.5, "end": math.inf, "text": "Третья."},
            {"start": -math.inf, "end": math.nan, "text": "Четвёртая."},
            {"start": 9.0, "end": 10.0, "text": "Пятая."},
        ]
    }
    t = normalize(json.loads(json.dumps(raw)))  # NaN/Infinity survive a JSON round trip in Python
    assert [s.text for s in t.segments] == ["Первая.", "Вторая.", "Третья.", "Четвёртая.", "Пятая."]
    assert [(s.start, s.end) for s in t.segments] == [(0, 2), (2, 4), (4.5, 9), (9, 9), (9, 10)]


def test_missing_end_takes_the_next_start_and_numeric_strings_are_read() -> None:
    raw = {
        "segments": [
            {"start": "0.5", "text": "One."},
            {"start": 3.25, "text": "Two.", "end": 4},
            {"start": 5, "text": "Three."},
        ]
    }
    t = normalize(raw)
    assert [(s.start, s.end) for s in t.segments] == [(0.5, 3.25), (3.25, 4.0), (5.0, 5.0)]


def test_openai_whisper_json_with_float_noise() -> None:
    raw = {
        "text": " Jane? Mark? Yeah, good thanks.",
        "segments": [
            {
                "id": 0,
                "seek": 0,
                "start": 0.66,
                "end": 7.919999999999999,
                "text": " Jane? Mark?",
                "tokens": [50364, 13044],
                "temperature": 0.0,
                "avg_logprob": -0.30164827149489830,
                "compression_ratio": 1.497991967871486,
                "no_speech_prob": 0.015153095126152039,
                "words": [{"word": " Jane?", "start": 0.66, "end": 1.1400000000000001, "probability": 0.618}],
            },
            {
                "id": 1,
                "seek": 2720,
                "start": 8.42,
                "end": 12.36,
                "text": " Yeah, good thanks.",
                "tokens": [],
                "temperature": 0.0,
                "avg_logprob": -0.44,
                "compression_ratio": 0.79,
                "no_speech_prob": 0.61,
            },
        ],
        "language": "en",
    }
    t = normalize(raw)
    assert t.language == "en" and [s.text for s in t.segments] == ["Jane? Mark?", "Yeah, good thanks."]
    assert t.segments[0].end == 7.92 and t.segments[0].words[0].end == 1.14
    assert t.segments[0].words[0].score == pytest.approx(0.618)
    assert t.segments[1].no_speech_prob == pytest.approx(0.61)


def test_result_wrapper_and_whisperx_without_words(kodxana_en: dict[str, Any]) -> None:
    bare = {
        "segments": [{"start": 0.0, "end": 1.5, "text": " Hello.", "speaker": "SPEAKER_00"}],
        "language": "en",
    }
    assert normalize({"result": bare}).segments[0].text == "Hello."
    assert normalize(json.dumps({"result": json.dumps(bare)})).segments[0].speaker == "SPEAKER_00"


def test_whisperx_word_segments_only_and_speaker_mismatch() -> None:
    raw = {
        "segments": [
            {
                "start": 0.0,
                "end": 2.0,
                "text": " Yes, sure.",
                "speaker": "SPEAKER_01",
                "words": [
                    {"word": "Yes,", "start": 0.0, "end": 0.4, "score": 0.0, "speaker": "SPEAKER_00"},
                    {"word": "sure.", "start": 0.5, "end": 8.5, "score": 0.91},
                ],
            },
        ],
        "word_segments": [
            {"word": "Yes,", "start": 0.0, "end": 0.4},
            {"word": "sure.", "start": 0.5, "end": 8.5},
        ],
    }
    t = normalize(raw)
    seg = t.segments[0]
    assert seg.speaker == "SPEAKER_01"  # the segment's own label wins; the word keeps its own
    assert [w.speaker for w in seg.words] == ["SPEAKER_00", None]
    assert [w.score for w in seg.words] == [0.0, 0.91]  # 0.0 is a score, not a missing one
    assert seg.words[1].end == 8.5  # an 8-second word is kept as given
    assert set(t.speakers) == {"SPEAKER_00", "SPEAKER_01"}
