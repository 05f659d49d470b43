"""Reviewer edits: what the reviewer does in the desk must land exactly, and never mutate the input."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scribedesk.transcript.edits import (
    EditError,
    apply_edit,
    edit_text,
    merge_speakers,
    reassign_segment,
    rename_speakers,
    set_hidden,
    split_segment,
)
from scribedesk.transcript.model import Segment, Transcript, Word
from scribedesk.transcript.normalize import normalize


@pytest.fixture
def ru(whisperx_ru: dict[str, Any]) -> Transcript:
    return normalize(whisperx_ru)


def _seg(t: Transcript, text_part: str) -> Segment:
    return next(s for s in t.segments if text_part in s.text)


# --- rename / merge / reassign -------------------------------------------------------------------


def test_rename_sets_names_and_empty_resets(ru: Transcript) -> None:
    named = rename_speakers(ru, {"SPEAKER_00": "  Интервьюер ", "SPEAKER_01": "Иван\nПетров"})
    assert named.speakers == {"SPEAKER_00": "Интервьюер", "SPEAKER_01": "Иван Петров"}
    assert named.display_name("SPEAKER_00") == "Интервьюер"
    assert ru.speakers["SPEAKER_00"] == "SPEAKER_00"  # input untouched
    reset = rename_speakers(named, {"SPEAKER_00": "   "})
    assert reset.speakers["SPEAKER_00"] == "SPEAKER_00"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"SPEAKER_09": "Ghost"}, "unknown speaker"),
        ({"SPEAKER_00": "x" * 81}, "longer than 80"),
        ({"SPEAKER_00": 5}, "must be text"),
    ],
)
def test_rename_rejects(ru: Transcript, mapping: dict[str, Any], message: str) -> None:
    with pytest.raises(EditError, match=message):
        rename_speakers(ru, mapping)


def test_merge_moves_every_segment_and_word(ru: Transcript) -> None:
    named = rename_speakers(ru, {"SPEAKER_00": "Anna"})
    merged = merge_speakers(named, "SPEAKER_01", "SPEAKER_00")
    assert merged.speakers == {"SPEAKER_00": "Anna"}
    assert {s.speaker for s in merged.segments} == {"SPEAKER_00"}
    assert all(w.speaker in (None, "SPEAKER_00") for s in merged.segments for w in s.words)
    assert "SPEAKER_01" in named.speakers


def test_merge_into_new_label_keeps_position(ru: Transcript) -> None:
    merged = merge_speakers(ru, "SPEAKER_00", "Host")
    assert list(merged.speakers) == ["Host", "SPEAKER_01"]


def test_merge_rejects_unknown_and_self(ru: Transcript) -> None:
    with pytest.raises(EditError, match="unknown speaker"):
        merge_speakers(ru, "SPEAKER_07", "SPEAKER_00")
    with pytest.raises(EditError, match="itself"):
        merge_speakers(ru, "SPEAKER_00", "SPEAKER_00")
    with pytest.raises(EditError, match="valid new label"):
        merge_speakers(ru, "SPEAKER_00", "<script>")


def test_reassign_to_existing_and_new_speaker(ru: Transcript) -> None:
    ugu = _seg(ru, "Угу.")
    moved = reassign_segment(ru, ugu.id, "SPEAKER_00")
    assert moved.segments[ugu.id].speaker == "SPEAKER_00"
    assert ru.segments[ugu.id].speaker == "SPEAKER_01"
    guest = reassign_segment(ru, 1, "Guest 2")
    assert guest.speakers["Guest 2"] == "Guest 2"
    assert {w.speaker for w in guest.segments[1].words} == {"Guest 2"}
    with pytest.raises(EditError, match="no segment"):
        reassign_segment(ru, 99, "SPEAKER_00")
    with pytest.raises(EditError, match="valid new label"):
        reassign_segment(ru, 1, "x" * 41)


# --- split ---------------------------------------------------------------------------------------


def test_split_cuts_at_word_times(ru: Transcript) -> None:
    seg = _seg(ru, "Понятно. Спасибо большое.")
    out = split_segment(ru, seg.id, 1, "SPEAKER_01")
    head, tail = out.segments[seg.id], out.segments[seg.id + 1]
    assert (head.text, tail.text) == ("Понятно.", "Спасибо большое.")
    assert head.end == seg.words[0].end and tail.start == seg.words[1].start
    assert (head.start, tail.end) == (seg.start, seg.end)
    assert (head.speaker, tail.speaker) == ("SPEAKER_00", "SPEAKER_01")
    assert [s.id for s in out.segments] == list(range(len(ru.segments) + 1))


def test_split_interpolates_around_untimed_digit(ru: Transcript) -> None:
    seg = _seg(ru, "2019")
    digit = [w.text for w in seg.words].index("2019")
    out = split_segment(ru, seg.id, digit)  # the tail starts with the untimed word
    head, tail = out.segments[seg.id], out.segments[seg.id + 1]
    assert tail.text.startswith("2019")
    assert seg.words[digit - 1].end is not None and seg.words[digit + 1].start is not None
    assert seg.words[digit - 1].end <= head.end <= tail.start <= seg.words[digit + 1].start
    assert tail.speaker == seg.speaker


@pytest.mark.parametrize("word_index", [0, 3, -1])
def test_split_rejects_bad_index(ru: Transcript, word_index: int) -> None:
    seg = _seg(ru, "Понятно. Спасибо большое.")  # three words
    with pytest.raises(EditError, match="split point"):
        split_segment(ru, seg.id, word_index)


# --- edit_text -----------------------------------------------------------------------------------


def test_edit_text_keeps_times_of_unchanged_words(ru: Transcript) -> None:
    seg = _seg(ru, "Да, конечно, рад помочь.")
    out = edit_text(ru, seg.id, "Да, конечно, я рада помочь!")
    new = out.segments[seg.id]
    assert new.text == "Да, конечно, я рада помочь!"
    assert [w.text for w in new.words] == ["Да,", "конечно,", "я", "рада", "помочь!"]
    old = seg.words
    assert (new.words[0].start, new.words[0].score) == (old[0].start, old[0].score)
    assert (new.words[1].end, new.words[4].start) == (old[1].end, old[3].start)
    assert new.words[2].score is None
    assert old[1].end <= new.words[2].start < new.words[3].end <= old[3].start  # type: ignore[operator]


def test_edit_text_keeps_flags_and_rejects_empty(ru: Transcript) -> None:
    flagged = ru.model_copy(deep=True)
    flagged.segments[-1].flags = ["hallucination:credit-line"]
    flagged.segments[-1].hidden = True
    out = edit_text(flagged, flagged.segments[-1].id, "Субтитры сделал кто-то")
    assert out.segments[-1].flags == ["hallucination:credit-line"] and out.segments[-1].hidden
    with pytest.raises(EditError, match="hide the segment"):
        edit_text(ru, 0, "   ")


def test_set_hidden_round_trip(ru: Transcript) -> None:
    hidden = set_hidden(ru, 3, True)
    assert hidden.segments[3].hidden and not ru.segments[3].hidden
    assert not set_hidden(hidden, 3, False).segments[3].hidden


# --- apply_edit ----------------------------------------------------------------------------------


def test_apply_edit_dispatches_each_op(ru: Transcript) -> None:
    out = apply_edit(ru, {"op": "rename", "speakers": {"SPEAKER_01": "Иван"}})
    assert out.speakers["SPEAKER_01"] == "Иван"
    out = apply_edit(out, {"op": "merge_speakers", "source": "SPEAKER_01", "target": "SPEAKER_00"})
    assert list(out.speakers) == ["SPEAKER_00"]
    out = apply_edit(out, {"op": "reassign", "segment_id": 0, "speaker": "Guest"})
    assert out.segments[0].speaker == "Guest"
    out = apply_edit(out, {"op": "split", "segment_id": 0, "word_index": 1})
    assert out.segments[0].text == "Здравствуйте!"
    out = apply_edit(out, {"op": "edit_text", "segment_id": 0, "text": "Добрый день!"})
    assert out.segments[0].text == "Добрый день!"
    out = apply_edit(out, {"op": "set_hidden", "segment_id": 0, "hidden": True})
    assert out.segments[0].hidden


@pytest.mark.parametrize(
    ("op", "message"),
    [
        ([], "JSON object"),
        ({"op": "delete", "segment_id": 1}, "unknown edit op"),
        ({"speakers": {}}, "unknown edit op"),
        ({"op": "set_hidden", "segment_id": 1, "hidden": "yes"}, "hidden"),
        ({"op": "set_hidden", "segment_id": True, "hidden": True}, "segment_id"),
        ({"op": "edit_text", "segment_id": "1", "text": "x"}, "segment_id"),
        ({"op": "edit_text", "segment_id": 1}, "text"),
        ({"op": "edit_text", "segment_id": 1, "text": "x", "sneaky": 1}, "unexpected field"),
        ({"op": "split", "segment_id": 1, "word_index": 1, "speaker": 3}, "speaker"),
        ({"op": "rename", "speakers": ["SPEAKER_00"]}, "speakers"),
    ],
)
def test_apply_edit_rejects_bad_shapes(ru: Transcript, op: Any, message: str) -> None:
    with pytest.raises(EditError, match=message):
        apply_edit(ru, op)


# --- properties ----------------------------------------------------------------------------------

_token = st.text(alphabet="абвгдеёжзabcdxyz,.!?", min_size=1, max_size=8)


@st.composite
def timed_segments(draw: st.DrawFn) -> Segment:
    """A segment whose words are monotonic and inside it, some of them untimed."""
    tokens = draw(st.lists(_token, min_size=2, max_size=12))
    start = draw(st.floats(0, 1000, allow_nan=False))
    t = start
    words = []
    for token in tokens:
        gap = draw(st.floats(0, 0.5))
        length = draw(st.floats(0.01, 1.0))
        untimed = draw(st.booleans()) and draw(st.booleans())
        w = Word(text=token, speaker="A")
        word_start = t + gap
        t = word_start + length
        if not untimed:
            w.start, w.end, w.score = word_start, t, 0.8
        words.append(w)
    end = t + draw(st.floats(0, 0.5))
    return Segment(id=0, start=start, end=end, text=" ".join(tokens), speaker="A", words=words)


def _transcript(seg: Segment) -> Transcript:
    return Transcript(segments=[seg], speakers={"A": "A"}, duration=seg.end)


@settings(max_examples=200, deadline=None)
@given(seg=timed_segments(), new=st.lists(_token, min_size=1, max_size=15))
def test_edit_text_times_stay_monotonic_and_inside(seg: Segment, new: list[str]) -> None:
    t = _transcript(seg)
    out = edit_text(t, 0, " ".join(new)).segments[0]
    assert [w.text for w in out.words] == new
    timed = [w for w in out.words if w.start is not None and w.end is not None]
    for w in timed:
        assert seg.start <= w.start <= w.end <= seg.end  # type: ignore[operator]
    for a, b in itertools.pairwise(timed):
        assert a.end <= b.start + 1e-9  # type: ignore[operator]
    assert t.segments[0] == seg  # input untouched


@settings(max_examples=100, deadline=None)
@given(seg=timed_segments(), extra=_token)
def test_edit_text_appending_keeps_every_old_timing(seg: Segment, extra: str) -> None:
    out = edit_text(_transcript(seg), 0, seg.text + " " + extra).segments[0]
    assert out.words[: len(seg.words)] == seg.words
    assert out.words[-1].text == extra


@settings(max_examples=100, deadline=None)
@given(seg=timed_segments(), data=st.data())
def test_split_then_counts_and_bounds(seg: Segment, data: st.DataObject) -> None:
    t = _transcript(seg)
    index = data.draw(st.integers(1, len(seg.words) - 1))
    out = split_segment(t, 0, index, "B")
    head, tail = out.segments
    assert [w.text for w in head.words + tail.words] == [w.text for w in seg.words]
    assert seg.start == head.start <= head.end <= tail.start <= tail.end == seg.end
    assert [s.id for s in out.segments] == [0, 1]
    assert tail.speaker == "B" and out.speakers == {"A": "A", "B": "B"}


@settings(max_examples=50, deadline=None)
@given(labels=st.lists(st.sampled_from(["S0", "S1", "S2"]), min_size=2, max_size=10), data=st.data())
def test_merge_leaves_no_source_label(labels: list[str], data: st.DataObject) -> None:
    segs = [
        Segment(id=i, start=i, end=i + 0.9, text="x", speaker=lab, words=[Word(text="x", speaker=lab)])
        for i, lab in enumerate(labels)
    ]
    speakers = {lab: lab for lab in dict.fromkeys(labels)}
    t = Transcript(segments=segs, speakers=speakers)
    source = data.draw(st.sampled_from(list(speakers)))
    target = data.draw(st.sampled_from(["S0", "S1", "S2", "New"]).filter(lambda x: x != source))
    out = merge_speakers(t, source, target)
    used = {s.speaker for s in out.segments} | {w.speaker for s in out.segments for w in s.words}
    assert source not in used and source not in out.speakers
    assert used <= set(out.speakers)
    assert sum(s.speaker == target for s in out.segments) == labels.count(source) + labels.count(target)
