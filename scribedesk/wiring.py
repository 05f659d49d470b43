"""Build the running parts (store, storage, engines, runner, service) once, for the app and the CLI."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from scribedesk.config import Settings
from scribedesk.engines.base import Engine
from scribedesk.engines.factory import build_engine
from scribedesk.jobs.context import EnginePool, JobContext
from scribedesk.jobs.events import EventBus
from scribedesk.jobs.files import JobFiles
from scribedesk.jobs.runner import Runner
from scribedesk.jobs.service import JobService
from scribedesk.jobs.store import JobStore
from scribedesk.jobs.tracker import JobTracker
from scribedesk.storage import ObjectStorage

EngineFactory = Callable[[str], Engine]


@asynccontextmanager
async def running_service(
    settings: Settings, engine_factory: EngineFactory | None = None
) -> AsyncIterator[JobService]:
    """Open the job table, start the runner (resuming unfinished jobs), and stop it all on exit."""
    settings.upload_dir.mkdir(parents=True, exist_ok=True)
    settings.results_dir.mkdir(parents=True, exist_ok=True)
    store = JobStore(settings.results_dir / "jobs.sqlite3")
    files = JobFiles(settings.upload_dir, settings.results_dir)
    storage = ObjectStorage(settings) if settings.storage_configured else None
    factory = engine_factory or (lambda name: build_engine(name, settings))
    bus = EventBus()
    tracker = JobTracker(store, bus, settings.secret_values())
    ctx = JobContext(settings, store, files, tracker, storage, EnginePool(factory))
    runner = Runner(ctx)
    await runner.start()
    try:
        yield JobService(ctx, runner)
    finally:
        bus.close()
        await runner.stop()
        store.close()
