"""Flag segments (and spans inside segments) Whisper probably invented, with a reason each; never delete.

Policy (docs: HALLUCINATIONS): precision beats recall. The signals exist on every path: the speech
timeline the panel computes from the recording (optional plain data, `speech`), position against the
first and last speech, runs of cues judged as one unit (identical or alternating), loops inside a
segment, the recording's script, word alignment, timing; decoder scores only when a worker sent them.
Credit lines are flagged on sight; a credit glued to real speech becomes a flagged span so the real
part stays visible. Outros, fillers and sound tags are everyday words, so they need a second signal.

Flagged segments and spans start hidden from exports; the reviewer can restore them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scribedesk.transcript import phrases, signals
from scribedesk.transcript.model import Segment, Span, Transcript

FLAG_PREFIX = "hallucination:"

REASONS: dict[str, str] = {
    "credit-line": "Subtitle credit line — Whisper invents these on silence",
    "outro-in-silence": "Sign-off phrase after a stretch of silence — a common Whisper invention",
    "outro-phrase": "Common Whisper sign-off phrase, with a second warning sign",
    "stock-phrase": "Stock sentence Whisper produces on background noise",
    "sound-tag": "Sound caption (music, applause) over non-speech audio",
    "filler": "A lone filler word Whisper emits over silence",
    "repetition-loop": "The same phrase repeats back to back — a Whisper decoding loop",
    "repeated-segment": "Repeats the segment before it word for word",
    "cue-loop": "One of a run of identical or alternating lines — a Whisper loop over music or silence",
    "no-speech": "No speech was heard under this line",
    "outside-speech": "Placed before the first or after the last speech in the recording",
    "beyond-audio": "Placed after the end of the recording",
    "too-short": "Too many words for the time it lasts",
    "implausible-rate": "Speaking rate far outside human speech",
    "low-alignment": "None of the words could be matched to the audio",
    "wrong-script": "Text in another script than the interview's language",
    "decoder-scores": "Whisper's own scores say this window is silence or a loop",
    "url": "Web address boilerplate",
}

SILENCE_GAP = 3.0  # seconds of nothing before a sign-off at the end, or on both sides mid-recording
FILLER_GAP = 1.0  # a lone filler this far from the speech before it
TAG_GAP = 2.0  # a sound tag next to this much silence
MIN_PHRASE_DURATION = 0.3  # a sign-off (or three words) cannot be said faster
FILLER_DURATION = 0.2  # a real "um" or "you" still takes this long
SLOW_SIGN_OFF = 5.0  # a sign-off stretched over this many seconds at under one letter a second
LOW_ALIGN_MEAN, LOW_ALIGN_MAX, LOW_ALIGN_WORDS = 0.15, 0.3, 3
OUTRO_ALIGN_MEAN = 0.25
NO_SPEECH, LOW_LOGPROB, HIGH_COMPRESSION = 0.6, -1.0, 2.4
POOR_LOGPROB, SOME_NO_SPEECH = -0.8, 0.3  # what a lone filler needs from the decoder
SILENT_SHARE, THIN_SHARE = 0.05, 0.3  # speech under a line: none at all / too little for a sign-off
SOLID_LINE = 1.0  # seconds (and two words) before a plain line is judged by the timeline alone
MIN_HEARD = 0.25  # share of the transcript's time the timeline must hear before it is trusted
# Letters and digits per second above which no one speaks, by script. Alphabetic scripts: fitted on
# the development half of the real set (genuine lines with quoted times; the fastest, real English,
# runs 20.6/s) with a 1.5x margin. Han/kana and Hangul have one real sample there (4.2/s), so they use
# fast conversational syllable rates (about 9/s Japanese, 10/s Korean) with the same margin.
MAX_RATE: dict[str, float] = {"CJK": 14.0, "HANGUL": 16.0}
MAX_RATE_DEFAULT = 31.0


def flag_reason(flag: str) -> str:
    """A short human description of a flag for the UI and exports."""
    reason = flag.removeprefix(FLAG_PREFIX)
    return REASONS.get(reason, reason.replace("-", " ").capitalize())


@dataclass(frozen=True)
class _Context:
    audio_end: float | None
    script: str | None
    speech: Sequence[tuple[float, float]] | None


@dataclass(frozen=True)
class _Place:
    """Silence before and after a segment, and whether only non-speech follows it."""

    gap_before: float
    gap_after: float | None
    is_tail: bool


def flag_hallucinations(
    t: Transcript,
    *,
    audio_duration: float | None = None,
    speech: Sequence[tuple[float, float]] | None = None,
) -> Transcript:
    """Return a copy with `hallucination:<reason>` flags and flagged spans; new flags start hidden.

    `speech` is the recording's speech timeline (sorted (start, end) seconds), when known.
    """
    out = t.model_copy(deep=True)
    segs = out.segments
    ctx = _Context(
        audio_end=audio_duration if audio_duration is not None else t.duration,
        script=signals.expected_script(t.language, [s.text for s in segs]),
        speech=_trusted(sorted(speech), segs) if speech is not None else None,
    )
    suspect = [_suspect(s) for s in segs]
    places = _places(segs, suspect)
    runs = _cue_runs(segs)
    tail_flagged = False
    for i, seg in enumerate(segs):
        reasons = _text_reasons(seg, ctx) + _timing_reasons(seg, ctx) + runs.get(i, [])
        reasons += _speech_reasons(seg, ctx, suspect[i])
        sign_off = _sign_off_reasons(seg, places[i], tail_flagged) if suspect[i] == "sign-off" else []
        tail_flagged = places[i].is_tail and bool(sign_off or tail_flagged)
        reasons += sign_off
        if suspect[i] == "filler":
            reasons += _filler_reasons(seg, places[i])
        if suspect[i] == "tag" and _tag_has_signal(seg, places[i], ctx.audio_end):
            reasons.append("sound-tag")
        _apply(seg, reasons, _credit_spans(seg) if "credit-line" not in reasons else [])
    return out


def _trusted(speech: list[tuple[float, float]], segs: list[Segment]) -> list[tuple[float, float]] | None:
    """The timeline, unless it hears almost none of the transcript: then the recording is too quiet or
    too noisy for the voice-activity model, and trusting it would hide real speech."""
    total = sum(s.end - s.start for s in segs)
    heard = sum(signals.overlap(s.start, s.end, speech) for s in segs)
    return speech if total <= 0 or heard / total >= MIN_HEARD else None


def _apply(seg: Segment, reasons: list[str], spans: list[Span]) -> None:
    """Replace this module's flags; hide only when the set of flags changed (keeps a reviewer's restore)."""
    old = [f for f in seg.flags if f.startswith(FLAG_PREFIX)]
    new = [FLAG_PREFIX + r for r in dict.fromkeys(reasons)]
    seg.flags = [f for f in seg.flags if not f.startswith(FLAG_PREFIX)] + new
    if new and set(new) != set(old):
        seg.hidden = True
    kept = {(s.start, s.end): s.hidden for s in seg.spans if s.reason.startswith(FLAG_PREFIX)}
    seg.spans = [s.model_copy(update={"hidden": kept.get((s.start, s.end), True)}) for s in spans]


def _suspect(seg: Segment) -> str | None:
    """What kind of everyday-but-suspicious line this is; credits and tags never count as speech."""
    if phrases.is_credit_line(seg.text):
        return "credit"
    if phrases.is_sound_tag(seg.text):
        return "tag"
    if phrases.is_filler(seg.text):
        return "filler"
    if phrases.is_outro(seg.text) or phrases.is_stock_phrase(seg.text):
        return "sign-off"
    return None


def _places(segs: list[Segment], suspect: list[str | None]) -> list[_Place]:
    """Nearest real speech before and after each segment, and whether only suspects follow."""
    n = len(segs)
    not_speech = [k in ("credit", "tag") for k in suspect]
    last_end, latest = [0.0] * n, 0.0
    for i, seg in enumerate(segs):
        last_end[i] = latest
        if not not_speech[i] and suspect[i] != "filler":
            latest = max(latest, seg.end)
    next_start: list[float | None] = [None] * n
    tail, earliest, only_suspects = [True] * n, None, True
    for i in range(n - 1, -1, -1):
        next_start[i], tail[i] = earliest, only_suspects
        if not not_speech[i] and suspect[i] != "filler":
            earliest = segs[i].start if earliest is None else min(earliest, segs[i].start)
        only_suspects = only_suspects and suspect[i] is not None
    return [
        _Place(
            gap_before=seg.start - last_end[i],
            gap_after=None if (nxt := next_start[i]) is None else nxt - seg.end,
            is_tail=tail[i],
        )
        for i, seg in enumerate(segs)
    ]


def _scores(seg: Segment) -> list[float]:
    return [w.score for w in seg.words if w.score is not None]  # a missing score is not evidence


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _sign_off_reasons(seg: Segment, place: _Place, tail_flagged: bool) -> list[str]:
    """An outro or stock sentence is flagged only with a positional or acoustic signal."""
    kind = "outro" if phrases.is_outro(seg.text) else "stock"
    at_end = place.is_tail and (place.gap_before >= SILENCE_GAP or tail_flagged)
    isolated = place.gap_before >= SILENCE_GAP and (place.gap_after or 0.0) >= SILENCE_GAP
    if at_end or isolated:
        return ["outro-in-silence" if kind == "outro" else "stock-phrase"]
    mean = _mean(_scores(seg))
    signals_found = []
    duration = seg.end - seg.start
    if duration < MIN_PHRASE_DURATION:
        signals_found.append("too-short")
    spoken = _spoken_duration(seg)
    if spoken > SLOW_SIGN_OFF and _rate(seg.text) / spoken < 1.0:
        signals_found.append("implausible-rate")  # a few words stretched over a long silence
    if mean is not None and mean < OUTRO_ALIGN_MEAN:
        signals_found.append("low-alignment")
    if seg.no_speech_prob is not None and seg.no_speech_prob > NO_SPEECH:
        signals_found.append("decoder-scores")
    if not signals_found:
        return []
    return ["outro-phrase" if kind == "outro" else "stock-phrase", *signals_found]


def _spoken_duration(seg: Segment) -> float:
    """How long the words take when they are aligned (a real line Whisper timed too long has short
    words in a long segment), else the segment's own length."""
    timed = [(w.start, w.end) for w in seg.words if w.start is not None and w.end is not None]
    if not timed:
        return seg.end - seg.start
    return max(e for _, e in timed) - min(s for s, _ in timed)


def _filler_reasons(seg: Segment, place: _Place) -> list[str]:
    """A lone "you"/"um": after the real end, squeezed, isolated, or scored poorly by the decoder."""
    poor = (seg.avg_logprob is not None and seg.avg_logprob < POOR_LOGPROB) or (
        seg.no_speech_prob is not None and seg.no_speech_prob > SOME_NO_SPEECH
    )
    trailing = place.is_tail and place.gap_before >= FILLER_GAP
    isolated = place.gap_before >= SILENCE_GAP and (place.gap_after is None or place.gap_after >= SILENCE_GAP)
    if trailing or isolated or poor or seg.end - seg.start < FILLER_DURATION:
        return ["filler"]
    return []


def _tag_has_signal(seg: Segment, place: _Place, audio_end: float | None) -> bool:
    mean = _mean(_scores(seg))
    return (
        place.gap_before >= TAG_GAP
        or (place.gap_after is None or place.gap_after >= TAG_GAP)
        or (mean is not None and mean < 0.35)
        or (seg.no_speech_prob is not None and seg.no_speech_prob > NO_SPEECH)
        or (audio_end is not None and seg.start >= audio_end)
    )


def _text_reasons(seg: Segment, ctx: _Context) -> list[str]:
    reasons = []
    if _all_credit(seg.text):
        reasons.append("credit-line")
    if phrases.is_url_boilerplate(seg.text):
        reasons.append("url")
    tokens = phrases.normalize_text(seg.text).split()
    if signals.has_loop(tokens) or _low_variety(tokens) or signals.char_loop(seg.text):
        reasons.append("repetition-loop")
    if _decoder_silent(seg) or _compressed_loop(seg, tokens):
        reasons.append("decoder-scores")
    if signals.wrong_script(seg.text, ctx.script):
        reasons.append("wrong-script")
    return reasons


def _credit_parts(text: str) -> tuple[list[tuple[int, int]], int]:
    """The credit sentences of a text, and how many words of other sentences remain."""
    credit, other_words = [], 0
    for a, b in phrases.sentences(text):
        if phrases.is_credit_line(text[a:b]):
            credit.append((a, b))
        else:
            other_words += len(text[a:b].split())
    return credit, other_words


def _all_credit(text: str) -> bool:
    """A credit line with at most a couple of stray words around it."""
    credit, other_words = _credit_parts(text)
    return (bool(credit) and other_words < 3) or (not credit and phrases.is_credit_line(text))


def _credit_spans(seg: Segment) -> list[Span]:
    """Credit sentences glued to real speech in one segment, as hidden spans of the text."""
    credit, _ = _credit_parts(seg.text)
    reason = FLAG_PREFIX + "credit-line"
    return [Span(start=a, end=b, text=seg.text[a:b], reason=reason) for a, b in credit]


def _decoder_silent(seg: Segment) -> bool:
    nsp, lp = seg.no_speech_prob, seg.avg_logprob
    return nsp is not None and lp is not None and nsp > NO_SPEECH and lp < LOW_LOGPROB


def _compressed_loop(seg: Segment, tokens: list[str]) -> bool:
    # Russian runs ~2.05 on ordinary text, so a high ratio only counts together with repetition.
    if seg.compression_ratio is None or seg.compression_ratio <= HIGH_COMPRESSION:
        return False
    twice = signals.has_loop(tokens, short_times=2)
    return twice or signals.char_loop(seg.text) or _low_variety(tokens, min_words=10, share=0.5)


def _low_variety(tokens: list[str], *, min_words: int = 30, share: float = 0.3) -> bool:
    return len(tokens) >= min_words and len(set(tokens)) / len(tokens) < share


def _timing_reasons(seg: Segment, ctx: _Context) -> list[str]:
    reasons = []
    duration = seg.end - seg.start
    end = ctx.audio_end
    if end is not None and (seg.start >= end + 0.1 or seg.end >= end + 5.0):
        reasons.append("beyond-audio")
    if len(seg.text.split()) >= 3 and duration < MIN_PHRASE_DURATION:
        reasons.append("too-short")
    elif duration >= 0.8 and _rate(seg.text) / duration > MAX_RATE.get(ctx.script or "", MAX_RATE_DEFAULT):
        reasons.append("implausible-rate")
    scores = _scores(seg)
    weak = len(scores) >= LOW_ALIGN_WORDS and max(scores) < LOW_ALIGN_MAX
    if weak and sum(scores) / len(scores) < LOW_ALIGN_MEAN:
        reasons.append("low-alignment")
    return reasons


def _rate(text: str) -> int:
    return sum(1 for c in text if c.isalnum())


def _speech_reasons(seg: Segment, ctx: _Context, suspect: str | None) -> list[str]:
    """What the recording's speech timeline says: nothing heard under it, or outside all speech."""
    speech = ctx.speech
    # A quiet "Да." the voice-activity model missed must not vanish: plain lines need some length.
    solid = suspect is not None or (seg.end - seg.start >= SOLID_LINE and len(seg.text.split()) >= 2)
    if speech is None or not solid:
        return []
    if not speech:
        return ["no-speech"]
    share = signals.speech_fraction(seg.start, seg.end, speech)
    timed = [w for w in seg.words if w.start is not None and w.end is not None]
    word_share = _mean([signals.speech_fraction(w.start, w.end, speech) for w in timed])  # type: ignore[arg-type]
    if share <= SILENT_SHARE and (word_share is None or word_share <= SILENT_SHARE):
        return ["no-speech"]
    outside = seg.start >= speech[-1][1] + 1.0 or seg.end <= speech[0][0] - 1.0
    if outside:
        return ["outside-speech"]
    if suspect is not None and share < THIN_SHARE:
        return ["no-speech"]
    return []


def _cue_runs(segs: list[Segment]) -> dict[int, list[str]]:
    """Runs of consecutive lines judged as one unit: identical cues, alternating pairs, copies."""
    texts = [phrases.normalize_text(s.text) for s in segs]
    flagged: dict[int, list[str]] = {}
    i = 0
    while i < len(segs):
        j = i + 1
        while j < len(segs) and texts[j] == texts[i] and texts[i]:
            j += 1
        run = list(range(i, j))
        if _loop_run(segs, texts, run):
            # The first line may be real; it goes too only when a short cue ("you", "90") or a suspect.
            if len(texts[i].split()) <= 2 or _suspect(segs[i]) is not None:
                flagged[i] = ["cue-loop"]
            for k in run[1:]:
                flagged[k] = ["repeated-segment"]
        elif len(run) >= 2 and len(texts[i].split()) >= 5:
            for k in run[1:]:
                flagged[k] = ["repeated-segment"]
        i = j
    for k in _alternating(texts):
        flagged.setdefault(k, ["cue-loop"])
    return flagged


def _loop_run(segs: list[Segment], texts: list[str], run: list[int]) -> bool:
    """Three or more identical lines by one voice: a loop when long, regular, or of many words."""
    if len(run) < 3 or len({segs[k].speaker for k in run}) > 1:
        return False
    durations = [segs[k].end - segs[k].start for k in run]
    regular = max(durations) - min(durations) <= 0.1
    return len(run) >= 4 or regular or len(texts[run[0]].split()) >= 3


def _alternating(texts: list[str]) -> set[int]:
    """A B A B ...: two phrasings taking turns for at least four lines."""
    out: set[int] = set()
    i = 0
    while i + 3 < len(texts):
        a, b = texts[i], texts[i + 1]
        if not a or not b or a == b:
            i += 1
            continue
        j = i + 2
        while j < len(texts) and texts[j] == (a if (j - i) % 2 == 0 else b):
            j += 1
        if j - i >= 4:
            out.update(range(i, j))
        i = max(i + 1, j - 1)
    return out
