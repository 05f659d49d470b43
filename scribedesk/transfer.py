"""The push to object storage: overlapped with the Opus encode, part by part, resumable after a restart.

One multipart upload a job. Parts are cut from a file on disk that may still be growing (the Opus copy
being encoded, or later the browser's upload still arriving) and sent by a few threads as soon as they
are whole. The upload id is handed to `remember` the moment it exists, so the job row holds it; after a
restart the same upload continues: the store lists the parts it already holds, each one whose size and
ETag (the MD5 of the part) match the bytes on disk is kept, the others are sent again. An upload id the
store has forgotten (expired, aborted) starts a clean upload.

Everything here blocks; the runner calls `push` through `asyncio.to_thread`.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from scribedesk.storage import FileRange, ObjectStorage, StorageError, StoredPart, UploadForgotten
from scribedesk.transcode import TranscodeStopped, encode_opus

MB = 1024 * 1024
PART_SIZE = 8 * MB
"""Parts of an original file: boto3's default chunk size; a 2 GB upload is 256 parts (S3 allows 10,000)."""
OPUS_PART_SIZE = 5 * MB
"""Parts of the Opus copy: S3's smallest, so the first part leaves while the rest is still encoding."""
CONCURRENCY = 2
"""Parts in flight: two keep a long link busy, and a kill loses at most two half-sent parts."""
_MD5 = re.compile(r"^[0-9a-f]{32}$")


class PushStopped(Exception):
    """Cancel or shutdown: the push stopped; the multipart upload is kept for a resume."""


@dataclass
class PushPlan:
    """What one push needs; `upload_id` and `copy_size` come from the job row on a resume."""

    key: str
    original: Path
    copy: Path | None = None
    """Where the Opus copy is (being) written; None pushes the original."""
    upload_id: str | None = None
    copy_size: int | None = None
    """The size of a finished Opus copy already on disk (a resume need not encode again)."""
    part_size: int = PART_SIZE
    concurrency: int = CONCURRENCY


@dataclass
class PushResult:
    object_size: int
    """Bytes of the object in storage."""
    bytes_sent: int
    """Part bytes sent over the network by this run (parts kept from an earlier run not counted)."""
    parts_kept: int = 0
    """Parts already stored by an interrupted run and not sent again."""


@dataclass
class PushHooks:
    """Callbacks from the push threads: keep them short; `remember` must persist before returning."""

    remember: Callable[[str | None, int | None], None] = lambda upload_id, copy_size: None
    """Called with the new upload id (and None when done), and with the copy's size once encoded."""
    on_sent: Callable[[int], None] = lambda sent: None
    """Cumulative part bytes stored so far (kept parts included), after each part."""
    on_encoded: Callable[[float], None] = lambda seconds: None
    """Seconds of audio encoded so far."""
    stop: threading.Event = field(default_factory=threading.Event)


class GrowingFile:
    """A file being written by one thread and cut into parts by another as it grows."""

    def __init__(self, path: Path, part_size: int) -> None:
        self.path = path
        self.part_size = part_size
        self._size = 0
        self._final: int | None = None
        self._error: BaseException | None = None
        self._whole_only = False
        self._changed = threading.Condition()

    def grew(self, size: int) -> None:
        with self._changed:
            self._size = size
            self._changed.notify_all()

    def finish(self, size: int) -> None:
        with self._changed:
            self._size = self._final = size
            self._changed.notify_all()

    @property
    def final(self) -> int | None:
        """The file's size once the writer finished, else None."""
        with self._changed:
            return self._final

    def whole_parts_only(self) -> None:
        """No more growth is coming, and no end either: `parts` ends after the last whole part."""
        with self._changed:
            self._whole_only = True
            self._changed.notify_all()

    def fail(self, error: BaseException) -> None:
        with self._changed:
            self._error = error
            self._changed.notify_all()

    def parts(self, stop: threading.Event) -> Iterator[FileRange]:
        """Each whole part as soon as it is on disk; the last (shorter) one once the writer finished."""
        offset = 0
        while True:
            with self._changed:
                while not self._ready(offset):
                    if stop.is_set():
                        raise PushStopped()
                    self._changed.wait(0.2)
                if self._error is not None:
                    raise self._error
                if self._final is not None and offset >= self._final and offset > 0:
                    return
                if self._final is None and self._size - offset < self.part_size:
                    return  # whole parts only, and none is left
                length = min(self.part_size, self._size - offset)
            yield FileRange(self.path, offset, length)
            offset += length

    def _ready(self, offset: int) -> bool:
        return (
            self._error is not None
            or self._final is not None
            or self._whole_only
            or self._size - offset >= self.part_size
        )


class _Sink:
    """The encoder's output: written to disk, the growing size announced after each write."""

    def __init__(self, out: IO[bytes], feed: GrowingFile) -> None:
        self._out = out
        self._feed = feed
        self.size = 0

    def write(self, data: bytes) -> int:
        n = self._out.write(data)
        self._out.flush()
        self.size += n
        self._feed.grew(self.size)
        return n

    def tell(self) -> int:
        return self.size


def push(storage: ObjectStorage, plan: PushPlan, hooks: PushHooks) -> PushResult:
    """Put the plan's file (the Opus copy, encoded on the way, or the original) at `plan.key`."""
    stored: dict[int, StoredPart] = {}
    upload_id = plan.upload_id
    if upload_id is not None:
        try:
            stored = {p.number: p for p in storage.list_parts(plan.key, upload_id)}
        except UploadForgotten:
            upload_id = None  # completed, aborted or expired: start clean
            if (done := _already_stored(storage, plan)) is not None:
                hooks.remember(None, plan.copy_size)
                return done
    if upload_id is None:
        upload_id = storage.create_multipart(plan.key, "audio/ogg" if plan.copy else None)
        hooks.remember(upload_id, plan.copy_size)
    feed, encoder = _source(plan, hooks, upload_id)
    try:
        etags, sent, kept = _send_parts(storage, plan, upload_id, feed, stored, hooks)
    except BaseException:
        hooks.stop.set()  # the encoder, if still running, stops too
        raise
    finally:
        if encoder is not None:
            encoder.join()
    size = feed.final
    assert size is not None
    storage.complete_multipart(plan.key, upload_id, etags)
    stored_size = storage.size(plan.key)
    hooks.remember(None, size if plan.copy else None)
    if stored_size != size:
        raise StorageError(
            f"The stored object has {stored_size} bytes but the file has {size}: the upload was "
            "incomplete — try again"
        )
    return PushResult(object_size=size, bytes_sent=sent, parts_kept=kept)


def _already_stored(storage: ObjectStorage, plan: PushPlan) -> PushResult | None:
    """The upload was completed just before a restart: the object is there, whole."""
    size = plan.copy_size if plan.copy is not None else plan.original.stat().st_size
    if size is not None and storage.size(plan.key) == size:
        return PushResult(object_size=size, bytes_sent=0)
    return None


def _source(plan: PushPlan, hooks: PushHooks, upload_id: str) -> tuple[GrowingFile, threading.Thread | None]:
    """The file to cut parts from, and the thread encoding it (None when it is already whole)."""
    if plan.copy is None:
        feed = GrowingFile(plan.original, plan.part_size)
        feed.finish(plan.original.stat().st_size)
        return feed, None
    feed = GrowingFile(plan.copy, plan.part_size)
    if plan.copy_size is not None and plan.copy.is_file() and plan.copy.stat().st_size == plan.copy_size:
        feed.finish(plan.copy_size)
        return feed, None
    thread = threading.Thread(
        target=_encode_into, args=(plan, feed, hooks, upload_id), name="opus-encode", daemon=True
    )
    thread.start()
    return feed, thread


def _encode_into(plan: PushPlan, feed: GrowingFile, hooks: PushHooks, upload_id: str) -> None:
    assert plan.copy is not None
    try:
        with plan.copy.open("wb") as out:
            sink = _Sink(out, feed)
            encode_opus(plan.original, sink, on_progress=hooks.on_encoded, stop=hooks.stop)
            out.flush()
            os.fsync(out.fileno())
        hooks.remember(upload_id, sink.size)  # a restart from here on need not encode again
        feed.finish(sink.size)
    except TranscodeStopped:
        feed.fail(PushStopped())
    except BaseException as e:  # handed to the pushing thread, which raises it
        feed.fail(e)


def _send_parts(
    storage: ObjectStorage,
    plan: PushPlan,
    upload_id: str,
    feed: GrowingFile,
    stored: dict[int, StoredPart],
    hooks: PushHooks,
) -> tuple[list[str], int, int]:
    """Send every part not already stored; returns the ETags in order, bytes sent, parts kept."""
    lock = threading.Lock()
    done = {"stored": 0, "sent": 0, "kept": 0}
    trusted = plan.copy is None  # the original never changes on disk; a re-encoded copy is checked

    def one(number: int, part: FileRange) -> str:
        old = stored.get(number)
        if old is not None and _same(old, part, trusted):
            etag, sent, kept = old.etag, 0, 1
        else:
            etag = storage.upload_part(plan.key, upload_id, number, part, _stopper(hooks.stop))
            sent, kept = part.length, 0
        with lock:
            done["stored"] += part.length
            done["sent"] += sent
            done["kept"] += kept
            total = done["stored"]
        hooks.on_sent(total)
        return etag

    futures: list[Future[str]] = []
    with ThreadPoolExecutor(plan.concurrency, thread_name_prefix="push") as pool:
        try:
            for number, part in enumerate(feed.parts(hooks.stop), start=1):
                _throttle(futures, plan.concurrency)
                futures.append(pool.submit(one, number, part))
        except BaseException:
            hooks.stop.set()
            raise
        finished, _ = wait(futures, return_when=FIRST_EXCEPTION)
        for f in finished:
            if f.exception() is not None:
                hooks.stop.set()
                raise f.exception()  # type: ignore[misc]
    return [f.result() for f in futures], done["sent"], done["kept"]


def _throttle(futures: list[Future[str]], limit: int) -> None:
    """Wait while `limit` parts are in flight, raising the first failure at once."""
    while sum(not f.done() for f in futures) >= limit:
        wait(futures, return_when="FIRST_COMPLETED")
    for f in futures:
        if f.done() and f.exception() is not None:
            raise f.exception()  # type: ignore[misc]


def _stopper(stop: threading.Event) -> Callable[[int], None]:
    def check(_amount: int) -> None:
        if stop.is_set():
            raise PushStopped()

    return check


def _same(old: StoredPart, part: FileRange, trusted: bool) -> bool:
    """Is the stored part these bytes? Same size, and the ETag is their MD5 (S3's part ETag)."""
    if old.size != part.length:
        return False
    if not _MD5.fullmatch(old.etag.lower()):
        return trusted  # a store whose ETags are not MD5s: trust the size for a file that never changes
    return old.etag.lower() == _md5(part)


def _md5(part: FileRange) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with part.path.open("rb") as f:
        f.seek(part.offset)
        left = part.length
        while left:
            block = f.read(min(left, MB))
            if not block:
                break
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()
