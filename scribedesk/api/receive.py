"""Stream a multipart upload straight to uploads/<job>/, chunk by chunk, with a size limit.

Starlette's form parser spools the whole file to a temporary file first; an hour of audio would then
be written twice and the size limit would only bite after everything arrived. This parser writes the
`file` part where it belongs as it comes in and stops reading the moment the limit is passed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from scribedesk.audio import safe_filename

FLUSH_BYTES = 4 * 1024 * 1024


class UploadRejected(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Received:
    filename: str
    stored_name: str
    size: int


class _FilePart:
    """Collects the parser's callbacks for the single `file` part."""

    def __init__(self, folder: Path, limit: int) -> None:
        self.folder = folder
        self.limit = limit
        self.header_field = b""
        self.header_value = b""
        self.headers: dict[bytes, bytes] = {}
        self.in_file = False
        self.filename: str | None = None
        self.stored_name = ""
        self.out: IO[bytes] | None = None
        self.size = 0
        self.pending: list[bytes] = []
        self.pending_size = 0
        self.too_large = False

    def on_part_begin(self) -> None:
        self.headers = {}

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[self.header_field.lower()] = self.header_value
        self.header_field = self.header_value = b""

    def on_headers_finished(self) -> None:
        disposition, params = parse_options_header(self.headers.get(b"content-disposition", b""))
        name = params.get(b"name", b"").decode("utf-8", "replace")
        self.in_file = disposition == b"form-data" and name == "file" and self.out is None
        if self.in_file:
            raw = params.get(b"filename", b"").decode("utf-8", "replace")
            self.filename = raw.replace("\\", "/").rsplit("/", 1)[-1] or "audio"
            self.stored_name = safe_filename(self.filename)
            self.folder.mkdir(parents=True, exist_ok=True)
            self.out = open(self.folder / self.stored_name, "wb")  # noqa: SIM115 — closed in finish()

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if not self.in_file:
            return
        n = end - start
        self.size += n
        if self.size > self.limit:
            self.too_large = True
            return
        self.pending.append(data[start:end])
        self.pending_size += n

    def on_part_end(self) -> None:
        self.in_file = False

    def take_pending(self) -> bytes:
        chunk = b"".join(self.pending)
        self.pending.clear()
        self.pending_size = 0
        return chunk


async def receive_upload(
    request: Request, folder: Path, limit: int, on_written: Callable[[Path, str, int], None] | None = None
) -> Received:
    """Write the `file` field into `folder`; UploadRejected(400/413) with a reason otherwise.

    `on_written(path, filename, bytes_on_disk)` follows each flush (the early push reads behind it)."""
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise UploadRejected(400, "send the audio as multipart/form-data with a field named 'file'")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise UploadRejected(413, _too_large(limit))
    part = _FilePart(folder, limit)
    parser = MultipartParser(
        params[b"boundary"],
        {
            "on_part_begin": part.on_part_begin,
            "on_header_field": part.on_header_field,
            "on_header_value": part.on_header_value,
            "on_header_end": part.on_header_end,
            "on_headers_finished": part.on_headers_finished,
            "on_part_data": part.on_part_data,
            "on_part_end": part.on_part_end,
        },
    )
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            if part.too_large:
                raise UploadRejected(413, _too_large(limit))
            if part.out is not None and part.pending_size >= FLUSH_BYTES:
                await asyncio.to_thread(_write, part.out, part.take_pending())
                if on_written is not None:
                    on_written(folder / part.stored_name, part.filename or "audio", part.size)
        parser.finalize()
        if part.out is None:
            raise UploadRejected(400, "no file in the request (the form field must be named 'file')")
        await asyncio.to_thread(part.out.write, part.take_pending())
    except BaseException:
        _discard(part)
        raise
    part.out.close()
    if part.size == 0:
        _discard(part)
        raise UploadRejected(400, f"{part.filename!r} is empty")
    return Received(filename=part.filename or "audio", stored_name=part.stored_name, size=part.size)


def _write(out: IO[bytes], chunk: bytes) -> None:
    out.write(chunk)
    out.flush()


def _discard(part: _FilePart) -> None:
    if part.out is not None:
        with contextlib.suppress(OSError):
            part.out.close()
        with contextlib.suppress(OSError):
            (part.folder / part.stored_name).unlink(missing_ok=True)
            part.folder.rmdir()


def _too_large(limit: int) -> str:
    return f"the file is larger than the limit of {limit // (1024 * 1024)} MB (MAX_UPLOAD_MB)"
