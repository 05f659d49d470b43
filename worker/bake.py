"""Download the worker's models into the image at build time (see Dockerfile), so cold starts do not.

Usage: python worker/bake.py  (reads WHISPER_MODEL, ALIGN_LANGUAGES, HF_HOME, TORCH_HOME, NLTK_DATA).
Bakes the Whisper model, the wav2vec2 alignment models for ALIGN_LANGUAGES, NLTK's punkt_tab, and
the gated pyannote diarization model when a Hugging Face token is given as the build secret
`hf_token` (its terms must be accepted on the model's page with that account).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SECRET = Path("/run/secrets/hf_token")
DIARIZATION_MODEL = "pyannote/speaker-diarization-community-1"  # the same default as worker/enrich.py


def main() -> int:
    import nltk
    import whisperx
    from faster_whisper.utils import download_model

    model = os.environ.get("WHISPER_MODEL") or "large-v2"
    print(f"baking Whisper model {model}", flush=True)
    download_model(model)
    for lang in (os.environ.get("ALIGN_LANGUAGES") or "en ru").split():
        print(f"baking the alignment model for {lang}", flush=True)
        whisperx.load_align_model(language_code=lang, device="cpu")
    target = os.environ.get("NLTK_DATA") or str(Path.home() / "nltk_data")
    if not nltk.download("punkt_tab", download_dir=target, quiet=True):
        print("could not download NLTK punkt_tab", file=sys.stderr)
        return 1
    token = SECRET.read_text(encoding="utf-8").strip() if SECRET.is_file() else ""
    if token:
        from whisperx.diarize import DiarizationPipeline

        name = os.environ.get("DIARIZATION_MODEL") or DIARIZATION_MODEL
        print(f"baking the diarization model {name}", flush=True)
        DiarizationPipeline(model_name=name, token=token, device="cpu")
    else:
        print("no hf_token build secret: the diarization model downloads on first use", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
