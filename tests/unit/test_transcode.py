"""The GPU's Opus copy: when it is made, what it is, and that it is the same bytes every time."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest

from scribedesk.audio import AudioError, probe
from scribedesk.transcode import TranscodeStopped, encode_opus, wants_opus_for
from tests.support.audio import make_m4a, speak_wav, wav_duration


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("opus")
    wav = speak_wav("One small copy for the graphics card, one big saving on the uplink.", root / "s.wav")
    return wav, make_m4a(wav, root / "s.m4a")


@pytest.mark.parametrize(
    ("mode", "size", "duration", "expected"),
    [
        ("auto", 57_600_000, 3600.0, True),  # 128 kbit/s AAC
        ("auto", 5_400_000, 3600.0, False),  # 12 kbit/s: already small
        ("auto", 21_600_000, 3600.0, False),  # 48 kbit/s exactly: not over
        ("auto", 57_600_000, None, False),  # unknown length: send as it is
        ("off", 57_600_000, 3600.0, False),
        ("on", 5_400_000, 3600.0, True),
    ],
)
def test_transcode_setting_decides_the_copy(
    mode: str, size: int, duration: float | None, expected: bool
) -> None:
    assert wants_opus_for(mode, size, duration) is expected  # type: ignore[arg-type]


def test_the_copy_is_16khz_mono_opus_of_the_same_length_and_bit_exact(
    speech: tuple[Path, Path], tmp_path: Path
) -> None:
    wav, m4a = speech
    first, second = io.BytesIO(), io.BytesIO()
    seen: list[float] = []
    seconds = encode_opus(m4a, first, on_progress=seen.append)
    encode_opus(m4a, second)
    # A resumed push keeps the parts already stored only if a second encode gives the same bytes.
    assert first.getvalue() == second.getvalue()
    copy = tmp_path / "copy.opus"
    copy.write_bytes(first.getvalue())
    info = probe(copy)
    assert info.codec == "opus" and info.channels == 1
    assert info.duration == pytest.approx(wav_duration(wav), abs=0.1)
    assert seen[-1] == seconds == pytest.approx(wav_duration(wav), abs=0.1)
    # ~24 kbit/s: a few kilobytes a second, whatever the source's bitrate.
    assert len(first.getvalue()) < 4000 * wav_duration(wav)


def test_a_set_stop_ends_the_encode(speech: tuple[Path, Path]) -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(TranscodeStopped):
        encode_opus(speech[1], io.BytesIO(), stop=stop)


def test_a_file_that_is_not_audio_says_so(tmp_path: Path) -> None:
    bad = tmp_path / "notes.m4a"
    bad.write_bytes(b"this is not audio at all" * 100)
    with pytest.raises(AudioError, match="could not be converted"):
        encode_opus(bad, io.BytesIO())
