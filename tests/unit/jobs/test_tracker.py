"""The tracker: a change is checked, saved to the real SQLite table and published, or refused whole."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from scribedesk.jobs import lifecycle as lc
from scribedesk.jobs.events import EventBus
from scribedesk.jobs.lifecycle import InvalidTransition
from scribedesk.jobs.model import Job, JobStatus
from scribedesk.jobs.store import JobStore
from scribedesk.jobs.tracker import JobTracker
from scribedesk.options import TranscribeOptions


def new_job(status: JobStatus = JobStatus.UPLOADED) -> Job:
    return Job(id="abcdefabcdef", filename="Интервью.m4a", stored_name="a.m4a", size=10, status=status)


async def test_a_change_is_saved_and_published(tmp_path: Path) -> None:
    store, bus = JobStore(tmp_path / "jobs.sqlite3"), EventBus()
    tracker = JobTracker(store, bus)
    async with bus.subscribe() as queue:
        tracker.add(new_job())
        options = TranscribeOptions(language="ru", min_speakers=2)
        tracker.apply(tracker.get("abcdefabcdef"), lc.start(new_job(), "runpod", options))
        events = [queue.get_nowait(), queue.get_nowait()]
    saved = store.get("abcdefabcdef")
    assert saved.status == JobStatus.QUEUED and saved.step == "Submitting…" and saved.engine == "runpod"
    assert saved.options == options  # typed on the row, through its JSON
    assert [name for name, _ in events] == ["job", "job"]
    assert events[1][1]["status"] == "queued" and events[1][1]["options"]["min_speakers"] == 2
    assert events[1][1]["status_label"] == "Queued (waiting for GPU)…"
    store.close()


async def test_a_refused_move_changes_nothing_and_says_so(tmp_path: Path) -> None:
    store, bus = JobStore(tmp_path / "jobs.sqlite3"), EventBus()
    tracker = JobTracker(store, bus)
    tracker.add(new_job(JobStatus.COMPLETED))
    job = tracker.get("abcdefabcdef")
    async with bus.subscribe() as queue:
        with pytest.raises(InvalidTransition, match="from completed to failed"):
            tracker.apply(job, lc.on_failure("late crash"))
        assert queue.empty()
    assert job.error is None and job.status == JobStatus.COMPLETED
    assert store.get("abcdefabcdef").status == JobStatus.COMPLETED
    store.close()


async def test_nothing_to_do_is_a_no_op_and_remove_tells_listeners(tmp_path: Path) -> None:
    store, bus = JobStore(tmp_path / "jobs.sqlite3"), EventBus()
    tracker = JobTracker(store, bus)
    job = tracker.add(new_job())
    async with bus.subscribe() as queue:
        assert tracker.apply(job, lc.upload_progress(job, 50)) is job  # not uploading: None change
        tracker.remove(job.id)
        assert await asyncio.wait_for(queue.get(), 1) == ("deleted", {"job_id": job.id})
    assert not store.exists(job.id)
    store.close()


def test_rows_saved_before_options_were_typed_still_load(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    old = new_job().model_dump(mode="json") | {"options": {}}
    store._db.execute(
        "INSERT INTO jobs (id, status, created_at, data) VALUES (?, ?, ?, ?)",
        (old["id"], old["status"], old["created_at"], json.dumps(old)),
    )
    assert store.get(old["id"]).options is None
    store.close()
