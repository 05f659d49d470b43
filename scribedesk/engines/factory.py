"""Build the engine named by the settings (runpod, worker or local)."""

from __future__ import annotations

from scribedesk.config import Settings
from scribedesk.engines.base import Engine
from scribedesk.engines.catalog import ENGINE_NAMES


def build_engine(name: str, settings: Settings) -> Engine:
    # Imported lazily: the local engine pulls in faster-whisper, which a RunPod-only panel never needs.
    if name == "runpod":
        from scribedesk.engines.runpod import RunPodEngine

        return RunPodEngine(settings)
    if name == "worker":
        from scribedesk.engines.worker import WorkerEngine

        return WorkerEngine(settings)
    if name == "local":
        from scribedesk.diarize.hook import local_hook
        from scribedesk.engines.local import LocalEngine

        engine = LocalEngine(settings)
        engine.diarize_hook = local_hook()  # speakers on this computer, when the weights are installed
        return engine
    raise ValueError(f"unknown engine {name!r}; use one of {', '.join(ENGINE_NAMES)}")
