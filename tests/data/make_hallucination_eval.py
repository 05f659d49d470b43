"""Build tests/data/hallucination_eval.json: labelled cases for the hallucination flagger.

Run from the repository root: `python tests/data/make_hallucination_eval.py`. Deterministic (fixed seed).

The cases were written from the situations in docs/HALLUCINATIONS (the shared policy) and the
sourced strings in hallucination_phrases.tsv, before the rules in scribedesk/transcript/cleanup.py:
- hallucinations: credit lines anywhere; outros, sound tags and stock noise sentences at the end of a
  recording after silence or inside a long silence gap (aligned badly, or sometimes not too badly);
  loops inside a segment and across consecutive segments; text after the audio ends; decoder scores of
  a silent window (faster-whisper worker); foreign-script outros; URLs; text squeezed or stretched
  beyond any speaking rate.
- genuine: the same words in ordinary conversation — backchannels, thanks mid-interview, interview
  closings that follow the previous sentence closely, a thank-you after a long pause that is followed
  by more speech, noisy phone-line speech with low alignment scores, brand names and short English
  quotes inside Russian, real repetitions ("Да, да, да.", a mic check), very short real backchannels,
  long Russian segments with a high compression ratio, quiet speech with a high no_speech_prob.

Each case is a small WhisperX-style output (segments with words, scores, speakers) plus the audio
duration, the index of the target segment, its label, the situation, and the source of the string.
`hallucinated` lists every segment of the case that is invented (the target and, for loops, its copies);
all other segments are genuine speech and count as extra genuine checks. `hard` marks invented
segments with only weak signals, which the policy (precision first) accepts missing.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

SEED = 20250421
OUT = Path(__file__).with_name("hallucination_eval.json")
TSV = "hallucination_phrases.tsv (shared data, see scribedesk/transcript/phrases.py)"

RU_TALK = [
    "Расскажите, пожалуйста, с чего всё началось.",
    "Мы тогда работали втроём в маленьком офисе на Петроградской.",
    "Честно говоря, я не ожидал, что это так быстро вырастет.",
    "А как вы находили первых клиентов?",
    "В основном через знакомых, сарафанное радио работало лучше любой рекламы.",
    "Были моменты, когда хотелось всё бросить?",
    "Конечно, особенно зимой, когда закончились деньги.",
    "Но потом нам помог грант, и мы смогли нанять двух разработчиков.",
    "Как изменилась команда за эти годы?",
    "Сейчас нас около сорока человек, половина работает удалённо.",
    "Что бы вы посоветовали тем, кто только начинает?",
    "Не бояться ошибаться и разговаривать с пользователями каждую неделю.",
    "Давайте вернёмся к вопросу про финансирование.",
    "Мы привлекли первый раунд в 2021 году.",
    "Это было непросто, инвесторы задавали очень много вопросов.",
    "А как к этому отнеслась ваша семья?",
    "Жена сначала была против, но потом поддержала.",
    "Понятно. А что сейчас происходит с проектом?",
    "Мы запускаем новую версию приложения осенью.",
    "Там будет офлайн-режим, о котором нас давно просили.",
]
EN_TALK = [
    "So tell me how the whole thing got started.",
    "We were three people in a tiny office above a bakery.",
    "Honestly, I didn't expect it to grow that fast.",
    "How did you find your first customers?",
    "Mostly through friends, word of mouth worked better than any ad.",
    "Were there moments when you wanted to give up?",
    "Sure, especially that first winter when the money ran out.",
    "Then a small grant came through and we hired two developers.",
    "How has the team changed over the years?",
    "We're about forty people now, half of them remote.",
    "What would you tell someone who is just starting out?",
    "Don't be afraid to be wrong, and talk to your users every week.",
    "Let's go back to the funding question for a moment.",
    "We raised our first round in 2021.",
    "It was hard, the investors asked a lot of questions.",
    "And how did your family feel about it?",
    "My wife was against it at first, but then she came around.",
    "I see. And where is the project now?",
    "We're launching the new version of the app in the fall.",
    "It has the offline mode people have been asking for.",
]
CLOSING_LEAD = {
    "ru": ["На этом у меня всё, большое спасибо за разговор.", "Спасибо, что нашли время прийти к нам."],
    "en": ["That's all I had, thank you so much for your time.", "Thanks for coming in today."],
}

# Sourced hallucination strings (hallucination_phrases.tsv) and name variants for the credit pattern.
RU_CREDITS = [
    ("Субтитры сделал DimaTorzok", "Vexa-ai/vexa hallucinations/ru.txt"),
    ("Субтитры создавал DimaTorzok", "Vexa-ai/vexa hallucinations/ru.txt"),
    ("Субтитры подогнал «Симон»", "Vexa-ai/vexa hallucinations/ru.txt"),
    ("Спасибо за субтитры Алексею Дубровскому!", "Vexa-ai/vexa hallucinations/ru.txt"),
    ("Редактор субтитров А.Синецкая Корректор А.Егорова", "openai/whisper discussion 928"),
    ("Субтитры сделал Антон Кузнецов", "variant of the Vexa credit line (names vary by model)"),
    ("Редактор субтитров И.Петрова Корректор А.Кулакова", "variant of whisper discussion 928 line"),
    ("Корректор А.Кулакова", "fragment of whisper discussion 928 line"),
    ("Субтитры создавал Игорь Негода", "variant of the Vexa credit line (names vary by model)"),
]
EN_CREDITS = [
    ("Subtitles by the Amara.org community", "DSP-AGH BoH.csv"),
    ("Subtitles by SteamTeamExtra", "DSP-AGH BoH.csv"),
    ("Closed captioning provided by the Imperial News Network", "DSP-AGH BoH.csv"),
    ("Transcript Emily Beynon", "DSP-AGH BoH.csv"),
    ("BF-Watch TV 2021", "DSP-AGH BoH.csv"),
    ("Untertitel im Auftrag des ZDF, 2020", "SYSTRAN/faster-whisper issue 949"),
    ("Sottotitoli creati dalla comunità Amara.org", "SYSTRAN/faster-whisper issue 621"),
    ("Ondertitels ingediend door de Amara.org gemeenschap", "public issue report (tsv)"),
]
OUTROS = {
    "ru": [
        ("Спасибо.", "Vexa-ai/vexa hallucinations/ru.txt"),
        ("Продолжение следует...", "Vexa-ai/vexa ru.txt; OpenWhispr issue 1458"),
        ("Спасибо за просмотр", "Vexa-ai/vexa ru.txt (older revision)"),
        ("Спасибо за просмотр!", "Vexa-ai/vexa ru.txt (older revision)"),
    ],
    "en": [
        ("Thanks for watching!", "DSP-AGH BoH.csv"),
        ("Thank you for watching.", "DSP-AGH BoH.csv"),
        ("Thank you.", "DSP-AGH BoH.csv (Thank you. is the commonest non-speech output)"),
    ],
}
FOREIGN_OUTROS = [
    ("ご視聴ありがとうございました", "Vexa-ai/vexa issue 617"),
    ("시청해주셔서 감사합니다!", "public issue report (tsv)"),
    ("Abone olmayı unutmayın", "Vexa-ai/vexa issue 617"),
]
SOUND_TAGS = {
    "ru": [("ДИНАМИЧНАЯ МУЗЫКА", "Vexa-ai/vexa ru.txt"), ("[музыка]", "whisper.cpp PR 3762")],
    "en": [("[Music]", "common Whisper sound tag (BoH-style)"), ("(upbeat music)", "common Whisper tag")],
}
NOISE_LINES = [
    ("I'm not sure what I'm doing here.", "DSP-AGH BoH.csv"),
    ("The train is now moving towards the central station.", "DSP-AGH BoH.csv"),
]
URL_LINES = [("For more information, visit www.FEMA.gov", "uttertype issue 4")]


class Builder:
    """Makes WhisperX-style segments with plausible word timings and alignment scores."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd

    def segment(
        self,
        text: str,
        start: float,
        speaker: str | None,
        *,
        duration: float | None = None,
        scores: tuple[float, float] = (0.55, 0.98),
        lang: str = "ru",
    ) -> dict[str, Any]:
        rnd = self.rnd
        tokens = text.split()
        if duration is None:
            duration = max(0.35, len(text) / rnd.uniform(11.0, 16.0))
        total = sum(len(t) + 1 for t in tokens)
        words, t = [], start
        for tok in tokens:
            share = (len(tok) + 1) / total * duration
            word: dict[str, Any] = {"word": tok}
            # WhisperX cannot align digits in Russian: no start, end or score.
            if not (lang == "ru" and any(c.isdigit() for c in tok)):
                word.update(
                    start=round(t, 3),
                    end=round(t + share * 0.9, 3),
                    score=round(rnd.uniform(*scores), 3),
                )
                if speaker:
                    word["speaker"] = speaker
            words.append(word)
            t += share
        seg: dict[str, Any] = {
            "start": round(start, 3),
            "end": round(start + duration, 3),
            "text": " " + text,
            "words": words,
        }
        if speaker:
            seg["speaker"] = speaker
        return seg

    def talk(self, lang: str, n: int, start: float, first_speaker: int = 0) -> list[dict[str, Any]]:
        lines = RU_TALK if lang == "ru" else EN_TALK
        segs, t = [], start
        pick = self.rnd.sample(lines, n)
        for i, line in enumerate(pick):
            speaker = f"SPEAKER_0{(first_speaker + i) % 2}"
            seg = self.segment(line, t, speaker, lang=lang)
            segs.append(seg)
            t = seg["end"] + self.rnd.uniform(0.15, 1.2)
        return segs


def end(segs: list[dict[str, Any]]) -> float:
    return float(segs[-1]["end"])


def case(
    label: str,
    situation: str,
    source: str,
    lang: str,
    segs: list[dict[str, Any]],
    target: int,
    audio: float,
    hallucinated: list[int] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    if hallucinated is None:
        hallucinated = [target] if label == "hallucination" else []
    return {
        "label": label,
        "situation": situation,
        "source": source,
        "language": lang,
        "audio_duration": round(audio, 3),
        "target": target,
        "hallucinated": hallucinated,
        "segments": segs,
        **extra,
    }


def spoken(rnd: random.Random, text: str) -> float:
    """How long a real person takes to say a short phrase (10-18 characters a second, at least 0.3 s)."""
    return max(0.3, len(text) / rnd.uniform(10.0, 18.0)) * rnd.uniform(1.0, 1.3)


def bad_scores(rnd: random.Random) -> tuple[float, float]:
    """Alignment of invented text onto non-speech: usually poor, sometimes merely mediocre."""
    return (0.0, 0.25) if rnd.random() < 0.6 else (0.1, 0.55)


def hallucination_cases(b: Builder) -> list[dict[str, Any]]:
    rnd, cases = b.rnd, []
    # Credit lines: at the end after silence, in a gap, and once right after speech.
    for i, (text, src) in enumerate(RU_CREDITS + EN_CREDITS):
        lang = "ru" if (text, src) in RU_CREDITS else "en"
        segs = b.talk(lang, rnd.randint(2, 4), rnd.uniform(0, 30))
        where = ["end", "gap", "close"][i % 3]
        gap = rnd.uniform(0.3, 1.0) if where == "close" else rnd.uniform(3.0, 40.0)
        segs.append(
            b.segment(
                text,
                end(segs) + gap,
                segs[-1]["speaker"],
                duration=rnd.uniform(1.5, 6),
                scores=bad_scores(rnd),
                lang=lang,
            )
        )
        target = len(segs) - 1
        if where != "end":
            segs += b.talk(lang, 2, end(segs) + rnd.uniform(2.0, 20.0))
        cases.append(
            case(
                "hallucination",
                f"credit-line-{where}",
                f"{text} — {src}",
                lang,
                segs,
                target,
                end(segs) + rnd.uniform(0.5, 15),
            )
        )
    # Outros at the very end of the recording after a stretch of silence.
    for lang in ("ru", "en"):
        for rep in range(5):
            text, src = OUTROS[lang][rep % len(OUTROS[lang])]
            segs = b.talk(lang, rnd.randint(2, 5), rnd.uniform(0, 600))
            start = end(segs) + rnd.uniform(4.0, 60.0)
            segs.append(
                b.segment(
                    text,
                    start,
                    segs[-1]["speaker"],
                    duration=rnd.uniform(0.6, 4.0),
                    scores=bad_scores(rnd),
                    lang=lang,
                )
            )
            cases.append(
                case(
                    "hallucination",
                    "outro-end-after-silence",
                    f"{text} — {src}",
                    lang,
                    segs,
                    len(segs) - 1,
                    end(segs) + rnd.uniform(0.0, 8.0),
                )
            )
    # Outros and stock noise sentences inside a long silence gap mid-recording.
    gap_lines = [(t, s, "ru") for t, s in OUTROS["ru"][:2]] + [(t, s, "en") for t, s in OUTROS["en"]]
    gap_lines += [(t, s, "en") for t, s in NOISE_LINES]
    for text, src, lang in gap_lines:
        segs = b.talk(lang, 3, rnd.uniform(0, 300))
        start = end(segs) + rnd.uniform(8.0, 40.0)
        segs.append(
            b.segment(
                text, start, segs[-1]["speaker"], duration=rnd.uniform(0.8, 4.0), scores=(0.0, 0.2), lang=lang
            )
        )
        target = len(segs) - 1
        segs += b.talk(lang, 2, end(segs) + rnd.uniform(6.0, 30.0))
        cases.append(
            case("hallucination", "in-silence-gap", f"{text} — {src}", lang, segs, target, end(segs) + 2)
        )
    # Sound tags over music or silence at the start, in a gap or at the end.
    for lang in ("ru", "en"):
        for j, (text, src) in enumerate(SOUND_TAGS[lang] * 2):
            if j % 2 == 0:  # intro music before the talk starts
                intro = b.segment(
                    text,
                    rnd.uniform(0.0, 3.0),
                    None,
                    duration=rnd.uniform(5, 20),
                    scores=bad_scores(rnd),
                    lang=lang,
                )
                segs = [intro, *b.talk(lang, 3, intro["end"] + rnd.uniform(3.0, 10.0))]
                target = 0
            else:
                segs = b.talk(lang, 3, rnd.uniform(0, 100))
                segs.append(
                    b.segment(
                        text,
                        end(segs) + rnd.uniform(5.0, 30.0),
                        None,
                        duration=rnd.uniform(2, 15),
                        scores=bad_scores(rnd),
                        lang=lang,
                    )
                )
                target = len(segs) - 1
            cases.append(
                case(
                    "hallucination",
                    "sound-tag-in-non-speech",
                    f"{text} — {src}",
                    lang,
                    segs,
                    target,
                    end(segs) + rnd.uniform(0.5, 10),
                )
            )
    # Loops inside one segment: a phrase repeated back to back (whisper's classic failure).
    loop_units = {
        "ru": ["и я думаю, что", "мы не знаем, как", "это очень важно,", "вот так вот вот"],
        "en": ["and I think that", "you know what I mean,", "I don't know if", "so we went to"],
    }
    for lang in ("ru", "en"):
        for unit in loop_units[lang]:
            times = rnd.randint(4, 12)
            lead = rnd.choice(RU_TALK if lang == "ru" else EN_TALK) if rnd.random() < 0.5 else ""
            text = (lead + " " + " ".join([unit] * times)).strip()
            segs = b.talk(lang, 2, rnd.uniform(0, 200))
            segs.append(
                b.segment(
                    text,
                    end(segs) + rnd.uniform(0.2, 2.0),
                    segs[-1]["speaker"],
                    duration=len(text) / rnd.uniform(10, 18),
                    scores=(0.2, 0.9),
                    lang=lang,
                )
            )
            target = len(segs) - 1
            segs += b.talk(lang, 1, end(segs) + 0.5)
            cases.append(
                case(
                    "hallucination",
                    "repetition-loop",
                    "Whisper decoding loop (HALLUCINATIONS.md)",
                    lang,
                    segs,
                    target,
                    end(segs) + 1,
                )
            )
    # The same segment repeated in consecutive segments.
    for lang in ("ru", "en", "ru", "en"):
        line = rnd.choice(RU_TALK if lang == "ru" else EN_TALK)
        segs = b.talk(lang, 2, rnd.uniform(0, 200))
        first = len(segs)
        copies = rnd.randint(3, 6)
        for _ in range(copies):
            segs.append(
                b.segment(
                    line,
                    end(segs) + rnd.uniform(0.3, 3.0),
                    segs[-1]["speaker"],
                    scores=bad_scores(rnd),
                    lang=lang,
                )
            )
        hall = list(range(first, first + copies))
        cases.append(
            case(
                "hallucination",
                "repeated-segment",
                "consecutive repeated segment (HALLUCINATIONS.md)",
                lang,
                segs,
                first + 1,
                end(segs) + 3,
                hall,
            )
        )
    # Text after the audio has ended (the tail decoded past the end of the file).
    for lang in ("ru", "en", "ru", "en"):
        segs = b.talk(lang, 3, rnd.uniform(0, 100))
        audio = end(segs) + rnd.uniform(0.5, 3.0)
        line = rnd.choice(RU_TALK if lang == "ru" else EN_TALK)
        segs.append(
            b.segment(line, audio + rnd.uniform(0.5, 20.0), segs[-1]["speaker"], scores=(0.3, 0.9), lang=lang)
        )
        cases.append(
            case(
                "hallucination",
                "beyond-audio",
                "segment after the end of the audio (HALLUCINATIONS.md)",
                lang,
                segs,
                len(segs) - 1,
                audio,
            )
        )
    # Foreign-script outros inside a Russian or English interview, after silence.
    for text, src in FOREIGN_OUTROS:
        lang = rnd.choice(["ru", "en"])
        segs = b.talk(lang, 3, rnd.uniform(0, 100))
        segs.append(
            b.segment(
                text,
                end(segs) + rnd.uniform(3, 30),
                None,
                duration=rnd.uniform(1, 4),
                scores=bad_scores(rnd),
                lang=lang,
            )
        )
        cases.append(
            case(
                "hallucination",
                "foreign-outro",
                f"{text} — {src}",
                lang,
                segs,
                len(segs) - 1,
                end(segs) + rnd.uniform(0, 5),
            )
        )
    # An English outro inside a Russian interview.
    segs = b.talk("ru", 3, 40.0)
    segs.append(
        b.segment("Thank you for watching!", end(segs) + 12.0, None, duration=2.0, scores=(0.05, 0.4))
    )
    cases.append(
        case(
            "hallucination",
            "wrong-script-outro",
            "Thank you for watching. — DSP-AGH BoH.csv",
            "ru",
            segs,
            3,
            end(segs) + 4,
        )
    )
    # URL boilerplate.
    for text, src in URL_LINES:
        segs = b.talk("en", 3, 10.0)
        segs.append(b.segment(text, end(segs) + 1.0, segs[-1]["speaker"], scores=(0.2, 0.8), lang="en"))
        segs += b.talk("en", 1, end(segs) + 1.0)
        cases.append(case("hallucination", "url", f"{text} — {src}", "en", segs, 3, end(segs) + 1))
    # Outros stretched over a long non-speech chunk (far too slow) or squeezed into a blip.
    for lang in ("ru", "en"):
        for dur in (rnd.uniform(7, 20), rnd.uniform(0.05, 0.2)):
            text, src = OUTROS[lang][0]
            segs = b.talk(lang, 3, rnd.uniform(0, 100))
            segs.append(
                b.segment(
                    text,
                    end(segs) + rnd.uniform(1.5, 6.0),
                    segs[-1]["speaker"],
                    duration=dur,
                    scores=bad_scores(rnd),
                    lang=lang,
                )
            )
            target = len(segs) - 1
            segs += b.talk(lang, 2, end(segs) + rnd.uniform(1.5, 6))
            situation = "outro-too-slow" if dur > 1 else "outro-too-short"
            cases.append(
                case("hallucination", situation, f"{text} — {src}", lang, segs, target, end(segs) + 2)
            )
    # Hard ones: an invented sign-off after only a short pause that aligned passably. Real, and the
    # policy accepts missing some of these rather than hiding real thanks.
    for lang in ("ru", "en", "ru", "en", "ru"):
        text, src = rnd.choice(OUTROS[lang])
        segs = b.talk(lang, 3, rnd.uniform(0, 600))
        segs.append(
            b.segment(
                text,
                end(segs) + rnd.uniform(1.5, 3.0),
                segs[-1]["speaker"],
                duration=spoken(rnd, text),
                scores=(0.3, 0.7),
                lang=lang,
            )
        )
        cases.append(
            case(
                "hallucination",
                "outro-end-weak-signal",
                f"{text} — {src}",
                lang,
                segs,
                len(segs) - 1,
                end(segs) + rnd.uniform(0.5, 10),
                hard=True,
            )
        )
    return cases


def fw_segment(text: str, start: float, dur: float, lp: float, cr: float, nsp: float) -> dict[str, Any]:
    """A runpod-workers/worker-faster_whisper segment (decoder scores, no words, no speaker)."""
    return {
        "id": 0,
        "seek": int(start * 100),
        "start": round(start, 2),
        "end": round(start + dur, 2),
        "text": " " + text,
        "tokens": [],
        "temperature": 0.0,
        "avg_logprob": round(lp, 3),
        "compression_ratio": round(cr, 3),
        "no_speech_prob": round(nsp, 3),
    }


def fw_talk(rnd: random.Random, lang: str, n: int, start: float) -> list[dict[str, Any]]:
    lines = RU_TALK if lang == "ru" else EN_TALK
    segs, t = [], start
    for line in rnd.sample(lines, n):
        dur = len(line) / rnd.uniform(11, 16)
        cr = rnd.uniform(1.5, 2.1) if lang == "ru" else rnd.uniform(1.1, 1.6)
        segs.append(fw_segment(line, t, dur, rnd.uniform(-0.6, -0.1), cr, rnd.uniform(0.0, 0.3)))
        t += dur + rnd.uniform(0.1, 1.0)
    return segs


def decoder_cases(rnd: random.Random) -> list[dict[str, Any]]:
    cases = []
    # Silent windows decoded as text: high no-speech probability and low log-probability together.
    texts = {"ru": ["Ну, вот.", "Да.", "Спасибо.", "Вот так."], "en": ["Yeah.", "So.", "Thank you.", "Okay."]}
    for lang in ("ru", "en"):
        for text in texts[lang]:
            segs = fw_talk(rnd, lang, 3, rnd.uniform(0, 200))
            t = segs[-1]["end"] + rnd.uniform(0.5, 10)
            segs.append(
                fw_segment(
                    text,
                    t,
                    rnd.uniform(1, 5),
                    rnd.uniform(-2.2, -1.05),
                    rnd.uniform(0.6, 1.2),
                    rnd.uniform(0.62, 0.97),
                )
            )
            target = len(segs) - 1
            segs += fw_talk(rnd, lang, 1, segs[-1]["end"] + 1)
            cases.append(
                case(
                    "hallucination",
                    "decoder-silence",
                    "whisper's own no-speech gate (transcribe.py)",
                    lang,
                    segs,
                    target,
                    segs[-1]["end"] + 1,
                    output_format="faster-whisper",
                )
            )
    # A looping window: high compression ratio together with repeated phrases.
    for lang, unit in (("ru", "и вот мы поехали"), ("en", "and then we went")):
        text = ", ".join([unit] * 8) + "."
        segs = fw_talk(rnd, lang, 2, 5.0)
        segs.append(fw_segment(text, segs[-1]["end"] + 0.5, 25.0, -0.45, rnd.uniform(3.5, 6.0), 0.1))
        cases.append(
            case(
                "hallucination",
                "decoder-loop",
                "compression ratio > 2.4 with repetition",
                lang,
                segs,
                2,
                segs[-1]["end"] + 1,
                output_format="faster-whisper",
            )
        )
    # Genuine: quiet speech (no_speech_prob high but the decoder is confident), long Russian segments
    # with a compression ratio above 2.4 and no loop, ordinary thanks mid-conversation.
    for lang in ("ru", "en", "ru", "en"):
        segs = fw_talk(rnd, lang, 4, rnd.uniform(0, 100))
        segs[2]["no_speech_prob"] = round(rnd.uniform(0.65, 0.9), 3)
        segs[2]["avg_logprob"] = round(rnd.uniform(-0.7, -0.2), 3)
        cases.append(
            case(
                "genuine",
                "quiet-speech-decoder",
                "no_speech_prob alone is not evidence",
                lang,
                segs,
                2,
                segs[-1]["end"] + 1,
                output_format="faster-whisper",
            )
        )
    for _ in range(4):
        long = " ".join(rnd.sample(RU_TALK, 6))
        segs = fw_talk(rnd, "ru", 2, 0.0)
        segs.append(
            fw_segment(long, segs[-1]["end"] + 0.4, len(long) / 14, -0.35, rnd.uniform(2.4, 2.7), 0.05)
        )
        cases.append(
            case(
                "genuine",
                "long-russian-high-compression",
                "HALLUCINATIONS.md: Russian baseline ~2.05",
                "ru",
                segs,
                2,
                segs[-1]["end"] + 1,
                output_format="faster-whisper",
            )
        )
    for lang, text in (("ru", "Спасибо."), ("en", "Thank you."), ("ru", "Да, да, да."), ("en", "Okay.")):
        segs = fw_talk(rnd, lang, 2, 30.0)
        segs.append(
            fw_segment(text, segs[-1]["end"] + 0.3, 0.8, rnd.uniform(-0.5, -0.1), 0.8, rnd.uniform(0.05, 0.5))
        )
        segs += fw_talk(rnd, lang, 1, segs[-1]["end"] + 0.4)
        cases.append(
            case(
                "genuine",
                "thanks-mid-conversation-decoder",
                "everyday speech",
                lang,
                segs,
                2,
                segs[-1]["end"] + 1,
                output_format="faster-whisper",
            )
        )
    return cases


def genuine_cases(b: Builder) -> list[dict[str, Any]]:
    rnd, cases = b.rnd, []
    backchannels = {
        "ru": ["Спасибо.", "Да, да, да.", "Угу.", "Хорошо.", "Спасибо большое.", "Ну да.", "Да.", "Понятно."],
        "en": [
            "Thank you.",
            "Okay.",
            "Yeah.",
            "Thanks.",
            "Right, right.",
            "Yes, yes, yes.",
            "I see.",
            "Sure.",
        ],
    }
    # The same words as common hallucinations, in the middle of a conversation.
    for lang in ("ru", "en"):
        for text in backchannels[lang] * 2:
            segs = b.talk(lang, rnd.randint(2, 3), rnd.uniform(0, 900))
            other = "SPEAKER_01" if segs[-1]["speaker"] == "SPEAKER_00" else "SPEAKER_00"
            segs.append(
                b.segment(
                    text, end(segs) + rnd.uniform(0.1, 1.5), other, duration=spoken(rnd, text), lang=lang
                )
            )
            target = len(segs) - 1
            segs += b.talk(lang, rnd.randint(1, 3), end(segs) + rnd.uniform(0.2, 1.5))
            cases.append(
                case(
                    "genuine",
                    "backchannel-mid-conversation",
                    "everyday speech",
                    lang,
                    segs,
                    target,
                    end(segs) + rnd.uniform(1, 60),
                )
            )
    # Very short real backchannels (a quick "Да." is often aligned to under 0.3 s).
    for lang, text in (
        ("ru", "Да."),
        ("ru", "Угу."),
        ("en", "Yeah."),
        ("en", "Okay."),
        ("ru", "Ага."),
        ("en", "Mm-hmm."),
    ):
        segs = b.talk(lang, 2, rnd.uniform(0, 300))
        segs.append(
            b.segment(
                text,
                end(segs) + rnd.uniform(0.1, 0.6),
                "SPEAKER_01",
                duration=rnd.uniform(0.12, 0.28),
                lang=lang,
            )
        )
        target = len(segs) - 1
        segs += b.talk(lang, 2, end(segs) + rnd.uniform(0.1, 0.6))
        cases.append(
            case("genuine", "short-backchannel", "everyday speech", lang, segs, target, end(segs) + 5)
        )
    # Interview closings: the thanks follow the previous sentence closely and align well; the
    # recorder may keep running for a while afterwards.
    closings = {
        "ru": [
            "Спасибо.",
            "Спасибо вам.",
            "Спасибо за просмотр!",
            "Продолжение следует...",
            "Спасибо, до свидания.",
        ],
        "en": [
            "Thank you.",
            "Thanks for watching!",
            "Thank you for watching.",
            "Thank you so much.",
            "Okay.",
        ],
    }
    for lang in ("ru", "en"):
        for text in closings[lang] * 2:
            segs = b.talk(lang, rnd.randint(2, 4), rnd.uniform(0, 1800))
            segs.append(
                b.segment(
                    rnd.choice(CLOSING_LEAD[lang]), end(segs) + rnd.uniform(0.2, 1.0), "SPEAKER_00", lang=lang
                )
            )
            segs.append(
                b.segment(
                    text,
                    end(segs) + rnd.uniform(0.1, 1.8),
                    "SPEAKER_01",
                    duration=spoken(rnd, text),
                    lang=lang,
                )
            )
            cases.append(
                case(
                    "genuine",
                    "interview-closing",
                    "everyday speech",
                    lang,
                    segs,
                    len(segs) - 1,
                    end(segs) + rnd.uniform(0.3, 25),
                )
            )
    # A thank-you after a long pause mid-interview (someone brought tea), followed by more talk.
    thanks = (("ru", "Спасибо."), ("en", "Thank you."), ("ru", "Спасибо большое."), ("en", "Oh, thanks."))
    for lang, text in thanks * 2:
        segs = b.talk(lang, 2, rnd.uniform(0, 300))
        segs.append(
            b.segment(
                text, end(segs) + rnd.uniform(5, 15), "SPEAKER_01", duration=spoken(rnd, text), lang=lang
            )
        )
        target = len(segs) - 1
        segs += b.talk(lang, 2, end(segs) + rnd.uniform(0.2, 1.0))
        cases.append(
            case("genuine", "thanks-after-long-pause", "everyday speech", lang, segs, target, end(segs) + 3)
        )
    # Noisy phone-line speech: real sentences with poor alignment scores.
    for lang in ("ru", "en") * 4:
        segs = b.talk(lang, 2, rnd.uniform(0, 300))
        used = {s["text"].strip() for s in segs}
        line = rnd.choice([x for x in (RU_TALK if lang == "ru" else EN_TALK) if x not in used])
        segs.append(
            b.segment(line, end(segs) + rnd.uniform(0.2, 1.0), "SPEAKER_01", scores=(0.1, 0.5), lang=lang)
        )
        target = len(segs) - 1
        segs += b.talk(lang, 1, end(segs) + 0.5)
        cases.append(
            case("genuine", "noisy-speech", "real speech on a bad line", lang, segs, target, end(segs) + 2)
        )
    # Brand names and short English quotes inside Russian speech.
    mixed = [
        "Мы перенесли всё в Google Cloud Platform за два месяца.",
        "Созвоны у нас в Microsoft Teams, а задачи в Jira.",
        "Как говорил наш CTO, move fast and break things.",
        "Мы выложили SDK на GitHub, и пошли первые pull requests.",
        "Это был наш первый product-market fit, если по-честному.",
        "Его книга называется The Lean Startup, очень рекомендую.",
    ]
    for line in mixed:
        segs = b.talk("ru", 2, rnd.uniform(0, 300))
        segs.append(b.segment(line, end(segs) + rnd.uniform(0.2, 1.0), "SPEAKER_01", lang="ru"))
        target = len(segs) - 1
        segs += b.talk("ru", 1, end(segs) + 0.5)
        cases.append(
            case(
                "genuine",
                "code-switching",
                "brand names in Russian speech",
                "ru",
                segs,
                target,
                end(segs) + 2,
            )
        )
    # Real repetitions and hesitant slow speech.
    repeats = [
        ("ru", "Да, да, да, именно так."),
        ("ru", "Нет-нет-нет, это совсем не так."),
        ("ru", "Раз, два, три. Раз, два, три. Проверка."),
        ("en", "No, no, no, that's not what I meant."),
        ("en", "We tested it, we tested it again, and then we shipped it."),
        ("en", "Very, very, very important point."),
        ("ru", "Ну... это... как бы сказать... сложный вопрос."),
        ("en", "Well... I mean... it's hard to say."),
    ]
    for lang, line in repeats:
        segs = b.talk(lang, 2, rnd.uniform(0, 300))
        slow = "..." in line
        duration = len(line) / rnd.uniform(3.0, 6.0) if slow else None
        segs.append(
            b.segment(line, end(segs) + rnd.uniform(0.2, 1.0), "SPEAKER_01", duration=duration, lang=lang)
        )
        target = len(segs) - 1
        segs += b.talk(lang, 1, end(segs) + 0.5)
        cases.append(
            case(
                "genuine",
                "real-repetition-or-hesitation",
                "everyday speech",
                lang,
                segs,
                target,
                end(segs) + 2,
            )
        )
    # A one-sided phone call: the same short answer in consecutive segments, with pauses between.
    for lang, text in (("ru", "Да."), ("en", "Yes.")):
        segs = b.talk(lang, 2, rnd.uniform(0, 300))
        first = len(segs)
        for _ in range(3):
            segs.append(
                b.segment(
                    text,
                    end(segs) + rnd.uniform(2.0, 5.0),
                    "SPEAKER_01",
                    duration=rnd.uniform(0.3, 0.6),
                    lang=lang,
                )
            )
        segs += b.talk(lang, 1, end(segs) + 1.0)
        cases.append(
            case(
                "genuine",
                "repeated-short-answer",
                "one side of a phone call",
                lang,
                segs,
                first + 1,
                end(segs) + 2,
            )
        )
    # The last real segment ends a hair past the decoded audio duration (rounding, container padding).
    for lang in ("ru", "en"):
        segs = b.talk(lang, 4, rnd.uniform(0, 300))
        cases.append(
            case(
                "genuine",
                "ends-at-audio-end",
                "rounding at the end of the file",
                lang,
                segs,
                3,
                end(segs) - 0.15,
            )
        )
    return cases


def main() -> None:
    rnd = random.Random(SEED)
    b = Builder(rnd)
    cases = hallucination_cases(b) + decoder_cases(rnd) + genuine_cases(b)
    for n, c in enumerate(cases):
        c["id"] = f"{c['label'][0]}{n:03d}-{c['situation']}"
    about = "Labelled cases for the hallucination flagger; generated by make_hallucination_eval.py."
    head = {"about": about, "seed": SEED, "phrases": TSV}
    # One case per line keeps the file small and its diffs readable.
    lines = [json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in cases]
    text = json.dumps(head, ensure_ascii=False)[:-1] + ', "cases": [\n' + ",\n".join(lines) + "\n]}\n"
    OUT.write_text(text, encoding="utf-8")
    labels = [c["label"] for c in cases]
    print(f"{OUT.name}: {labels.count('hallucination')} hallucination, {labels.count('genuine')} genuine")


if __name__ == "__main__":
    main()
