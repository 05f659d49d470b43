"""Browser uploads that survive a reload: the part already received is kept on disk.

The page sends a file in pieces (PUT at an offset). If the tab is closed or reloaded mid-way, the
user chooses the same file again; the page finds the upload by the file's fingerprint (name, size,
last-modified) and sends only the rest. Each upload lives in uploads/.partial/<id>/ as `data` and
`meta.json` until it is finished (moved into a job's folder) or cancelled (removed). Blocking file
work: callers run it in a thread.
"""

from __future__ import annotations

import json
import secrets
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from scribedesk.audio import safe_filename

_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


class PartialError(Exception):
    """A request that does not fit the upload (wrong offset, too much data, unknown id)."""


@dataclass(frozen=True)
class PartialUpload:
    upload_id: str
    filename: str
    size: int
    fingerprint: str
    received: int


class PartialUploads:
    def __init__(self, upload_root: Path, limit: int) -> None:
        self.root = upload_root / ".partial"
        self.limit = limit

    def _dir(self, upload_id: str) -> Path:
        if len(upload_id) != 16 or any(c not in _ID_ALPHABET for c in upload_id):
            raise PartialError("unknown upload")
        return self.root / upload_id

    def _read(self, folder: Path) -> PartialUpload:
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise PartialError("unknown upload") from e
        data = folder / "data"
        received = data.stat().st_size if data.exists() else 0
        return PartialUpload(folder.name, meta["filename"], meta["size"], meta["fingerprint"], received)

    def get(self, upload_id: str) -> PartialUpload:
        return self._read(self._dir(upload_id))

    def open(self, filename: str, size: int, fingerprint: str) -> PartialUpload:
        """The unfinished upload of this file, or a new empty one."""
        if size <= 0:
            raise PartialError(f"{filename!r} is empty")
        if size > self.limit:
            raise PartialError(
                f"the file is larger than the limit of {self.limit // (1024 * 1024)} MB (MAX_UPLOAD_MB)"
            )
        for folder in sorted(self.root.glob("*")) if self.root.exists() else []:
            try:
                found = self._read(folder)
            except PartialError:
                continue
            if found.fingerprint == fingerprint and found.size == size:
                return found
        upload_id = "".join(secrets.choice(_ID_ALPHABET) for _ in range(16))
        folder = self.root / upload_id
        folder.mkdir(parents=True)
        meta = {"filename": filename, "size": size, "fingerprint": fingerprint}
        (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        (folder / "data").touch()
        return PartialUpload(upload_id, filename, size, fingerprint, 0)

    def writer(self, upload_id: str, offset: int) -> tuple[PartialUpload, BinaryIO]:
        """Check that `offset` is where the data ends and open it for appending."""
        upload = self.get(upload_id)
        if offset != upload.received:
            raise PartialError(f"the upload has {upload.received} bytes; send from there")
        return upload, (self._dir(upload_id) / "data").open("ab")

    def finish(self, upload_id: str, into: Path) -> tuple[PartialUpload, str]:
        """Move the complete file into `into`; returns the upload and the stored file name."""
        upload = self.get(upload_id)
        if upload.received != upload.size:
            raise PartialError(f"the upload has {upload.received} of {upload.size} bytes")
        stored = safe_filename(upload.filename)
        into.mkdir(parents=True, exist_ok=True)
        (self._dir(upload_id) / "data").replace(into / stored)
        shutil.rmtree(self._dir(upload_id), ignore_errors=True)
        return upload, stored

    def remove(self, upload_id: str) -> None:
        shutil.rmtree(self._dir(upload_id), ignore_errors=True)


def public(upload: PartialUpload) -> dict[str, object]:
    return asdict(upload)
