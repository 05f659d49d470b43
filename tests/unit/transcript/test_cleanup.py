"""flag_hallucinations(): flags with reasons, hides flagged segments, spares everyday speech."""

from __future__ import annotations

from typing import Any

import pytest

from scribedesk.transcript.cleanup import FLAG_PREFIX, flag_hallucinations, flag_reason
from scribedesk.transcript.model import Segment, Transcript, Word
from scribedesk.transcript.normalize import normalize
from scribedesk.transcript.phrases import is_credit_line, is_outro, is_sound_tag


def seg(
    start: float, end: float, text: str, *, score: float | None = 0.8, speaker: str = "S0", **kw: Any
) -> Segment:
    """A segment whose words share the time evenly, all with the same alignment score."""
    tokens = text.split()
    step = (end - start) / len(tokens)
    words = [
        Word(text=w, start=start + i * step, end=start + (i + 1) * step, score=score, speaker=speaker)
        for i, w in enumerate(tokens)
    ]
    return Segment(id=0, start=start, end=end, text=text, speaker=speaker, words=words, **kw)


def transcript(*segments: Segment, language: str = "ru") -> Transcript:
    for i, s in enumerate(segments):
        s.id = i
    return Transcript(language=language, segments=list(segments), speakers={"S0": "S0", "S1": "S1"})


def flags(t: Transcript) -> list[list[str]]:
    return [[f.removeprefix(FLAG_PREFIX) for f in s.flags] for s in t.segments]


TALK = "Мы тогда работали втроём в маленьком офисе на Петроградской."
TALK2 = "Честно говоря, я не ожидал, что это так быстро вырастет."
TALK3 = "Сейчас нас около сорока человек, половина работает удалённо."


def test_whisperx_fixture_credit_tail_flagged_real_thanks_kept(whisperx_ru: dict[str, Any]) -> None:
    t = flag_hallucinations(normalize(whisperx_ru), audio_duration=60.0)
    flagged = [(s.text, s.hidden) for s in t.segments if s.flags]
    assert flagged == [("Субтитры сделал DimaTorzok", True)]
    assert "credit-line" in flags(t)[-1]


def test_faster_whisper_fixture_silent_window_flagged(faster_whisper_ru: dict[str, Any]) -> None:
    t = flag_hallucinations(normalize(faster_whisper_ru), audio_duration=40.0)
    assert [s.text for s in t.segments if s.flags] == ["Продолжение следует..."]
    assert "decoder-scores" in flags(t)[-1]


def test_kodxana_fixture_closing_thanks_kept(kodxana_en: dict[str, Any]) -> None:
    t = flag_hallucinations(normalize(kodxana_en), audio_duration=45.0)
    assert not any(s.flags for s in t.segments)


@pytest.mark.parametrize("text", ["Спасибо.", "Да, да, да.", "Thank you.", "Okay.", "Спасибо за просмотр!"])
def test_everyday_phrase_mid_conversation_is_not_flagged(text: str) -> None:
    t = transcript(seg(0, 4.5, TALK), seg(4.9, 5.8, text, speaker="S1"), seg(6.2, 10.0, TALK2))
    assert flags(flag_hallucinations(t, audio_duration=12.0)) == [[], [], []]


def test_closing_thanks_right_after_speech_is_kept() -> None:
    t = transcript(seg(0, 4.5, TALK), seg(4.8, 5.6, "Спасибо.", speaker="S1"))
    assert flags(flag_hallucinations(t, audio_duration=30.0)) == [[], []]


def test_thanks_after_long_silence_at_the_end_is_flagged() -> None:
    t = transcript(seg(0, 4.5, TALK), seg(19.0, 20.5, "Спасибо.", score=0.6))
    out = flag_hallucinations(t, audio_duration=21.0)
    assert flags(out) == [[], ["outro-in-silence"]]
    assert out.segments[1].hidden and not t.segments[1].hidden  # a copy, input untouched


def test_credit_line_alone_is_enough_even_aligned_well() -> None:
    t = transcript(
        seg(0, 4.5, TALK), seg(4.7, 7.0, "Субтитры подогнал Иван Иванов", score=0.9), seg(7.2, 11, TALK)
    )
    assert flags(flag_hallucinations(t)) == [[], ["credit-line"], []]


def test_sound_tag_needs_silence_next_to_it() -> None:
    between = transcript(seg(0, 4.5, TALK), seg(4.7, 5.9, "[музыка]"), seg(6.0, 10.0, TALK))
    assert flags(flag_hallucinations(between)) == [[], [], []]
    alone = transcript(
        seg(0, 4.5, TALK), seg(12.0, 20.0, "ДИНАМИЧНАЯ МУЗЫКА", score=0.2), seg(26.0, 30.0, TALK)
    )
    assert "sound-tag" in flags(flag_hallucinations(alone))[1]


def test_loop_inside_segment() -> None:
    loop = "и я думаю, что " * 5
    t = transcript(seg(0, 4.5, TALK), seg(5.0, 12.0, loop), seg(12.5, 16, "Раз, два, три. Раз, два, три."))
    assert flags(flag_hallucinations(t)) == [[], ["repetition-loop"], []]


def test_repeated_segments_flag_the_copies_not_the_first() -> None:
    line = "Мы запускаем новую версию приложения осенью."
    t = transcript(seg(0, 3, line), seg(3.5, 6.5, line), seg(7, 10, line), seg(11, 12, "Да."))
    assert flags(flag_hallucinations(t)) == [[], ["repeated-segment"], ["repeated-segment"], []]


def test_beyond_audio_and_rounding_at_the_end() -> None:
    t = transcript(seg(0, 4.55, TALK), seg(9.0, 12.0, TALK2))
    assert flags(flag_hallucinations(t, audio_duration=4.5)) == [[], ["beyond-audio"]]


def test_low_alignment_only_when_every_word_failed() -> None:
    t = transcript(
        seg(0, 4.5, TALK, score=0.05), seg(5, 9.5, TALK2, score=0.3), seg(10, 14.5, TALK3, score=None)
    )
    assert flags(flag_hallucinations(t)) == [["low-alignment"], [], []]


def test_brand_names_are_not_wrong_script_but_long_foreign_runs_are() -> None:
    brand = "Созвоны у нас в Microsoft Teams, а задачи в Jira, и всё это в Google Cloud."
    english = "So we went to the office and then we talked about the new release for an hour."
    japanese = "ご視聴ありがとうございました"
    t = transcript(seg(0, 5, brand), seg(5.5, 11, english), seg(11.5, 13, japanese), seg(13.5, 18, TALK))
    assert flags(flag_hallucinations(t)) == [[], ["wrong-script"], ["wrong-script"], []]


def test_decoder_scores_need_both_signals_and_compression_needs_repetition() -> None:
    long_ru = " ".join([TALK, TALK2, TALK3])
    t = transcript(
        seg(0, 4, "Ну, вот.", score=None, no_speech_prob=0.9, avg_logprob=-1.4),
        seg(4.5, 6, "Ну, вот.", score=None, no_speech_prob=0.9, avg_logprob=-0.3),
        seg(6.5, 18, long_ru, score=None, compression_ratio=2.6),
        seg(19, 23, "и вот мы поехали, и вот мы поехали, домой", score=None, compression_ratio=2.9),
    )
    assert flags(flag_hallucinations(t)) == [["decoder-scores"], [], [], ["decoder-scores"]]


def test_idempotent_and_keeps_a_reviewers_restore() -> None:
    t = transcript(seg(0, 4.5, TALK), seg(30.0, 31.0, "Thank you for watching.", score=0.1))
    once = flag_hallucinations(t, audio_duration=32)
    assert flag_hallucinations(once, audio_duration=32) == once
    restored = once.model_copy(deep=True)
    restored.segments[1].hidden = False
    again = flag_hallucinations(restored, audio_duration=32)
    assert again.segments[1].flags == once.segments[1].flags and not again.segments[1].hidden


def test_other_flags_survive() -> None:
    s = seg(0, 4.5, TALK)
    s.flags = ["note:checked"]
    assert flag_hallucinations(transcript(s)).segments[0].flags == ["note:checked"]


def test_flag_reason_is_human() -> None:
    assert flag_reason("hallucination:credit-line").startswith("Subtitle credit line")
    assert flag_reason("hallucination:something-new") == "Something new"


@pytest.mark.parametrize(
    ("text", "credit"),
    [
        ("Субтитры сделал DimaTorzok", True),
        ("Субтитры создавал Игорь Негода", True),
        ("Редактор субтитров А.Синецкая Корректор А.Егорова", True),
        ("Subtitles by the Amara.org community", True),
        ("Untertitel im Auftrag des ZDF, 2020", True),
        ("Корректор у нас очень строгий.", False),
        ("Мы делали субтитры для фильма сами.", False),
        ("I subscribe to their newsletter.", False),
    ],
)
def test_credit_pattern(text: str, credit: bool) -> None:
    assert is_credit_line(text) is credit


def test_phrase_helpers() -> None:
    assert is_outro("Спасибо.") and is_outro("thanks for watching") and not is_outro("Спасибо, Анна.")
    assert is_sound_tag("[Music]") and is_sound_tag("ДИНАМИЧНАЯ МУЗЫКА") and not is_sound_tag("Музыка.")


def test_every_sourced_phrase_is_recognised_by_its_kind() -> None:
    """The sourced list (hallucination_phrases.tsv, copied into phrases.py) is covered by the patterns."""
    from scribedesk.transcript.phrases import KNOWN_PHRASES, is_stock_phrase, is_url_boilerplate

    check = {
        "credit": is_credit_line,
        "outro": is_outro,
        "sound-tag": is_sound_tag,
        "noise": is_stock_phrase,
        "boilerplate": is_url_boilerplate,
    }
    missed = [phrase for _, kind, phrase, _ in KNOWN_PHRASES if not check[kind](phrase)]
    assert missed == []


# --- the classes the real evaluation set showed (issue 10) -----------------------------------------


def test_alternating_cues_are_one_loop() -> None:
    lines = [seg(0, 4.5, TALK)] + [
        seg(10 + 3 * i, 12 + 3 * i, "Спасибо за просмотр." if i % 2 else "Подписывайтесь на канал.")
        for i in range(4)
    ]
    out = flags(flag_hallucinations(transcript(*lines)))
    assert out[0] == [] and all("cue-loop" in f for f in out[1:])


def test_identical_short_cues_over_music_are_flagged_as_a_run() -> None:
    t = transcript(seg(0, 4.5, TALK), *[seg(20 + i, 21 + i, "90", score=None) for i in range(5)])
    assert [bool(f) for f in flags(flag_hallucinations(t))] == [False] + [True] * 5


def test_lone_trailing_you_with_poor_decoder_scores() -> None:
    t = transcript(
        seg(
            0,
            4.0,
            "So that is how we started the company.",
            score=None,
            avg_logprob=-0.2,
            no_speech_prob=0.01,
        ),
        seg(4.2, 5.0, "you", score=None, avg_logprob=-1.1, no_speech_prob=0.45),
        language="en",
    )
    assert flags(flag_hallucinations(t)) == [[], ["filler"]]


def test_credit_with_another_verb_and_no_punctuation() -> None:
    t = transcript(seg(0, 4.5, TALK), seg(4.9, 7.0, "субтитры подготовил иван петров"))
    assert flags(flag_hallucinations(t))[1] == ["credit-line"]


@pytest.mark.parametrize(
    ("language", "text"), [("en", "시청해주셔서 감사합니다!"), ("ru", "ご視聴ありがとうございました")]
)
def test_short_line_in_another_script_is_flagged(language: str, text: str) -> None:
    t = transcript(
        seg(0, 4.5, "We talked about the budget for a while."), seg(5, 6.5, text), language=language
    )
    assert "wrong-script" in flags(flag_hallucinations(t))[1]


@pytest.mark.parametrize(
    ("language", "text", "start", "end"),
    [
        ("en", "So-we-basically-shipped-it-on-Friday-and-then-everything-broke-at-once", 0.0, 3.2),  # fast
        ("ka", "გამარჯობა, როგორ ხარ?", 0.0, 1.5),  # a script the old check did not know
        ("ru", "Субтитры к фильму мы делали сами, это заняло почти месяц работы.", 0.0, 4.0),
        (
            "en",
            "Subtitles by volunteers are often better than the ones the studios pay for, honestly.",
            0.0,
            5.0,
        ),
    ],
)
def test_genuine_lines_that_look_suspicious_are_kept(
    language: str, text: str, start: float, end: float
) -> None:
    t = transcript(
        seg(start, end, text), seg(end + 0.4, end + 4, TALK2 if language == "ru" else "And then we moved on.")
    )
    t.language = language
    assert flags(flag_hallucinations(t))[0] == []


def test_short_greeting_timed_far_too_long_is_kept() -> None:
    words = [Word(text="Спасибо.", start=9.1, end=9.7, score=0.8, speaker="S1")]
    thanks = Segment(id=0, start=4.8, end=12.0, text="Спасибо.", speaker="S1", words=words)
    t = transcript(seg(0, 4.5, TALK), thanks, seg(12.3, 16.0, TALK2))
    assert flags(flag_hallucinations(t)) == [[], [], []]
