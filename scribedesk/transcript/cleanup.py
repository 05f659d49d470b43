"""Flag segments Whisper probably invented, with a reason each; never delete anything.

Policy (docs: HALLUCINATIONS): precision beats recall. Credit lines are flagged on sight. Outros,
stock sentences and sound tags are everyday words, so they are flagged only with a positional or
acoustic signal (after a stretch of silence at the end, alone in a long gap, past the audio end,
squeezed or stretched, badly aligned, judged silent by the decoder). Loops, text after the audio
ends, impossible speaking rates, segments no word of which aligned, long runs of a foreign script
and whisper's own silence gate are flagged whatever the words.

Flagged segments start hidden from exports; the reviewer can restore them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from scribedesk.transcript import phrases
from scribedesk.transcript.model import Segment, Transcript

FLAG_PREFIX = "hallucination:"

REASONS: dict[str, str] = {
    "credit-line": "Subtitle credit line — Whisper invents these on silence",
    "outro-in-silence": "Sign-off phrase after a stretch of silence — a common Whisper invention",
    "outro-phrase": "Common Whisper sign-off phrase, with a second warning sign",
    "stock-phrase": "Stock sentence Whisper produces on background noise",
    "sound-tag": "Sound caption (music, applause) over non-speech audio",
    "repetition-loop": "The same phrase repeats back to back — a Whisper decoding loop",
    "repeated-segment": "Repeats the segment before it word for word",
    "beyond-audio": "Placed after the end of the recording",
    "too-short": "Too many words for the time it lasts",
    "implausible-rate": "Speaking rate far outside human speech",
    "low-alignment": "None of the words could be matched to the audio",
    "wrong-script": "Long run of text in another script than the interview's language",
    "decoder-scores": "Whisper's own scores say this window is silence or a loop",
    "url": "Web address boilerplate",
}

# Thresholds, each from the policy text; see HALLUCINATIONS.md for the reasoning.
SILENCE_GAP = 3.0  # seconds of nothing before a sign-off at the end, or on both sides mid-recording
TAG_GAP = 2.0  # a sound tag next to this much silence
MIN_PHRASE_DURATION = 0.3  # a sign-off phrase cannot be said faster
MAX_RATE, MIN_RATE, SLOW_MIN_DURATION = 25.0, 2.0, 5.0  # characters per second
LOW_ALIGN_MEAN, LOW_ALIGN_MAX, LOW_ALIGN_WORDS = 0.15, 0.3, 3
OUTRO_ALIGN_MEAN = 0.25  # a sign-off that barely aligns
NO_SPEECH, LOW_LOGPROB, HIGH_COMPRESSION = 0.6, -1.0, 2.4


def flag_reason(flag: str) -> str:
    """A short human description of a flag for the UI and exports."""
    reason = flag.removeprefix(FLAG_PREFIX)
    return REASONS.get(reason, reason.replace("-", " ").capitalize())


@dataclass(frozen=True)
class _Place:
    """Where a segment sits: silence before and after it, and whether only non-speech follows."""

    gap_before: float
    gap_after: float | None
    is_tail: bool


def flag_hallucinations(t: Transcript, *, audio_duration: float | None = None) -> Transcript:
    """Return a copy with `hallucination:<reason>` flags; newly flagged segments are hidden."""
    out = t.model_copy(deep=True)
    audio_end = audio_duration if audio_duration is not None else t.duration
    segs = out.segments
    not_speech = [_never_speech(s, audio_end) for s in segs]
    sign_off = [phrases.is_outro(s.text) or phrases.is_stock_phrase(s.text) for s in segs]
    repeated = _repeated_segments(segs)
    places = _places(segs, not_speech, sign_off)
    tail_flagged = False
    for i, seg in enumerate(segs):
        place = places[i]
        reasons = _text_reasons(seg, out.language) + _timing_reasons(seg, audio_end)
        if i in repeated:
            reasons.append("repeated-segment")
        sign_off_reasons = _sign_off_reasons(seg, place, tail_flagged) if sign_off[i] else []
        tail_flagged = place.is_tail and bool(sign_off_reasons or tail_flagged)
        reasons += sign_off_reasons
        if phrases.is_sound_tag(seg.text) and _tag_has_signal(seg, place, audio_end):
            reasons.append("sound-tag")
        _apply(seg, reasons)
    return out


def _apply(seg: Segment, reasons: list[str]) -> None:
    """Replace this module's flags; hide only when the set of flags changed (keeps a reviewer's restore)."""
    old = [f for f in seg.flags if f.startswith(FLAG_PREFIX)]
    new = [FLAG_PREFIX + r for r in dict.fromkeys(reasons)]
    seg.flags = [f for f in seg.flags if not f.startswith(FLAG_PREFIX)] + new
    if new and set(new) != set(old):
        seg.hidden = True


def _never_speech(seg: Segment, audio_end: float | None) -> bool:
    """Segments that cannot be anyone's words, so they do not count as neighbouring speech."""
    beyond = audio_end is not None and seg.start >= audio_end
    return beyond or phrases.is_credit_line(seg.text) or phrases.is_sound_tag(seg.text)


def _places(segs: list[Segment], not_speech: list[bool], sign_off: list[bool]) -> list[_Place]:
    """One linear pass each way: nearest speech before and after, and whether only non-speech follows."""
    n = len(segs)
    last_end = [0.0] * n  # end of the latest speech segment before i
    latest = 0.0
    for i, seg in enumerate(segs):
        last_end[i] = latest
        if not not_speech[i]:
            latest = max(latest, seg.end)
    next_start: list[float | None] = [None] * n
    tail = [True] * n
    earliest: float | None = None
    only_non_speech = True
    for i in range(n - 1, -1, -1):
        next_start[i], tail[i] = earliest, only_non_speech
        if not not_speech[i]:
            earliest = segs[i].start if earliest is None else min(earliest, segs[i].start)
        only_non_speech = only_non_speech and (not_speech[i] or sign_off[i])
    return [
        _Place(
            gap_before=seg.start - last_end[i],
            gap_after=None if next_start[i] is None else next_start[i] - seg.end,  # type: ignore[operator]
            is_tail=tail[i],
        )
        for i, seg in enumerate(segs)
    ]


def _scores(seg: Segment) -> list[float]:
    # A missing score (digits, symbols) is not evidence either way.
    return [w.score for w in seg.words if w.score is not None]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _chars(seg: Segment) -> int:
    # Characters as subtitle reading-speed rules count them: spaces and punctuation included.
    return len(seg.text.strip())


def _decoder_silent(seg: Segment) -> bool:
    nsp, lp = seg.no_speech_prob, seg.avg_logprob
    return nsp is not None and lp is not None and nsp > NO_SPEECH and lp < LOW_LOGPROB


def _sign_off_reasons(seg: Segment, place: _Place, tail_flagged: bool) -> list[str]:
    """An outro or stock sentence is flagged only with a positional or acoustic signal."""
    kind = "outro" if phrases.is_outro(seg.text) else "stock"
    at_end = place.is_tail and (place.gap_before >= SILENCE_GAP or tail_flagged)
    isolated = place.gap_before >= SILENCE_GAP and (place.gap_after or 0.0) >= SILENCE_GAP
    if at_end or isolated:
        return ["outro-in-silence" if kind == "outro" else "stock-phrase"]
    duration = seg.end - seg.start
    mean = _mean(_scores(seg))
    signals = []
    if duration < MIN_PHRASE_DURATION:
        signals.append("too-short")
    if mean is not None and mean < OUTRO_ALIGN_MEAN:
        signals.append("low-alignment")
    if seg.no_speech_prob is not None and seg.no_speech_prob > NO_SPEECH:
        signals.append("decoder-scores")
    if not signals:
        return []
    return ["outro-phrase" if kind == "outro" else "stock-phrase", *signals]


def _tag_has_signal(seg: Segment, place: _Place, audio_end: float | None) -> bool:
    mean = _mean(_scores(seg))
    return (
        place.gap_before >= TAG_GAP
        or (place.gap_after is None or place.gap_after >= TAG_GAP)
        or (mean is not None and mean < 0.35)
        or (seg.no_speech_prob is not None and seg.no_speech_prob > NO_SPEECH)
        or (audio_end is not None and seg.start >= audio_end)
    )


def _text_reasons(seg: Segment, language: str | None) -> list[str]:
    reasons = []
    if phrases.is_credit_line(seg.text):
        reasons.append("credit-line")
    if phrases.is_url_boilerplate(seg.text):
        reasons.append("url")
    tokens = phrases.normalize_text(seg.text).split()
    if _has_loop(tokens, times=3) or _low_variety(tokens):
        reasons.append("repetition-loop")
    if _decoder_silent(seg) or _compressed_loop(seg, tokens):
        reasons.append("decoder-scores")
    if _wrong_script(seg.text, language):
        reasons.append("wrong-script")
    return reasons


def _compressed_loop(seg: Segment, tokens: list[str]) -> bool:
    # Russian runs ~2.05 on ordinary text, so a high ratio only counts together with repetition.
    if seg.compression_ratio is None or seg.compression_ratio <= HIGH_COMPRESSION:
        return False
    return _has_loop(tokens, times=2) or _low_variety(tokens, min_words=10, share=0.5)


def _timing_reasons(seg: Segment, audio_end: float | None) -> list[str]:
    reasons = []
    duration = seg.end - seg.start
    if audio_end is not None and (seg.start >= audio_end + 0.1 or seg.end >= audio_end + 5.0):
        reasons.append("beyond-audio")
    words = len(seg.text.split())
    chars = _chars(seg)
    too_fast = duration > 0 and chars >= 12 and chars / duration > MAX_RATE
    too_slow = duration > SLOW_MIN_DURATION and chars / duration < MIN_RATE
    if words >= 3 and duration < MIN_PHRASE_DURATION:
        reasons.append("too-short")
    elif too_fast or too_slow:
        reasons.append("implausible-rate")
    scores = _scores(seg)
    weak = len(scores) >= LOW_ALIGN_WORDS and max(scores) < LOW_ALIGN_MAX
    if weak and sum(scores) / len(scores) < LOW_ALIGN_MEAN:
        reasons.append("low-alignment")
    return reasons


def _has_loop(tokens: list[str], *, times: int) -> bool:
    """The same 3-6 word phrase (of at least two different words) `times` times back to back."""
    for n in range(3, 7):
        for i in range(len(tokens) - n * times + 1):
            unit = tokens[i : i + n]
            if len(set(unit)) < 2:
                continue
            if all(tokens[i + k * n : i + (k + 1) * n] == unit for k in range(1, times)):
                return True
    return False


def _low_variety(tokens: list[str], *, min_words: int = 30, share: float = 0.3) -> bool:
    return len(tokens) >= min_words and len(set(tokens)) / len(tokens) < share


def _repeated_segments(segs: list[Segment]) -> set[int]:
    """Copies (not the first) in a run of consecutive segments with the same text."""
    flagged: set[int] = set()
    run_start = 0
    for i in range(1, len(segs) + 1):
        same = i < len(segs) and _same_text(segs[i], segs[run_start])
        if same:
            continue
        words = len(phrases.normalize_text(segs[run_start].text).split()) if segs else 0
        run = i - run_start
        if (run >= 3 and words >= 3) or (run >= 2 and words >= 8):
            flagged.update(range(run_start + 1, i))
        run_start = i
    return flagged


def _same_text(a: Segment, b: Segment) -> bool:
    return phrases.normalize_text(a.text) == phrases.normalize_text(b.text)


_EXPECTED_SCRIPT = {"ru": "CYRILLIC", "uk": "CYRILLIC", "be": "CYRILLIC", "bg": "CYRILLIC", "kk": "CYRILLIC"}
_CJK = {"CJK", "HIRAGANA", "KATAKANA"}


def _script(c: str) -> str:
    name = unicodedata.name(c, "")
    first = name.split(" ", 1)[0]
    return "CJK" if first in _CJK else first


def _wrong_script(text: str, language: str | None) -> bool:
    """Another script than the language's; Latin inside Cyrillic (and back) only as a long run."""
    if not language:
        return False
    expected = _EXPECTED_SCRIPT.get(language.lower()[:2], "LATIN")
    letters = [_script(c) for c in text if c.isalpha()]
    foreign = [s for s in letters if s != expected]
    if not letters or not foreign:
        return False
    if {"LATIN", "CYRILLIC"} >= set(foreign) | {expected}:
        # Brand names and short quotes are real: only a long run, nearly the whole segment, counts.
        words = [w for w in text.split() if any(c.isalpha() for c in w)]
        run = longest = 0
        for w in words:
            is_foreign = all(_script(c) != expected for c in w if c.isalpha())
            run = run + 1 if is_foreign else 0
            longest = max(longest, run)
        return longest >= 8 and len(foreign) / len(letters) >= 0.9
    return len(foreign) >= 4 and len(foreign) / len(letters) >= 0.5
