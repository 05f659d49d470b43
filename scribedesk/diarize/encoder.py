"""resemblyzer's GE2E voice encoder (3-layer LSTM, 256 units, 256-d output) without torch.

The weights come from the ``pretrained.pt`` that the resemblyzer wheel ships (Apache-2.0); they are
read with scribedesk.diarize.weights and run by onnxruntime (installed with faster-whisper) through
a model built in memory (scribedesk.diarize.onnx_graph). One pass takes windows of 160 mel frames
(1.6 s) and returns one L2-normalised embedding per window, as ``VoiceEncoder.forward`` does: the
final hidden state of the last layer, linear, ReLU, L2 norm.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import numpy as np

from scribedesk.diarize.onnx_graph import encoder_model
from scribedesk.diarize.weights import WeightsError, read_legacy_checkpoint

WINDOW_FRAMES = 160
HIDDEN = 256
LAYERS = 3
BATCH = 32
"""Windows per pass: bounds onnxruntime's (160, batch, 1024) buffers to a few tens of MB."""

_LOADED: dict[str, VoiceEncoder] = {}
_LOCK = threading.Lock()


class EncoderMissing(Exception):
    """The resemblyzer package (which carries the weights) is not installed."""


def packaged_weights() -> Path:
    """Where the resemblyzer wheel put pretrained.pt (found without importing resemblyzer)."""
    spec = importlib.util.find_spec("resemblyzer")
    for folder in list(spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "pretrained.pt"
        if path.is_file():
            return path
    raise EncoderMissing(
        "Speaker separation on this computer needs the voice encoder weights from the resemblyzer "
        "package: run `pip install --no-deps resemblyzer==0.1.4` (make install does it)."
    )


def available() -> bool:
    """True when the packaged weights are installed."""
    try:
        packaged_weights()
    except EncoderMissing:
        return False
    return True


class VoiceEncoder:
    """Embeddings of 1.6 s mel windows; see the module docstring."""

    def __init__(self, state: dict[str, np.ndarray]) -> None:
        import onnxruntime as ort

        try:
            graph = encoder_model(state, LAYERS, HIDDEN)
            self._lin_w = np.ascontiguousarray(state["linear.weight"].T)
            self._lin_b = state["linear.bias"]
        except KeyError as e:
            raise WeightsError(f"The voice encoder weights lack {e}.") from e
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        opts.enable_cpu_mem_arena = False  # memory goes back after each batch, as in faster-whisper's VAD
        self._session = ort.InferenceSession(graph, opts, providers=["CPUExecutionProvider"])

    @classmethod
    def load(cls, path: Path | None = None) -> VoiceEncoder:
        """The encoder from path, or the packaged one (built once per process)."""
        source = path or packaged_weights()
        with _LOCK:
            if str(source) not in _LOADED:
                checkpoint = read_legacy_checkpoint(source)
                state = checkpoint.get("model_state")
                if not isinstance(state, dict):
                    raise WeightsError("The checkpoint has no model_state.")
                weights = {k: np.asarray(v, dtype=np.float32) for k, v in state.items()}
                _LOADED[str(source)] = cls(weights)
            return _LOADED[str(source)]

    def embed(self, windows: np.ndarray) -> np.ndarray:
        """(n, 160, 40) mel windows -> (n, 256) float32 unit vectors."""
        parts = [self._forward(windows[i : i + BATCH]) for i in range(0, len(windows), BATCH)]
        return np.concatenate(parts) if parts else np.zeros((0, HIDDEN), np.float32)

    def _forward(self, x: np.ndarray) -> np.ndarray:
        mels = np.ascontiguousarray(x.transpose(1, 0, 2), dtype=np.float32)  # time-major
        (hidden,) = self._session.run(None, {"mels": mels})
        raw = np.maximum(hidden @ self._lin_w + self._lin_b, 0.0)
        norm = np.linalg.norm(raw, axis=1, keepdims=True)
        result: np.ndarray = (raw / np.maximum(norm, 1e-12)).astype(np.float32)
        return result
