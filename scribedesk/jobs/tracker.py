"""Applies a lifecycle change to a job: checks the move, saves the row, tells the listeners.

The only writer of job rows besides the store itself; the runner and the service both go through it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from scribedesk.jobs.events import EventBus
from scribedesk.jobs.lifecycle import Change, check_transition
from scribedesk.jobs.model import Job, JobStatus
from scribedesk.jobs.store import JobStore
from scribedesk.jobs.views import job_public
from scribedesk.redact import redact

log = logging.getLogger("scribedesk.jobs")


class JobTracker:
    def __init__(self, store: JobStore, bus: EventBus, secrets: Iterable[str] = ()) -> None:
        self.store = store
        self.bus = bus
        self._secrets = tuple(secrets)

    def get(self, job_id: str) -> Job:
        return self.store.get(job_id)

    def apply(self, job: Job, change: Change | None) -> Job:
        """Raises InvalidTransition (and changes nothing) when the job's state does not allow it."""
        if change is None:
            return job
        if change.status is not None:
            check_transition(job.status, change.status)
        for key, value in change.fields.items():
            # The error reaches the page and the log: never a key or a signed URL's query.
            setattr(job, key, redact(value, self._secrets) if key == "error" and value else value)
        if change.status is not None:
            job.status = change.status
            if change.status == JobStatus.FAILED:
                log.warning("job %s failed: %s", job.id, job.error)
        if change.step is not None:
            job.step = redact(change.step, self._secrets)
        self.store.save(job)
        self.bus.publish("job", job_public(job))
        return job

    def add(self, job: Job) -> Job:
        self.store.insert(job)
        self.bus.publish("job", job_public(job))
        return job

    def remove(self, job_id: str) -> None:
        self.store.delete(job_id)
        self.bus.publish("deleted", {"job_id": job_id})
