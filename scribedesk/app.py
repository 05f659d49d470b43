"""create_app(settings) -> FastAPI: wires the store, storage, engines, runner and routes together."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from scribedesk.api import desk, events, imports, jobs, meta, results, setup, voices
from scribedesk.api.deps import install_error_handlers
from scribedesk.api.security import SecurityMiddleware
from scribedesk.config import Settings
from scribedesk.paths import static_dir
from scribedesk.wiring import EngineFactory, running_service

STATIC_DIR = static_dir()
log = logging.getLogger("scribedesk")


def create_app(settings: Settings, engine_factory: EngineFactory | None = None) -> FastAPI:
    """Build the app; `engine_factory` lets tests put their own engine behind the runner."""
    if not settings.binds_loopback and not settings.access_token:
        raise ValueError(
            f"refusing to serve on {settings.host} without ACCESS_TOKEN: anyone on the network "
            "could use your cloud keys. Set ACCESS_TOKEN or bind 127.0.0.1."
        )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with running_service(settings, engine_factory) as service:
            app.state.service = service
            yield

    app = FastAPI(title="Scribedesk", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    install_error_handlers(app)
    for module in (jobs, results, events, meta, desk, setup, imports, voices):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    app.add_middleware(SecurityMiddleware, settings=settings)
    return app
