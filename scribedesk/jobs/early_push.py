"""Push parts while the browser's upload is still arriving (when the original is what the GPU gets).

With TRANSCODE=off the bytes on disk are the bytes that go to storage, so there is no need to wait for
the whole file: each whole part is sent as soon as the receiver has written it. Nothing is completed
before the probe: a file that turns out not to be audio has its multipart upload aborted; a good one
hands the upload id to the runner's push, which keeps the parts already stored (same size and MD5) and
sends the rest. A restart in between leaves an unfinished upload the store expires; the push then starts
a fresh one.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

from scribedesk.storage import FileRange, ObjectStorage, StorageError, object_key
from scribedesk.transfer import CONCURRENCY, PART_SIZE, GrowingFile, PushStopped

log = logging.getLogger("scribedesk.push")


class EarlyPush:
    """One upload's early parts; `arrived` is called by the receiver after each write to disk."""

    def __init__(self, storage: ObjectStorage, job_id: str, part_size: int = PART_SIZE) -> None:
        self.storage = storage
        self.job_id = job_id
        self.part_size = part_size
        self.key: str | None = None
        self.upload_id: str | None = None
        self.sent = 0
        """Part bytes stored so far."""
        self._feed: GrowingFile | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def arrived(self, path: Path, filename: str, written: int) -> None:
        """The receiver wrote `written` bytes of `filename` to `path` so far (flushed to the OS)."""
        if self._feed is None:
            self.key = object_key(self.job_id, filename)
            self._feed = GrowingFile(path, self.part_size)
            self._thread = threading.Thread(target=self._run, name=f"early-push-{self.job_id}", daemon=True)
            self._thread.start()
        self._feed.grew(written)

    def received(self) -> None:
        """The whole body is on disk: send the whole parts already there, then stop."""
        if self._feed is not None:
            self._feed.whole_parts_only()

    def handover(self) -> tuple[str, str] | None:
        """Wait for the parts in flight; (key, upload id) for the runner's push, or None. Blocks."""
        self.received()
        if self._thread is not None:
            self._thread.join()
        if self.key is None or self.upload_id is None:
            return None
        return self.key, self.upload_id

    def abort(self) -> None:
        """Not audio, too large, or the request failed: drop the parts sent so far. Blocks."""
        self._stop.set()
        self.received()
        if self._thread is not None:
            self._thread.join()
        if self.key is not None and self.upload_id is not None:
            with contextlib.suppress(StorageError):
                self.storage.abort_multipart(self.key, self.upload_id)

    def _run(self) -> None:
        assert self._feed is not None and self.key is not None
        try:
            self.upload_id = self.storage.create_multipart(self.key)
            self._send(self._feed, self.key, self.upload_id)
        except PushStopped:
            pass
        except (StorageError, OSError) as e:  # the runner's push sends whatever did not get through
            log.info("early push of job %s stopped: %s", self.job_id, e)

    def _send(self, feed: GrowingFile, key: str, upload_id: str) -> None:
        futures: list[Future[None]] = []

        def one(number: int, part: FileRange) -> None:
            self.storage.upload_part(key, upload_id, number, part, self._check_stop)
            self.sent += part.length

        with ThreadPoolExecutor(CONCURRENCY, thread_name_prefix="early-push") as pool:
            try:
                for number, part in enumerate(feed.parts(self._stop), start=1):
                    while sum(not f.done() for f in futures) >= CONCURRENCY:
                        wait(futures, return_when="FIRST_COMPLETED")
                    futures.append(pool.submit(one, number, part))
            finally:
                wait(futures)
        for f in futures:
            f.result()

    def _check_stop(self, _amount: int) -> None:
        if self._stop.is_set():
            raise PushStopped()
