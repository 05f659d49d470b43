"""The torch-free front end and encoder against the original resemblyzer (tests/data reference)."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from scribedesk.diarize.encoder import VoiceEncoder, packaged_weights
from scribedesk.diarize.features import mel_frames, normalize_volume
from scribedesk.diarize.weights import MAGIC_NUMBER, WeightsError, read_legacy_checkpoint

REFERENCE = Path(__file__).parents[2] / "data" / "diarize_reference.npz"


@pytest.fixture(scope="module")
def ref() -> dict[str, np.ndarray]:
    with np.load(REFERENCE) as data:
        return {k: data[k] for k in data.files}


def test_mel_front_end_matches_librosa(ref: dict[str, np.ndarray]) -> None:
    wav = normalize_volume(ref["pcm"].astype(np.float32) / 32768.0)
    mel = mel_frames(wav)
    assert mel.shape == ref["mel"].shape
    np.testing.assert_allclose(mel, ref["mel"], rtol=1e-4, atol=1e-5 * float(ref["mel"].max()))


def test_embeddings_match_torch(ref: dict[str, np.ndarray]) -> None:
    mel = ref["mel"]
    windows = np.stack([mel[s : s + 160] for s in ref["window_starts"]])
    emb = VoiceEncoder.load().embed(windows)
    np.testing.assert_allclose(emb, ref["embeddings"], atol=1e-4)
    assert np.allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)


def test_packaged_checkpoint_reads_without_torch() -> None:
    state = read_legacy_checkpoint(packaged_weights())["model_state"]
    assert state["lstm.weight_ih_l0"].shape == (1024, 40)
    assert state["linear.weight"].shape == (256, 256)


class _Boom:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (print, ("pwned",))


def test_a_checkpoint_asking_for_other_code_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pt"
    with bad.open("wb") as f:
        for obj in (MAGIC_NUMBER, 1001, {"little_endian": True}, {"x": _Boom()}, []):
            pickle.dump(obj, f, protocol=2)
    with pytest.raises(WeightsError, match="refuses"):
        read_legacy_checkpoint(bad)


def test_a_file_that_is_not_a_checkpoint_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pt"
    bad.write_bytes(pickle.dumps(12345))
    with pytest.raises(WeightsError, match="not a legacy"):
        read_legacy_checkpoint(bad)
