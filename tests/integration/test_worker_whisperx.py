"""The worker on the real WhisperX (CPU, tiny.en, offline): `make test-worker` runs this in .venv-worker.

Skipped where WhisperX is not installed (the panel's own environment). Nothing here downloads:
the alignment and diarization models are either unreachable (HF_HUB_OFFLINE, no network) or
replaced by small local stand-ins — a randomly initialised tiny wav2vec2 and a stub pyannote
pipeline — so WhisperX's own code aligns the words and assigns the speakers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

whisperx = pytest.importorskip("whisperx")

from tests.support.audio import concat_wav, silence_wav, speak_wav, wav_duration  # noqa: E402
from tests.support.models import TINY_EN  # noqa: E402
from tests.support.servers import serve  # noqa: E402
from worker import core, enrich, handler  # noqa: E402
from worker.app import create_app  # noqa: E402

pytestmark = pytest.mark.slow

FIRST = "Hello world. Thank you for joining this interview today."
SECOND = "Goodbye everyone. See you next week."
COMMUNITY = "pyannote/speaker-diarization-community-1"


@pytest.fixture(scope="module")
def audio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("audio")
    one = speak_wav(FIRST, folder / "one.wav", voice="en-us")
    two = speak_wav(SECOND, folder / "two.wav", voice="en-gb")
    gap = silence_wav(folder / "gap.wav", 1.5)
    return {"one": one, "dialogue": concat_wav([one, gap, two], folder / "dialogue.wav"), "folder": folder}


@pytest.fixture(autouse=True)
def worker_env(audio: dict[str, Path]) -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WHISPER_MODEL", str(TINY_EN))
        mp.setenv("WHISPER_DEVICE", "cpu")
        mp.setenv("WHISPER_COMPUTE_TYPE", "int8")
        mp.setenv("AUDIO_ROOTS", str(audio["folder"]))
        mp.setenv("WORKER_VOLUME_ROOT", str(audio["folder"] / "no-volume"))
        mp.delenv("HF_TOKEN", raising=False)
        enrich.FAILED.clear()
        yield mp
        enrich.FAILED.clear()
        core._MODELS.clear()  # drop stand-in aligners and pipelines; keep nothing between tests


def run(**payload: Any) -> dict[str, Any]:
    out = handler.handler({"id": "t", "input": payload})
    assert "error" not in out, out
    return out


def text_of(out: dict[str, Any]) -> str:
    return " ".join(s["text"] for s in out["segments"]).lower()


def words_of(out: dict[str, Any]) -> list[dict[str, Any]]:
    return [w for s in out["segments"] for w in s["words"]]


def assert_timed_words(out: dict[str, Any], duration: float) -> None:
    words = words_of(out)
    assert len(words) >= 8
    assert [w["start"] for w in words] == sorted(w["start"] for w in words)
    assert all(0 <= w["start"] <= w["end"] <= duration + 0.05 for w in words)
    for seg in out["segments"]:
        joined = " ".join(w["word"] for w in seg["words"]).lower()
        assert joined.split() == seg["text"].lower().split()
    assert out["word_segments"] == words


def test_english_only_model_without_a_language_transcribes_english_with_words(audio: dict[str, Path]) -> None:
    out = run(audio=str(audio["one"]), align=False)
    assert all(k in text_of(out) for k in ("hello", "world", "interview"))
    assert out["language"] == "en"
    assert out["warnings"] == []
    assert_timed_words(out, wav_duration(audio["one"]))


def test_another_language_on_an_english_only_model_is_refused_up_front(audio: dict[str, Path]) -> None:
    out = handler.handler({"id": "t", "input": {"audio": str(audio["one"]), "language": "ru"}})
    assert "only understands English, not 'ru'" in out["error"]


def test_unreachable_alignment_model_leaves_the_transcript_and_says_so(
    audio: dict[str, Path], worker_env: pytest.MonkeyPatch
) -> None:
    attempts: list[str] = []
    real = whisperx.load_align_model

    def counting(**kwargs: Any) -> Any:
        attempts.append(kwargs["language_code"])
        return real(**kwargs)

    worker_env.setattr(whisperx, "load_align_model", counting)
    worker_env.setattr(enrich, "_check_punkt", lambda _lang: None)  # reach the model download itself
    out = run(audio=str(audio["one"]), language="en")
    assert "interview" in text_of(out)
    assert_timed_words(out, wav_duration(audio["one"]))  # Whisper's own word timings
    assert len(out["warnings"]) == 1
    assert out["warnings"][0].startswith("word alignment skipped: could not load the word-alignment model")
    assert attempts == ["en"]

    again = run(audio=str(audio["one"]), language="en")  # remembered: no second wait
    assert again["warnings"] == out["warnings"]
    assert attempts == ["en"]


def test_missing_punkt_tab_is_a_warning_not_a_download(
    audio: dict[str, Path], worker_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import nltk

    worker_env.setattr(nltk.data, "path", [str(tmp_path / "empty-nltk")])
    out = run(audio=str(audio["one"]))
    assert "hello" in text_of(out)
    assert len(out["warnings"]) == 1
    assert "NLTK's punkt_tab data is missing" in out["warnings"][0]
    assert not (tmp_path / "empty-nltk").exists()  # nothing was downloaded
    assert_timed_words(out, wav_duration(audio["one"]))


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (None, "speakers skipped: set HF_TOKEN"),
        ("not-a-token", "does not look like a Hugging Face access token"),
        ("hf_offlineTestToken123", f"could not load {COMMUNITY}"),
    ],
)
def test_unavailable_diarization_leaves_the_transcript_and_says_so(
    audio: dict[str, Path], worker_env: pytest.MonkeyPatch, token: str | None, expected: str
) -> None:
    from pyannote.audio import Pipeline

    opened: list[str] = []
    real = Pipeline.from_pretrained

    def counting(name: str, **kwargs: Any) -> Any:
        opened.append(name)
        return real(name, **kwargs)

    worker_env.setattr(Pipeline, "from_pretrained", counting)
    if token:
        worker_env.setenv("HF_TOKEN", token)
    for _ in range(2):  # the second job neither retries the load nor fails
        out = run(audio=str(audio["dialogue"]), align=False, diarize=True)
        assert "goodbye" in text_of(out)
        assert [w for w in out["warnings"] if expected in w], out["warnings"]
        assert all("speaker" not in w for w in words_of(out))
    assert opened == ([COMMUNITY] if token and token.startswith("hf_") else [])
    if token:
        assert token not in " ".join(out["warnings"])


# --- stand-ins: the real WhisperX code runs on them ---------------------------------------------


def tiny_wav2vec2(language_code: str, device: str) -> tuple[Any, dict[str, Any]]:
    """A randomly initialised wav2vec2 CTC model with an English character vocabulary, built here."""
    import torch
    from transformers import Wav2Vec2Config, Wav2Vec2ForCTC

    vocab = ["<pad>", "|", *"abcdefghijklmnopqrstuvwxyz'"]
    torch.manual_seed(0)
    config = Wav2Vec2Config(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        conv_dim=(32,) * 7,
        num_conv_pos_embeddings=16,
        num_conv_pos_embedding_groups=2,
        pad_token_id=0,
    )
    model = Wav2Vec2ForCTC(config).to(device).eval()
    metadata = {
        "language": language_code,
        "dictionary": {c: i for i, c in enumerate(vocab)},
        "type": "huggingface",
    }
    return model, metadata


def local_punkt(folder: Path) -> Path:
    """NLTK's punkt_tab layout with empty parameters: a real Punkt splitter that knows no abbreviations."""
    lang = folder / "tokenizers" / "punkt_tab" / "english"
    lang.mkdir(parents=True, exist_ok=True)
    for name in ("collocations.tab", "sent_starters.txt", "abbrev_types.txt", "ortho_context.tab"):
        (lang / name).write_text("", encoding="utf-8")
    return folder


class TwoTurns:
    """A stub pyannote pipeline: speaker A until `boundary` seconds, speaker B after it."""

    def __init__(self, boundary: float) -> None:
        self.boundary = boundary
        self.calls: list[dict[str, Any]] = []

    def to(self, _device: Any) -> TwoTurns:
        return self

    def __call__(self, file: dict[str, Any], **kwargs: Any) -> Any:
        from types import SimpleNamespace

        from pyannote.core import Annotation, Segment

        self.calls.append(kwargs)
        end = file["waveform"].shape[-1] / file["sample_rate"]
        turns = Annotation()
        turns[Segment(0.0, self.boundary)] = "A"
        turns[Segment(self.boundary, end)] = "B"
        return SimpleNamespace(speaker_diarization=turns, speaker_embeddings=None)


def test_stand_in_aligner_through_whisperx_align(
    audio: dict[str, Path], worker_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import nltk

    worker_env.setattr(nltk.data, "path", [str(local_punkt(tmp_path / "nltk")), *nltk.data.path])
    loads: list[str] = []

    def loader(language_code: str, device: str) -> Any:
        loads.append(language_code)
        return tiny_wav2vec2(language_code, device)

    worker_env.setattr(whisperx, "load_align_model", loader)
    out = run(audio=str(audio["one"]))
    assert out["warnings"] == []
    assert loads == ["en"]
    assert "interview" in text_of(out)
    words = words_of(out)
    assert {"hello", "interview"} <= {w["word"].strip(".,").lower() for w in words}
    for seg in out["segments"]:  # WhisperX placed every aligned word inside its segment
        timed = [w for w in seg["words"] if "start" in w]
        assert timed
        assert all(seg["start"] - 0.05 <= w["start"] <= w["end"] <= seg["end"] + 0.05 for w in timed)

    run(audio=str(audio["one"]))
    assert loads == ["en"]  # the loaded aligner is kept for the next job


def test_stub_diarization_through_assign_word_speakers(
    audio: dict[str, Path], worker_env: pytest.MonkeyPatch
) -> None:
    from pyannote.audio import Pipeline

    boundary = wav_duration(audio["one"]) + 0.75  # the middle of the silence between the voices
    stub = TwoTurns(boundary)
    opened: list[dict[str, Any]] = []

    def from_pretrained(name: str, **kwargs: Any) -> TwoTurns:
        opened.append({"name": name, **kwargs})
        return stub

    worker_env.setattr(Pipeline, "from_pretrained", from_pretrained)
    worker_env.setenv("HF_TOKEN", "hf_standInToken42")
    out = run(audio=str(audio["dialogue"]), align=False, diarize=True, min_speakers=2, max_speakers=2)

    assert out["warnings"] == []
    assert opened[0]["name"] == COMMUNITY and opened[0]["token"] == "hf_standInToken42"
    assert stub.calls == [{"num_speakers": None, "min_speakers": 2, "max_speakers": 2}]
    words = words_of(out)
    speaker = {w["word"].strip(".,").lower(): w.get("speaker") for w in words}
    assert speaker["hello"] == "A" and speaker["interview"] == "A"
    assert speaker["goodbye"] == "B" and speaker["week"] == "B"
    assert [s["speaker"] for s in out["segments"]] == ["A", "B"]  # split where the speaker changes
    assert all({w["speaker"] for w in s["words"]} == {s["speaker"]} for s in out["segments"])
    assert "goodbye" in out["segments"][1]["text"].lower()
    assert out["segments"][0]["end"] <= out["segments"][1]["start"]


def test_http_app_on_whisperx_returns_words_and_warnings(audio: dict[str, Path]) -> None:
    app = create_app(api_key=None, upload_dir=audio["folder"] / "uploads")
    with serve(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        health = client.get("/health").json()
        assert health["backend"] == "whisperx"
        with audio["one"].open("rb") as f:
            r = client.post("/transcribe/upload", files={"file": ("one.wav", f)}, data={"diarize": "true"})
        assert r.status_code == 202, r.text
        deadline = time.monotonic() + 300  # a hang guard, not a speed check
        while (job := client.get(f"/jobs/{r.json()['id']}").json())["status"] not in ("completed", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
    assert job["status"] == "completed", job
    out = job["output"]
    assert out["language"] == "en" and "interview" in text_of(out)
    assert_timed_words(out, wav_duration(audio["one"]))
    assert any(w.startswith("word alignment skipped") for w in out["warnings"])
    assert any(w.startswith("speakers skipped: set HF_TOKEN") for w in out["warnings"])
