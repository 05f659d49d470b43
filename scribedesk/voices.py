"""Voice memory: the voice prints of speakers the user has named, kept in the results folder.

A print is a mean voice embedding (256 numbers from the local diarizer), never audio. Each name
keeps one print per (job, speaker label) the user gave that name to, and is compared by their
mean. A speaker of a new job whose print is close to a named one is suggested under that name.
The file is results/voices.json; deleting a name deletes its prints.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from scribedesk.jobs.files import atomic_write

SUGGEST_AT = 0.85
"""Cosine similarity from which a new speaker "sounds like" a named voice."""
FILE_NAME = "voices.json"


@dataclass(frozen=True)
class Suggestion:
    label: str
    name: str
    similarity: float


def _unit(values: Any) -> np.ndarray | None:
    try:
        v = np.asarray(values, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        return None
    norm = float(np.linalg.norm(v))
    if v.size == 0 or not np.isfinite(norm) or norm == 0:
        return None
    result: np.ndarray = v / norm
    return result


def job_prints(raw: object) -> dict[str, np.ndarray]:
    """label -> unit print from a raw output's ``speaker_embeddings`` (WhisperX's key)."""
    found = raw.get("speaker_embeddings") if isinstance(raw, dict) else None
    if not isinstance(found, dict):
        return {}
    prints = {str(k): _unit(v) for k, v in found.items()}
    return {k: v for k, v in prints.items() if v is not None}


class VoiceMemory:
    """The voices.json file; every method is blocking (call from a thread)."""

    def __init__(self, results_dir: Path) -> None:
        self.path = results_dir / FILE_NAME
        self._lock = threading.Lock()

    def _load(self) -> dict[str, dict[str, list[float]]]:
        try:
            data = json.loads(self.path.read_bytes())
        except (FileNotFoundError, ValueError):
            return {}
        voices = data.get("voices") if isinstance(data, dict) else None
        return voices if isinstance(voices, dict) else {}

    def _save(self, voices: dict[str, dict[str, list[float]]]) -> None:
        atomic_write(self.path, json.dumps({"voices": voices}, ensure_ascii=False).encode("utf-8"))

    def names(self) -> dict[str, int]:
        """Each remembered name and how many named speakers its print comes from."""
        with self._lock:
            return {name: len(prints) for name, prints in sorted(self._load().items())}

    def remember(self, job_id: str, names: Mapping[str, str], prints: Mapping[str, np.ndarray]) -> None:
        """Keep this job's print under each label's name (a label still called by itself is unnamed)."""
        with self._lock:
            voices = self._load()
            for label, vector in prints.items():
                key = f"{job_id}:{label}"
                for entries in voices.values():  # a renamed speaker leaves its old name
                    entries.pop(key, None)
                name = names.get(label, label).strip()
                if name and name != label:
                    voices.setdefault(name, {})[key] = [round(float(x), 6) for x in vector]
            self._save({k: v for k, v in voices.items() if v})

    def forget(self, name: str) -> bool:
        """Delete the name and its prints; False when there was no such name."""
        with self._lock:
            voices = self._load()
            if voices.pop(name, None) is None:
                return False
            self._save(voices)
            return True

    def suggest(self, names: Mapping[str, str], prints: Mapping[str, np.ndarray]) -> list[Suggestion]:
        """Unnamed speakers whose voice is close to a remembered name; each name at most once."""
        with self._lock:
            voices = self._load()
        taken = {n for label, n in names.items() if n != label}
        means = {n: _unit(np.mean(list(p.values()), axis=0)) for n, p in voices.items() if n not in taken}
        pairs = []
        for label, vector in prints.items():
            if names.get(label, label) != label:
                continue
            for name, mean in means.items():
                if mean is not None and mean.size == vector.size:
                    pairs.append((float(mean @ vector), label, name))
        chosen: list[Suggestion] = []
        for sim, label, name in sorted(pairs, reverse=True):
            if sim < SUGGEST_AT:
                break
            if all(s.label != label and s.name != name for s in chosen):
                chosen.append(Suggestion(label, name, round(sim, 3)))
        return chosen
