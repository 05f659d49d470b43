# ruff: noqa: E501 — quoted source lines stay on one line each
"""Build tests/data/real_hallucination_eval.json: real Whisper outputs typed in from their public sources.

Run from the repository root: `python tests/data/make_real_hallucination_eval.py`. Each case names its
source; times are quoted unless `timing` says otherwise. Add cases here, never in the JSON by hand.
"""

import hashlib
import json
from collections import Counter
from pathlib import Path

H, G, U = "hallucination", "genuine", "unsure"
cases = []


def case(id, source, engine, language, segs, *, audio_duration=None, timing="quoted", note=""):
    cases.append(
        {
            "id": id,
            "source": source,
            "engine": engine,
            "language": language,
            "audio_duration": audio_duration,
            "timing": timing,
            "note": note,
            "segments": [
                {
                    **dict(zip(("start", "end", "text", "label"), s[:4], strict=True)),
                    **({} if len(s) < 5 else s[4]),
                }
                for s in segs
            ],
        }
    )


def even(lines, start=0.0, length=3.0, gap=0.5):
    out, t = [], start
    for text, label in lines:
        out.append((round(t, 3), round(t + length, 3), text, label))
        t += length + gap
    return out


case(
    "wcpp-pr2629-you-tail",
    "https://github.com/ggml-org/whisper.cpp/pull/2629 (output of 1.7.2 quoted by jkarthic)",
    "whisper.cpp",
    "en",
    [
        (0.0, 3.42, "activity is like hey here's a picture of my fridge can you tell me what I'm", G),
        (3.42, 7.14, "missing because I'm going grocery shopping and I really need to do", G),
        (7.14, 9.68, "recipes.", G),
        (9.68, 11.72, "you", H),
        (11.72, 13.78, "you", H),
        (13.78, 15.82, "you", H),
        (15.82, 25.82, "[BLANK_AUDIO]", H),
    ],
    audio_duration=25.82,
)
case(
    "wx-1224-you-mid",
    "https://github.com/m-bain/whisperX/issues/1224",
    "whisperx",
    "en",
    [
        (
            186.732,
            190.671,
            "But if you're constantly fighting against those forces, it's going to be very hard to follow through.",
            G,
        ),
        (190.651, 190.813, "you.", H),
        (191.275, 192.702, "Stage three, doing.", G),
    ],
)
case(
    "wjax-88-lyrics",
    "https://github.com/sanchit-gandhi/whisper-jax/issues/88 (song lyrics that really repeat)",
    "whisper-jax",
    "en",
    [
        (0.0, 3.5, "Sweet dreams are made of this", G),
        (3.5, 7.0, "Who am I to disagree?", G),
        (7.0, 11.0, "I travel the world and the seven seas", G),
        (11.0, 15.0, "Everybody's looking for something", G),
        (15.0, 18.0, "Some of them want to use you", G),
        (19.0, 22.5, "Some of them want to get used by you", G),
        (
            22.5,
            26.0,
            "Some of them want to get used by you Some of them want to abuse you Some of them want to be abused",
            G,
        ),
    ],
)
case(
    "fw-pr394-hmm",
    "https://github.com/SYSTRAN/faster-whisper/pull/394 (Segment reprs quoted by bfs15)",
    "faster-whisper",
    "en",
    [
        (
            0.0,
            2.0,
            "Suggestions!",
            U,
            {"avg_logprob": -0.0798, "compression_ratio": 16.59, "no_speech_prob": 0.307},
        ),
        (
            2.0,
            13.95,
            "Hmm" + "m" * 300,
            H,
            {"avg_logprob": -0.0798, "compression_ratio": 16.59, "no_speech_prob": 0.307},
        ),
    ],
)
line = "はーい、リュウジョウお兄ちゃんとタイガちゃんが産まれました。"
case(
    "webui-238-ja-dupes",
    "https://github.com/jhj0517/Whisper-WebUI/issues/238 (SRT cues 67-72)",
    "faster-whisper",
    "ja",
    [
        (273.899, 274.899, line, U),
        (274.899, 275.899, line, H),
        (275.9, 276.9, line, H),
        (276.9, 277.9, line, H),
        (277.9, 278.9, line, H),
        (278.9, 279.9, line, H),
    ],
)
case(
    "webui-238-ja-aaa",
    "https://github.com/jhj0517/Whisper-WebUI/issues/238 (SRT cue 45)",
    "faster-whisper",
    "ja",
    [(140.2, 170.2, "え、" + "あ、" * 110 + "あ", H)],
)
case(
    "webui-238-ko-laughter",
    "https://github.com/jhj0517/Whisper-WebUI/issues/238 (SRT cues 104-110, Korean conversation)",
    "faster-whisper",
    "ko",
    [
        (398, 400, "웃음소리", H),
        (412, 414, "웃음소리", H),
        (418, 420, "웃음소리", H),
        (420, 422, "웃음소리", H),
        (422, 424, "웃음소리", H),
        (424, 426, "웃음소리", H),
        (426, 428, "웃음소리", H),
    ],
)
case(
    "webui-238-ko-ooo",
    "https://github.com/jhj0517/Whisper-WebUI/issues/238 (SRT cues 69-72)",
    "faster-whisper",
    "ko",
    [(248, 250, "오오오", H), (250, 252, "오오오", H), (252, 254, "오오오", H), (254, 256, "오오오", H)],
)
case(
    "webui-152-zh-number-loop",
    "https://github.com/jhj0517/Whisper-WebUI/issues/152 (SRT cues 1286-1290)",
    "whisper",
    "zh",
    [
        (1555.66, 1556.66, "90", H),
        (1556.66, 1557.66, "90", H),
        (1557.66, 1558.66, "90", H),
        (1558.66, 1559.66, "90", H),
        (1559.66, 1560.66, "90", H),
    ],
)
zh = "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目"
case(
    "wnet-167-zh-outro-loop",
    "https://github.com/sandrohanea/whisper.net/issues/167",
    "whisper.cpp (whisper.net)",
    "zh",
    [(30 * i - (1 if i else 0), 30 * i + 29, zh, H) for i in range(15)],
)
mj = "作詞・作曲・編曲 初音ミク"
case(
    "whisper-pr1253-ja-music-credit",
    "https://github.com/openai/whisper/pull/1253 (VTT before the change)",
    "openai-whisper",
    "ja",
    [(s, s + 10, mj, H) for s in (0, 30, 60, 90, 100, 110, 120, 130, 140)],
)
case(
    "fw-424-de-dupes",
    "https://github.com/SYSTRAN/faster-whisper/issues/424 (printed segment texts, no times)",
    "faster-whisper",
    "de",
    even(
        [
            ("Guten Tag und herzlich Willkcmen bei", G),
            ("Herzlich Willkcmen bei der Deutschen", U),
            ("Herzlich Willkcmen bei der Deutschen", H),
            ("Herzlich Willkcmen bei der Deutschen", H),
            ("Herzlich Willkcmen bei der Deutschen", H),
            ('Ich rufe aus "private data".', G),
            ('Ich rufe aus "private data".', H),
            ("der Deutschen t&dien.", G),
            ("Ich interessiere mich für den Glasfaserausbau.", G),
            ("Ich interessiere mich für den Glasfaserausbau.", H),
            ("Ich würde gerne einen Beratungstermin vereinbaren.", G),
            ("Ich würde gerne einen Beratungstermin vereinbaren.", H),
            ("Gibt mir eine ganz kurze Postleitzahl.", G),
            ("Gibt mir eine ganz kurze Postleitzahl.", H),
            ("Beratung können Sie nur online beantragen.", G),
            ("Beratung können Sie nur online beantragen.", H),
        ]
    ),
    timing="assumed",
    note="times assumed: 3 s per line, 0.5 s apart",
)
case(
    "minutes-242-silent-tail",
    "https://github.com/silverstein/minutes/issues/242 (37 min meeting + 5 h idle)",
    "whisper (minutes)",
    "en",
    [
        (
            2100.0,
            2106.0,
            "Let's wrap up here and pick this up on Thursday.",
            "context",
            {"note": "stand-in for the real last line (not quoted); not scored"},
        ),
        (
            2255,
            2262,
            "The video is not intended to be used to support the content of this audio. It is intended to be used to support the content of this audio.",
            H,
        ),
        (2277, 2280, "Thank you for watching! Please subscribe to our channel!", H),
        (2289, 2291, "Subtitles by the Amara.org community", H),
        (2383, 2385, "Thank you for watching!", H),
    ],
    audio_duration=20220.0,
    timing="starts quoted, ends assumed",
)
case(
    "minutes-241-noise-only",
    "https://github.com/silverstein/minutes/issues/241",
    "whisper (minutes)",
    "en",
    [(7, 9, "(crying)", H), (112, 114, "[Growling]", H)],
    timing="starts quoted, ends assumed",
)
case(
    "backtalk-54-loops",
    "https://github.com/jaredrhod/backtalk/issues/54 (faster-whisper, temperature 0)",
    "faster-whisper",
    "en",
    [(0.0, 6.0, "Okay." + " All right." * 25, H)],
    audio_duration=6.0,
    timing="assumed",
)
case(
    "backtalk-54-count-loop",
    "https://github.com/jaredrhod/backtalk/issues/54 (counting 1 to 13 aloud)",
    "faster-whisper",
    "en",
    [(0.0, 8.0, "1-2-3-4-4-6-7-8-9-10-11-12-8-12-8-12-8-12-8-12-8-12-8-12", H)],
    audio_duration=8.0,
    timing="assumed",
)
case(
    "wx-230-de-credits",
    "https://github.com/m-bain/whisperX/issues/230 (90 min German file)",
    "whisperx",
    "de",
    even(
        [("Untertitel der Amara.org-Community", H), ("Untertitel im Auftrag des ZDF für funk, 2017", H)],
        start=600.0,
        gap=40.0,
    ),
    timing="assumed",
)
case(
    "fw-949-de-zdf",
    "https://github.com/SYSTRAN/faster-whisper/issues/949",
    "faster-whisper",
    "de",
    even([("Untertitel im Auftrag des ZDF, 2020", H)]),
    timing="assumed",
)
case(
    "mlzh-7-de-you-silence",
    "https://github.com/machinelearningZH/audio-transcription/issues/7 (first 5 min silent, German debate)",
    "whisper",
    "de",
    [(30.0 * i, 30.0 * i + 2.0, "you", H) for i in range(10)],
    timing="assumed (every 30 s, as described)",
)
case(
    "purfview-144-it-amara",
    "https://github.com/Purfview/whisper-standalone-win/issues/144",
    "faster-whisper (standalone)",
    None,
    even([("Sottotitoli creati dalla comunità Amara.org.", H)]),
    timing="assumed",
)
case(
    "vexa-617-outros",
    "https://github.com/Vexa-ai/vexa/issues/617 (silent gaps in a meeting)",
    "faster-whisper",
    None,
    even(
        [
            ("ご視聴ありがとうございました", H),
            ("Abone olmayı unutmayın", H),
            ("次の動画でお会いしましょう", H),
        ],
        gap=20.0,
    ),
    timing="assumed",
)
case(
    "wcpp-2215-mic",
    "https://github.com/ggml-org/whisper.cpp/issues/2215",
    "whisper.cpp",
    "en",
    even([("Be sure to subscribe to my channel", H), ("Buy guys.", H)], gap=10.0),
    timing="assumed",
)
case(
    "amical-71-ja-in-silence",
    "https://github.com/amicalhq/amical/issues/71 (user not speaking Japanese)",
    "whisper",
    "en",
    even(
        [("ありがとうございました", H), ("おやすみなさい", H), ("ご視聴ありがとうございました", H)], gap=10.0
    ),
    timing="assumed",
    note="language = the dictation's language as the report describes it (not Japanese); en assumed",
)
case(
    "pocketshell-452-ko-outro",
    "https://github.com/PocketShell-io/pocketshell/issues/452",
    "whisper",
    "en",
    even([("시청해주셔서 감사합니다!", H)]),
    timing="assumed",
)
case(
    "ithaka-96-nl-amara",
    "https://github.com/EdF2021/ithaka/issues/96",
    "whisper",
    "nl",
    even([("Ondertitels ingediend door de Amara.org gemeenschap", H)]),
    timing="assumed",
)
case(
    "openwhispr-1458-ru-tail",
    "https://github.com/OpenWhispr/openwhispr/issues/1458 (trailing silence, 30 s dictation)",
    "whisper.cpp",
    "ru",
    [
        (
            0.0,
            4.0,
            "Давай проверим, как это работает на длинной диктовке.",
            "context",
            {"note": "stand-in for the dictation (not quoted); not scored"},
        ),
        (26.0, 30.0, "Продолжение следует...", H),
    ],
    audio_duration=30.0,
    timing="assumed",
)
case(
    "rescript-13-loop",
    "https://github.com/wassgha/rescript/pull/14 (issue 13)",
    "transformers.js whisper-base",
    "en",
    even(
        [("I'm sorry", U), ("ittle bit of a little bit of a little bit of a little bit of a little bit", H)]
    ),
    timing="assumed",
)
case(
    "echogarden-10-loop",
    "https://github.com/echogarden-project/echogarden/issues/10",
    "whisper",
    "en",
    even([("Thanks for watching! Thanks for watching! Thanks for watching!", H)], length=6.0),
    timing="assumed",
)
case(
    "screenpipe-4070-you-loop",
    "https://github.com/screenpipe/screenpipe/pull/4070",
    "whisper.cpp",
    "en",
    even([("you you you you you you", H)]),
    timing="assumed",
)
case(
    "openai-whisper-json-conversation",
    "AjinkyaASK/Conversation-Analysis-using-Whisper-and-PyAnnote readme.md (openai-whisper JSON)",
    "openai-whisper",
    "en",
    [
        (0.66, 7.92, "Jane? Mark? Hi! It's been ages since I last saw you. How are you and Jackie?", G),
        (
            8.42,
            12.36,
            "Yeah, good thanks. And your new baby? George, isn't it?",
            G,
            {"avg_logprob": -0.3016, "compression_ratio": 1.498, "no_speech_prob": 0.0152},
        ),
        (
            12.72,
            18.26,
            "Ha! You've got a good memory. Yes, he's two now. What about you? Are you still working in the health centre?",
            G,
            {"avg_logprob": -0.3016, "compression_ratio": 1.498, "no_speech_prob": 0.0152},
        ),
        (
            18.86,
            22.44,
            "Yes, for the time being, but we're moving in a couple of months.",
            G,
            {"avg_logprob": -0.3016, "compression_ratio": 1.498, "no_speech_prob": 0.0152},
        ),
        (
            23.24,
            27.2,
            "Anyhow, I'd better go. I'm late for work. Lovely to see you again.",
            G,
            {"avg_logprob": -0.3016, "compression_ratio": 1.498, "no_speech_prob": 0.0152},
        ),
        (
            27.38,
            29.7,
            "Yeah, likewise. Keep in touch.",
            G,
            {"avg_logprob": -0.4395, "compression_ratio": 0.789, "no_speech_prob": 0.6134},
        ),
    ],
    audio_duration=30.0,
)
case(
    "wx-398-yes-sir",
    "https://github.com/m-bain/whisperX/issues/398",
    "whisperx",
    "en",
    [
        (
            0.975,
            1.575,
            "Yes, sir.",
            G,
            {
                "words": [
                    {"word": "Yes,", "start": 0.975, "end": 1.215, "score": 0.537},
                    {"word": "sir.", "start": 1.295, "end": 1.575, "score": 0.302},
                ]
            },
        )
    ],
)
case(
    "wlive-291-ja-call",
    "https://github.com/collabora/WhisperLive/issues/291 (faster-whisper segments)",
    "faster-whisper",
    "ja",
    [
        (
            0.0,
            3.12,
            "お電話ありがとうございます",
            G,
            {"avg_logprob": -0.346, "compression_ratio": 0.792, "no_speech_prob": 0.0},
        ),
        (3.12, 4.04, "FPI", G, {"avg_logprob": -0.346, "compression_ratio": 0.792, "no_speech_prob": 0.0}),
    ],
    audio_duration=4.3,
)
case(
    "obs-localvocal-59-ru-pangrams",
    "https://github.com/royshil/obs-localvocal/issues/59 (whisper.cpp output of read Russian pangrams)",
    "whisper.cpp",
    "ru",
    even(
        [
            ("А ещё хорошо бы уметь всем на зависть чётко и наглядно писать буквы и цифры.", G),
            ("Аэрофотосъёмка ландшафта уже выявила земли богачей и процветающих крестьян.", G),
            ("Бегом марш! У месторождения кварцующихся фей без слёз хочется электрическую пыль.", G),
            ("Безмозглый широковещательный цифровой передатчик сужающихся экспонент.", G),
            ("Блеф разъедает ум, чаще цыгана живёшь беспокойно, юля — грех это!", G),
            ("В чащах юга жил бы цитрус? Да, но фальшивый экземпляр!", G),
            ("Вопрос футбольных энциклопедий замещая чушью: эй, где съеден ёж?", G),
        ],
        length=5.0,
        gap=1.0,
    ),
    timing="assumed",
)
case(
    "transformers-36228-festive",
    "https://github.com/huggingface/transformers/issues/36228 (word timestamps quoted)",
    "transformers whisper",
    "en",
    [(12.06, 16.81, "at this festive season of the year, with Christmas and roast beef looming", G)],
)

# Added after the rules were written (unseen by them), 21:05 UTC: see the report.
seed = "To become one of them, one must drink the seed of the creature."
case(
    "subtitleedit-13081-en-loop",
    "https://github.com/SubtitleEdit/subtitleedit/issues/13081 (whisper.cpp log)",
    "whisper.cpp",
    "en",
    [
        (1493.76, 1523.74, seed, U),
        (1553.72, 1583.70, seed, H),
        (1583.70, 1613.68, seed, H),
        (1613.68, 1643.66, seed, H),
        (1643.66, 1673.64, seed, H),
        (1673.64, 1703.62, seed, H),
    ],
)
case(
    "webui-287-en-long-timed",
    "https://github.com/jhj0517/Whisper-WebUI/issues/287 (SRT cues 37-39, ends stretched to the next start)",
    "faster-whisper",
    "en",
    [
        (584.419, 596.95, "I can't solve the problem at this rate.", G),
        (596.95, 607.269, "What should I do?", G),
        (607.269, 611.269, "I'll take my time and look at it.", G),
    ],
)
case(
    "wcpp-pr1031-en-fragments",
    "https://github.com/ggml-org/whisper.cpp/pull/1031 (text output with speakers, no times)",
    "whisper.cpp",
    "en",
    even(
        [
            ("Then these neural nets take on pretty surprising magical", G),
            ("properties.", G),
            ("I think it's kind of interesting how much you can get out", G),
            ("of even very simple mathematical", G),
            ("formalism.", G),
            ("When your brain right now is talking, is it doing next word", G),
            ("prediction or is it doing", G),
            ("something more interesting?", G),
            ("Well, it's definitely some kind of a generative model that", G),
            ("'s a GPT-like and prompted by you.", G),
        ],
        length=2.5,
        gap=0.2,
    ),
    timing="assumed",
)

for c in cases[-3:]:
    c["note"] = (
        c["note"] + "; " if c["note"] else ""
    ) + "added after the flagging rules were written (unseen by them)"
for c in cases:
    c["half"] = "dev" if hashlib.sha256(c["id"].encode()).digest()[0] % 2 == 0 else "test"
about = (
    "Real Whisper outputs quoted in public issue threads and repositories, labelled per segment "
    "(hallucination / genuine scored; unsure and context — stand-in lines where the source quotes none — are not). 'timing' says whether times are quoted or assumed. "
    "'half' is sha256(id)[0] % 2: dev (tune on it) or test (report only)."
)
out = {"about": about, "cases": cases}
with open(Path(__file__).with_name("real_hallucination_eval.json"), "w") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)

cnt = Counter((c["half"], s["label"]) for c in cases for s in c["segments"])
print(len(cases), cnt)
