"""One check's result: a name, ok/warn/fail/skip, and one sentence saying what was found or what to fix."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

CheckStatus = Literal["ok", "warn", "fail", "skip"]


class Check(BaseModel):
    name: str
    status: CheckStatus
    message: str

    def __init__(self, name: str, status: CheckStatus, message: str) -> None:
        super().__init__(name=name, status=status, message=message)


class Report(BaseModel):
    """Every check in order; `ok` is False when any check failed (warnings do not fail it)."""

    ok: bool
    checks: list[Check]
