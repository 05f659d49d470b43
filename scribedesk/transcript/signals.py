"""Signals the hallucination flagger combines, each pure and cheap: scripts, loops, speech overlap.

Every signal here exists on every engine's output (text, times, words) or comes from the speech
timeline the panel computes from the recording (scribedesk/speech.py); decoder scores are read in
cleanup.py only when a worker sent them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

# The script each language Whisper emits is written in; everything else is Latin.
_SCRIPTS: dict[str, tuple[str, ...]] = {
    "CYRILLIC": ("ru", "uk", "be", "bg", "kk", "mk", "sr", "mn", "tg", "ba", "tt"),
    "ARABIC": ("ar", "fa", "ur", "ps", "sd"),
    "HEBREW": ("he", "yi"),
    "DEVANAGARI": ("hi", "mr", "ne", "sa"),
    "BENGALI": ("bn", "as"),
    "GURMUKHI": ("pa",),
    "GUJARATI": ("gu",),
    "TAMIL": ("ta",),
    "TELUGU": ("te",),
    "KANNADA": ("kn",),
    "MALAYALAM": ("ml",),
    "SINHALA": ("si",),
    "THAI": ("th",),
    "LAO": ("lo",),
    "KHMER": ("km",),
    "MYANMAR": ("my",),
    "TIBETAN": ("bo",),
    "GEORGIAN": ("ka",),
    "ARMENIAN": ("hy",),
    "GREEK": ("el",),
    "ETHIOPIC": ("am",),
    "CJK": ("zh", "ja", "yue"),
    "HANGUL": ("ko",),
}
LANGUAGE_SCRIPT: dict[str, str] = {code: script for script, codes in _SCRIPTS.items() for code in codes}
_CJK_PREFIXES = ("CJK", "HIRAGANA", "KATAKANA", "IDEOGRAPHIC", "HALFWIDTH")
_CJK_LOOP = re.compile(r"(.{2,20}?)\1{2,}")
_CHAR_RUN = re.compile(r"([^\W\d_])\1{14,}")


def char_script(c: str) -> str:
    """The script of one letter: "LATIN", "CYRILLIC", "CJK" (Han and kana), "HANGUL", ..."""
    name = unicodedata.name(c, "")
    first = name.split(" ", 1)[0]
    if first.startswith(_CJK_PREFIXES):
        return "CJK"
    if first == "FULLWIDTH":
        return "LATIN"
    return first or "UNKNOWN"


def letter_scripts(text: str) -> list[str]:
    return [char_script(c) for c in text if c.isalpha()]


def expected_script(language: str | None, texts: Sequence[str]) -> str | None:
    """The recording's script: from its language, else the script of at least 80% of all letters."""
    if language:
        return LANGUAGE_SCRIPT.get(language.lower().split("-")[0][:3], "LATIN")
    counts = Counter(s for text in texts for s in letter_scripts(text))
    total = sum(counts.values())
    if not total:
        return None
    script, n = counts.most_common(1)[0]
    return script if n / total >= 0.8 else None


def wrong_script(text: str, expected: str | None) -> bool:
    """Mostly another script than the recording's. Latin inside another script (brand names, short
    quotes) counts only as a long run that is nearly the whole segment."""
    if expected is None:
        return False
    letters = letter_scripts(text)
    foreign = [s for s in letters if s != expected]
    if not letters or not foreign:
        return False
    if (set(foreign) <= {"LATIN", "CYRILLIC"} and expected in {"LATIN", "CYRILLIC"}) or set(foreign) == {
        "LATIN"
    }:
        words = [w for w in text.split() if any(c.isalpha() for c in w)]
        run = longest = 0
        for w in words:
            is_foreign = all(char_script(c) != expected for c in w if c.isalpha())
            run = run + 1 if is_foreign else 0
            longest = max(longest, run)
        return longest >= 8 and len(foreign) / len(letters) >= 0.9
    return len(foreign) >= 4 and len(foreign) / len(letters) >= 0.5


def has_loop(tokens: list[str], *, short_times: int = 3) -> bool:
    """A decoding loop inside one segment: one token 4+ times, a 2-5 token phrase 3+ times (or
    `short_times` for 3-5 tokens), or a phrase of 6+ tokens twice, back to back."""
    n_tokens = len(tokens)
    for n in range(1, min(12, n_tokens // 2) + 1):
        needed = 4 if n == 1 else 3 if n == 2 else short_times if n < 6 else 2
        if n * needed > n_tokens:
            break
        for i in range(n_tokens - n * needed + 1):
            unit = tokens[i : i + n]
            if n > 1 and len(set(unit)) < 2:
                continue
            if all(tokens[i + k * n : i + (k + 1) * n] == unit for k in range(1, needed)):
                return True
    return False


def char_loop(text: str) -> bool:
    """ "Hmmmmmmmmmmmmmmm" or a CJK phrase repeated without spaces ("ありがとうありがとうありがとう")."""
    if _CHAR_RUN.search(text):
        return True
    compact = "".join(c for c in text if c.isalnum())
    scripts = letter_scripts(compact)
    if scripts and sum(s in ("CJK", "HANGUL") for s in scripts) / len(scripts) >= 0.8:
        match = _CJK_LOOP.search(compact)
        return match is not None and len(match.group(0)) >= 8
    return False


def overlap(start: float, end: float, speech: Sequence[tuple[float, float]]) -> float:
    """Seconds of speech between start and end (speech regions sorted, not overlapping)."""
    total = 0.0
    for s, e in speech:
        if e <= start:
            continue
        if s >= end:
            break
        total += min(e, end) - max(s, start)
    return total


def speech_fraction(start: float, end: float, speech: Sequence[tuple[float, float]]) -> float:
    """Share of [start, end] the voice-activity model heard speech in (1.0 for a zero-length span)."""
    if end - start <= 0:
        return 1.0 if overlap(start - 0.05, end + 0.05, speech) > 0 else 0.0
    return overlap(start, end, speech) / (end - start)
