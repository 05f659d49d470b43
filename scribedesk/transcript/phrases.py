"""Known Whisper hallucination strings and the patterns built from them, as plain data.

Sources (copied from the project's hallucination_phrases.tsv; keep both in step):
- Vexa-ai/vexa `hallucinations/ru.txt` (Apache-2.0) and Vexa issue 617;
- DSP-AGH/ICASSP2025_Whisper_Hallucination "Bag of Hallucinations" BoH.csv (MIT), with counts;
- openai/whisper discussion 928; SYSTRAN/faster-whisper issues 621 and 949;
- whisper.cpp PR 3762; OpenWhispr issue 1458; uttertype issue 4.

Credit lines are matched by pattern, not by surname: the names differ between model versions.
Outros and sound tags are also everyday words, so cleanup.py only uses them with another signal.
"""

from __future__ import annotations

import re
import unicodedata

# (language, kind, phrase, source) — the sourced list, verbatim.
KNOWN_PHRASES: tuple[tuple[str, str, str, str], ...] = (
    ("ru", "credit", "Субтитры сделал DimaTorzok", "Vexa-ai/vexa hallucinations/ru.txt (Apache-2.0)"),
    ("ru", "credit", "Субтитры создавал DimaTorzok", "Vexa-ai/vexa hallucinations/ru.txt"),
    ("ru", "credit", "Субтитры подогнал «Симон»", "Vexa-ai/vexa hallucinations/ru.txt"),
    ("ru", "credit", "Спасибо за субтитры Алексею Дубровскому!", "Vexa-ai/vexa hallucinations/ru.txt"),
    ("ru", "credit", "Редактор субтитров А.Синецкая Корректор А.Егорова", "openai/whisper discussion 928"),
    ("ru", "outro", "Продолжение следует...", "Vexa-ai/vexa ru.txt; OpenWhispr issue 1458"),
    ("ru", "outro", "Спасибо за просмотр", "Vexa-ai/vexa hallucinations/ru.txt (older revision)"),
    ("ru", "outro", "Спасибо.", "Vexa-ai/vexa hallucinations/ru.txt (also a very common real word)"),
    ("ru", "sound-tag", "ДИНАМИЧНАЯ МУЗЫКА", "Vexa-ai/vexa hallucinations/ru.txt"),
    ("ru", "sound-tag", "[музыка]", "whisper.cpp PR 3762 (digital silence with -l ru)"),
    ("en", "outro", "Thanks for watching!", "BoH.csv, 12525 occurrences in noise"),
    ("en", "outro", "Thank you for watching.", "BoH.csv, 3131"),
    ("en", "credit", "Subtitles by the Amara.org community", "BoH.csv, 560"),
    ("en", "noise", "I'm not sure what I'm doing here.", "BoH.csv, 658"),
    ("en", "credit", "BF-Watch TV 2021", "BoH.csv, 345"),
    ("en", "credit", "Transcript Emily Beynon", "BoH.csv, 66"),
    ("en", "credit", "Closed captioning provided by the Imperial News Network", "BoH.csv, 37"),
    ("en", "credit", "Subtitles by SteamTeamExtra", "BoH.csv, 33"),
    ("en", "noise", "The train is now moving towards the central station.", "BoH.csv, 53"),
    ("en", "boilerplate", "For more information, visit www.FEMA.gov", "uttertype issue 4"),
    ("de", "credit", "Untertitel im Auftrag des ZDF, 2020", "SYSTRAN/faster-whisper issue 949"),
    ("it", "credit", "Sottotitoli creati dalla comunità Amara.org", "SYSTRAN/faster-whisper issue 621"),
    ("nl", "credit", "Ondertitels ingediend door de Amara.org gemeenschap", "public issue report"),
    ("ja", "outro", "ご視聴ありがとうございました", "Vexa-ai/vexa issue 617"),
    ("ko", "outro", "시청해주셔서 감사합니다!", "public issue report"),
    ("tr", "outro", "Abone olmayı unutmayın", "Vexa-ai/vexa issue 617"),
)


def normalize_text(text: str) -> str:
    """Casefold, ё -> е, punctuation to spaces, collapse whitespace: the form patterns match against."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    kept = "".join(c if (c.isalnum() or c.isspace()) else " " for c in folded)
    return " ".join(kept.split())


# Credit lines: a match alone is enough (nobody says these in an interview). Matched against the
# normalized text, anywhere in the segment.
CREDIT_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"^субтитр\w* (сделал|создавал|создал|подогнал|делал|подготовил|перевел|редактировал)",
        r"\bспасибо за субтитры\b",
        r"\bредактор субтитров\b",
        r"^корректор [а-я] [а-я]+$",  # "Корректор А.Егорова" on its own (fragment of the line above)
        r"\bamara org\b",
        r"^subtitles? (by|created by|provided by)\b",
        r"^closed captions?(ing)? (provided )?by\b",
        r"^captions? by\b",
        r"^transcript(ion)? (by )?emily beynon$",
        r"^bf watch tv\b",
        r"^untertitel (im auftrag|von|der)\b",
        r"^sottotitoli (creati|a cura)\b",
        r"^ondertitel(s|ing) (ingediend|door)\b",
        # Other verbs and word orders seen in published outputs (issue threads of openai/whisper,
        # faster-whisper, whisperX, Whisper-WebUI): the credit pattern, not one surname.
        r"^(автор|редактор|корректор) субтитр",
        r"^subtitles? (made|done|created|edited|translated|transcribed|synced) by\b",
        r"^subtitling by\b",
        r"^untertitel (der|im auftrag|von|erstellt)\b",
        r"\bim auftrag des zdf\b",
        r"^sous titr\w* (par|realises|réalisés)\b",
        r"^subt[ií]tulos? (realizados|por|creados)\b",
        r"^legendas? (por|pela)\b",
        r"^napisy (stworzone|wykonane)\b",
        r"作詞",
        r"字幕(由|提供|制作|製作|翻译|翻譯|by)",
    )
)

# Outros and stock sentences: real speech far more often than not; they need a second signal.
# Matched against the whole normalized segment text.
OUTRO_TEXTS: frozenset[str] = frozenset(
    normalize_text(t)
    for t in (
        "Спасибо.",
        "Спасибо большое.",
        "Спасибо за просмотр",
        "Спасибо за внимание",
        "Продолжение следует...",
        "Подписывайтесь на канал",
        "До новых встреч",
        "Thank you.",
        "Thank you very much.",
        "Thank you so much.",
        "Thanks.",
        "Thanks for watching!",
        "Thank you for watching.",
        "Please subscribe.",
        "See you next time.",
        "Bye.",
        "ご視聴ありがとうございました",
        "시청해주셔서 감사합니다!",
        "Abone olmayı unutmayın",
        "Vielen Dank.",
        "Danke fürs Zuschauen.",
    )
)
# YouTube-outro boilerplate in any wording: still everyday words now and then, so still a sign-off
# that needs a second signal, but matched inside longer lines too.
OUTRO_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"\bthanks? (you )?(so much |very much )?for watching\b",
        r"\b(please )?(like (and|&) )?subscribe( to (my|our|the) channel)?\b",
        r"^see you (in the )?next (time|video|one)\b",
        r"\bспасибо за (просмотр|внимание)\b",
        r"\bподписывайтесь\b|\bставьте лайк",
        r"^продолжение следует",
        r"ご視聴|次の動画|チャンネル登録",
        r"시청해|구독",
        r"点赞|订阅|感谢观看",
        r"\babone ol",
        r"\bdanke fürs zuschauen\b",
    )
)
FILLER_TEXTS: frozenset[str] = frozenset({"you", "um", "uh", "hmm", "mm", "эм"})
"""A lone token Whisper emits over silence (the famous trailing "you")."""

STOCK_TEXTS: frozenset[str] = frozenset(
    normalize_text(t)
    for t in (
        "I'm not sure what I'm doing here.",
        "The train is now moving towards the central station.",
    )
)

# Sound tags: a whole segment in brackets or music notes, or a spelled-out music/applause caption.
_SOUND_WORDS = r"(\w+ )?(музыка|аплодисменты|смех|music|applause|laughter|musik|웃음소리|음악|笑|音楽|音乐)"
SOUND_TAG_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^\s*[\[(*♪♫].*[\])*♪♫]\s*$"),
    re.compile(r"^\s*[♪♫]+\s*$"),
)
SOUND_TAG_TEXT = re.compile(rf"^{_SOUND_WORDS}$")

URL_PATTERN = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
BOILERPLATE_PATTERN = re.compile(r"\b(for more information|visit|подписывайтесь|посетите|subscribe)\b")


CREDIT_MAX_WORDS = 12
"""A credit is a short line; a long sentence that starts like one is someone talking about subtitles."""


def is_credit_line(text: str) -> bool:
    norm = normalize_text(text)
    if len(norm.split()) > CREDIT_MAX_WORDS and "amara org" not in norm:
        return False
    return any(p.search(norm) for p in CREDIT_PATTERNS)


def is_outro(text: str) -> bool:
    norm = normalize_text(text)
    return norm in OUTRO_TEXTS or any(p.search(norm) for p in OUTRO_PATTERNS)


def is_filler(text: str) -> bool:
    return normalize_text(text) in FILLER_TEXTS


_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)|[。！？]+")


def sentences(text: str) -> list[tuple[int, int]]:
    """Character ranges of the sentences in text (end punctuation included, outer spaces not)."""
    bounds, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        bounds.append((start, m.end()))
        start = m.end()
    bounds.append((start, len(text)))
    out = []
    for a, b in bounds:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out


def is_stock_phrase(text: str) -> bool:
    return normalize_text(text) in STOCK_TEXTS


def is_sound_tag(text: str) -> bool:
    stripped = text.strip()
    if any(p.match(stripped) for p in SOUND_TAG_PATTERNS):
        return True
    # Spelled-out captions come in capitals ("ДИНАМИЧНАЯ МУЗЫКА"); a plain "Музыка." can be an answer.
    norm = normalize_text(stripped)
    caseless = not any(c.isupper() or c.islower() for c in stripped)  # Hangul, kana, Han
    return (stripped.isupper() or caseless) and bool(SOUND_TAG_TEXT.match(norm))


def is_url_boilerplate(text: str) -> bool:
    return bool(URL_PATTERN.search(text)) and bool(BOILERPLATE_PATTERN.search(normalize_text(text)))
