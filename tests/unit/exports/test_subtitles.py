"""SRT and VTT read back by a strict little parser: numbering, timing, order, line limits, voices."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from scribedesk.exports import ExportMeta, ExportOptions, render
from scribedesk.exports.cues import MAX_LINE, MAX_SECONDS
from scribedesk.transcript.model import Segment, Transcript, Word
from tests.unit.exports.conftest import CREDIT, LONG

SRT_TIME = re.compile(r"^(\d\d):([0-5]\d):([0-5]\d),(\d{3}) --> (\d\d):([0-5]\d):([0-5]\d),(\d{3})$")
VTT_TIME = re.compile(r"^(\d\d):([0-5]\d):([0-5]\d)\.(\d{3}) --> (\d\d):([0-5]\d):([0-5]\d)\.(\d{3})$")
VOICE = re.compile(r"^<v ([^<>&]+)>")


@dataclass
class ParsedCue:
    start: int
    end: int
    lines: list[str]


def _ms(h: str, m: str, s: str, ms: str) -> int:
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms)


def _check_timing(cues: list[ParsedCue]) -> None:
    previous_end = 0
    for cue in cues:
        assert cue.start < cue.end, cue
        assert cue.start >= previous_end, "cues overlap or go backwards"
        assert cue.end - cue.start <= MAX_SECONDS * 1000
        assert 1 <= len(cue.lines) <= 2 and all(line.strip() for line in cue.lines)
        previous_end = cue.end


def parse_srt(data: bytes) -> list[ParsedCue]:
    text = data.decode("utf-8")
    assert text.endswith("\n") and "\r" not in text
    cues = []
    for number, block in enumerate(text.rstrip("\n").split("\n\n"), start=1):
        lines = block.split("\n")
        assert lines[0] == str(number)
        timing = SRT_TIME.match(lines[1])
        assert timing, lines[1]
        g = timing.groups()
        cues.append(ParsedCue(_ms(*g[:4]), _ms(*g[4:]), lines[2:]))
    _check_timing(cues)
    for cue in cues:
        assert all(len(line) <= MAX_LINE for line in cue.lines), cue.lines
    return cues


def parse_vtt(data: bytes) -> list[tuple[ParsedCue, str | None]]:
    """Cues with their voice; checks that the text holds no raw markup other than one leading <v>."""
    text = data.decode("utf-8")
    blocks = text.rstrip("\n").split("\n\n")
    assert blocks[0] == "WEBVTT"
    out = []
    for block in blocks[1:]:
        lines = block.split("\n")
        timing = VTT_TIME.match(lines[0])
        assert timing, lines[0]
        voice = VOICE.match(lines[1])
        body = [lines[1][voice.end() :] if voice else lines[1], *lines[2:]]
        for line in body:
            assert "<" not in line and ">" not in line and not re.search(r"&(?!amp;|lt;|gt;)", line)
            assert len(line.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")) <= MAX_LINE
        g = timing.groups()
        out.append((ParsedCue(_ms(*g[:4]), _ms(*g[4:]), body), voice.group(1) if voice else None))
    _check_timing([cue for cue, _ in out])
    return out


def srt(t: Transcript, **opts: bool) -> list[ParsedCue]:
    return parse_srt(render("srt", t, ExportOptions(**opts), ExportMeta()))


def test_srt_cues_are_short_ordered_and_named_on_speaker_change(interview: Transcript) -> None:
    cues = srt(interview)
    assert len(cues) > 6  # the 22-second answer is split into several cues
    firsts = [" ".join(c.lines) for c in cues]
    assert firsts[0].startswith("Интервьюер: Добрый день!")
    assert firsts[1].startswith("Мария Соколова: Я руковожу")
    named = [text.split(":")[0] for text in firsts if text.startswith(("Интервьюер:", "Мария Соколова:"))]
    assert named == ["Интервьюер", "Мария Соколова", "Интервьюер", "Мария Соколова"]
    assert cues[0].start == 4200
    words = " ".join(" ".join(c.lines) for c in cues)
    assert LONG in words  # nothing lost or reordered when splitting, digits without times included
    assert CREDIT not in words


def test_srt_long_segment_splits_at_word_times(interview: Transcript) -> None:
    cues = srt(interview)
    inside = [c for c in cues if 14300 <= c.start < 36500]
    assert len(inside) >= 4
    # Each cue starts on a word's start time (words are spread evenly over the segment).
    step = (36.5 - 14.3) / len(LONG.split())
    for cue in inside:
        index = (cue.start / 1000 - 14.3) / step
        assert abs(index - round(index)) < 0.01 or cue.start == 14300


def test_srt_options(interview: Transcript) -> None:
    text = " ".join(" ".join(c.lines) for c in srt(interview, speakers=False))
    assert "Интервьюер" not in text and "Мария" not in text
    flagged = " ".join(" ".join(c.lines) for c in srt(interview, include_flagged=True))
    assert CREDIT in flagged


def test_vtt_voices_escaping_and_cyrillic(interview: Transcript) -> None:
    cues = parse_vtt(render("vtt", interview, ExportOptions(), ExportMeta()))
    voices = [voice for _, voice in cues]
    assert set(voices) == {"Интервьюер", "Мария Соколова"}
    xss = [c for c, v in cues if v == "Интервьюер" and "&lt;img" in " ".join(c.lines)]
    assert xss and "&lt;img src=x onerror=alert(1)&gt; и **bold** &amp;" in " ".join(xss[0].lines)
    assert all(
        voice is None
        for _, voice in parse_vtt(render("vtt", interview, ExportOptions(speakers=False), ExportMeta()))
    )


def test_proportional_split_when_words_are_missing_or_stale() -> None:
    text = "Это очень длинная реплика без выравнивания по словам, которую всё равно надо разбить на части."
    t = Transcript(
        segments=[
            Segment(id=0, start=0.0, end=12.0, text=text, speaker="S"),
            # Edited text: the words no longer match, so their times are not trusted.
            Segment(id=1, start=12.0, end=15.0, text="Исправленный текст.", speaker="S",
                    words=[Word(text="Неверный", start=12.0, end=13.0)]),
        ],
        speakers={"S": "Гость"},
    )  # fmt: skip
    cues = srt(t)
    assert len(cues) >= 3
    assert " ".join(" ".join(c.lines) for c in cues) == f"Гость: {text} Исправленный текст."
    assert cues[-1].end == 15000


def test_overlapping_segments_still_give_non_overlapping_cues() -> None:
    t = Transcript(
        segments=[
            Segment(id=0, start=1.0, end=5.0, text="Первый говорит долго и обстоятельно.", speaker="A"),
            Segment(id=1, start=3.0, end=4.0, text="Да.", speaker="B"),
            Segment(id=2, start=3.1, end=3.2, text="Угу.", speaker="A"),
        ],
        speakers={"A": "Анна", "B": "Борис"},
    )
    srt(t)  # the parser asserts order and no overlap
    parse_vtt(render("vtt", t, ExportOptions(), ExportMeta()))


segment_text = st.lists(
    st.sampled_from(["да", "нет", "конечно", "2015", "сыроварня", "Кострома,", "очень-очень", "так."]),
    min_size=1,
    max_size=40,
).map(" ".join)


@st.composite
def transcripts(draw: st.DrawFn) -> Transcript:
    segments, at = [], 0.0
    for i in range(draw(st.integers(1, 8))):
        at += draw(st.floats(-2.0, 5.0))
        at = max(at, 0.0)
        length = draw(st.floats(0.0, 30.0))
        text = draw(segment_text)
        words = []
        if draw(st.booleans()):
            pieces = text.split()
            step = length / len(pieces)
            words = [Word(text=p, start=at + k * step, end=at + (k + 1) * step)
                     if draw(st.booleans()) else Word(text=p) for k, p in enumerate(pieces)]  # fmt: skip
        speaker = draw(st.sampled_from(["A", "B", None]))
        segments.append(Segment(id=i, start=at, end=at + length, text=text, speaker=speaker, words=words))
        at += length
    return Transcript(segments=segments, speakers={"A": "Анна", "B": "Борис Борисович"})


@settings(max_examples=150, deadline=None)
@given(transcripts())
def test_any_transcript_gives_valid_subtitles(t: Transcript) -> None:
    cues = srt(t)
    parse_vtt(render("vtt", t, ExportOptions(), ExportMeta()))
    spoken = " ".join(" ".join(c.lines) for c in cues)
    for name in ("Анна: ", "Борис Борисович: "):
        spoken = spoken.replace(name, "")
    assert spoken.split() == " ".join(s.text for s in t.segments).split()
