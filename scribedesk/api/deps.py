"""Dependencies as Annotated aliases; tests replace them with app.dependency_overrides."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from scribedesk.config import Settings
from scribedesk.jobs.lifecycle import InvalidTransition
from scribedesk.jobs.service import BadRequest, Conflict, JobService, NotFound


def get_service(request: Request) -> JobService:
    service: JobService = request.app.state.service
    return service


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


ServiceDep = Annotated[JobService, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

_STATUS: dict[type[Exception], int] = {NotFound: 404, Conflict: 409, InvalidTransition: 409, BadRequest: 400}


def install_error_handlers(app: FastAPI) -> None:
    """The service's exceptions become {"detail": ...} answers, so handlers need no try/except."""

    async def handle(_: Request, e: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(e)}, status_code=_STATUS[type(e)])

    for exc in _STATUS:
        app.add_exception_handler(exc, handle)
