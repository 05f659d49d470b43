"""The job lifecycle: every allowed move, every refusal, and the words each state is shown with."""

from __future__ import annotations

import contextlib
from itertools import product
from typing import Any

import pytest

from scribedesk.engines.base import EngineState, EngineStatus
from scribedesk.engines.catalog import ENGINES
from scribedesk.jobs import lifecycle as lc
from scribedesk.jobs.lifecycle import Change, InvalidTransition
from scribedesk.jobs.model import Job, JobStatus
from scribedesk.options import TranscribeOptions

S = JobStatus
RUNPOD, LOCAL = ENGINES["runpod"], ENGINES["local"]

EXPECTED_MOVES = {
    (S.UPLOADING, S.UPLOADED), (S.UPLOADING, S.FAILED), (S.UPLOADING, S.CANCELLED),
    (S.UPLOADED, S.QUEUED),
    (S.QUEUED, S.TRANSCRIBING), (S.QUEUED, S.PROCESSING), (S.QUEUED, S.FAILED), (S.QUEUED, S.CANCELLED),
    (S.TRANSCRIBING, S.QUEUED), (S.TRANSCRIBING, S.PROCESSING), (S.TRANSCRIBING, S.FAILED),
    (S.TRANSCRIBING, S.CANCELLED),
    (S.PROCESSING, S.COMPLETED), (S.PROCESSING, S.FAILED),
    (S.FAILED, S.QUEUED), (S.FAILED, S.UPLOADING), (S.FAILED, S.PROCESSING),
    (S.CANCELLED, S.QUEUED), (S.CANCELLED, S.UPLOADING),
}  # fmt: skip


def job(status: JobStatus = S.UPLOADED, **fields: Any) -> Job:
    base: dict[str, Any] = {"id": "abcdefabcdef", "filename": "a.m4a", "stored_name": "a.m4a", "size": 10}
    return Job(**(base | {"status": status} | fields))


def moves_made(status: JobStatus) -> set[JobStatus]:
    """Every status some lifecycle function moves a job in `status` to (what the code can do)."""
    started = {"options": TranscribeOptions(), "storage_key": "k", "engine": "runpod"}
    variants = [job(status), job(status, **started), job(status, **started, uploaded_to_storage=True)]
    changes: list[Change | None] = []
    for j, raw_saved in product(variants, (False, True)):
        with contextlib.suppress(InvalidTransition):
            changes.append(lc.start(j, "runpod", TranscribeOptions()))
        with contextlib.suppress(InvalidTransition):
            changes.append(lc.cancel(j))
        with contextlib.suppress(InvalidTransition):
            changes.append(lc.retry(j, raw_saved=raw_saved, engine="runpod"))
        changes += [lc.upload_progress(j, 5), lc.uploaded(j, to_storage=True)]
        for state in EngineState:
            changes.append(lc.on_engine_status(j, EngineStatus(state, progress=0.5), RUNPOD))
    if status in lc.REMOTE_STATES:  # the transcribe step's own moves, only made while an engine has it
        changes += [lc.submitted(RUNPOD, "h"), lc.lost_locally(LOCAL), lc.fall_back(RUNPOD, "down")]
        changes += [lc.unreachable_for(RUNPOD, 300, "down")]
    if status == S.PROCESSING:
        changes += [lc.on_output(None), lc.on_failure("bad output")]
    if status == S.UPLOADING:
        changes += [lc.on_failure("upload failed")]
    return {c.status for c in changes if c is not None and c.status not in (None, status)}


def test_the_table_holds_exactly_the_moves_the_code_makes() -> None:
    table = {(a, b) for a, targets in lc.ALLOWED.items() for b in targets}
    assert table == EXPECTED_MOVES
    made = {(a, b) for a in JobStatus for b in moves_made(a)}
    assert made == EXPECTED_MOVES  # no move is allowed that nothing uses, none is used unallowed
    assert not lc.ALLOWED[S.COMPLETED]  # the old completed -> queued is gone


@pytest.mark.parametrize(("old", "new"), list(product(JobStatus, JobStatus)))
def test_check_transition_allows_the_table_and_refuses_the_rest(old: JobStatus, new: JobStatus) -> None:
    if old == new or (old, new) in EXPECTED_MOVES:
        lc.check_transition(old, new)
    else:
        with pytest.raises(InvalidTransition, match=f"from {old} to {new}"):
            lc.check_transition(old, new)


def test_created_waits_for_the_push_or_is_ready() -> None:
    waiting = job(**lc.created(True))
    assert (waiting.status, waiting.step, waiting.progress) == (S.UPLOADING, "Waiting to upload to cloud…", 0)
    ready = job(**lc.created(False))
    assert (ready.status, ready.step, ready.progress) == (S.UPLOADED, "Ready to transcribe", 100)


def test_start_queues_an_uploaded_job_with_its_options() -> None:
    options = TranscribeOptions(language="de")
    change = lc.start(job(S.UPLOADED, error="old"), "worker", options)
    assert change.status == S.QUEUED and change.step == "Submitting…"
    assert change.fields == {"options": options, "engine": "worker", "remote_id": None, "error": None,
                             "progress": 0}  # fmt: skip


@pytest.mark.parametrize("status", [s for s in JobStatus if s != S.UPLOADED])
def test_start_refuses_every_other_state(status: JobStatus) -> None:
    expected = "has not finished" if status == S.UPLOADING else f"the job is {status.value}; only an uploaded"
    with pytest.raises(InvalidTransition, match=expected):
        lc.start(job(status), "local", TranscribeOptions())


@pytest.mark.parametrize("status", sorted(lc.CANCELLABLE))
def test_cancel_stops_an_active_job(status: JobStatus) -> None:
    change = lc.cancel(job(status), " (the remote engine did not confirm: x)")
    assert change.status == S.CANCELLED and change.step == "Cancelled (the remote engine did not confirm: x)"
    assert change.fields["finished_at"] is not None and change.fields["progress"] == 0


@pytest.mark.parametrize("status", [s for s in JobStatus if s not in lc.CANCELLABLE])
def test_cancel_refuses_what_is_not_running(status: JobStatus) -> None:
    with pytest.raises(InvalidTransition, match=f"the job is {status.value}; nothing to cancel"):
        lc.cancel(job(status))


def test_retry_uploads_again_when_the_push_never_finished() -> None:
    change = lc.retry(job(S.FAILED, storage_key="k"), raw_saved=True, engine="runpod")
    assert (change.status, change.step) == (S.UPLOADING, "Uploading to cloud… 0%")


def test_retry_of_a_failure_with_a_saved_output_reads_it_again_instead_of_paying() -> None:
    failed = job(S.FAILED, options=TranscribeOptions(), error="bad", finished_at=lc.utcnow())
    change = lc.retry(failed, raw_saved=True, engine="runpod")
    assert change.status == S.PROCESSING
    assert change.fields == {"error": None, "finished_at": None, "progress": 0}


@pytest.mark.parametrize(("status", "raw_saved"), [(S.FAILED, False), (S.CANCELLED, True)])
def test_retry_submits_again_on_the_active_engine(status: JobStatus, raw_saved: bool) -> None:
    before = job(status, options=TranscribeOptions(), engine="runpod", remote_id="old")
    change = lc.retry(before, raw_saved=raw_saved, engine="local")
    assert change.status == S.QUEUED
    assert change.fields["engine"] == "local" and change.fields["remote_id"] is None


def test_retry_refuses_a_job_never_started() -> None:
    with pytest.raises(InvalidTransition, match="never started; press Start"):
        lc.retry(job(S.CANCELLED), raw_saved=False, engine="local")


@pytest.mark.parametrize("status", [s for s in JobStatus if s not in lc.RETRYABLE])
def test_retry_refuses_what_has_not_stopped(status: JobStatus) -> None:
    with pytest.raises(InvalidTransition, match="only a failed or cancelled job can be retried"):
        lc.retry(job(status, options=TranscribeOptions()), raw_saved=True, engine="local")


def test_upload_progress_and_the_end_of_the_push() -> None:
    uploading = job(S.UPLOADING)
    assert lc.upload_progress(uploading, 41.6) == Change(None, "Uploading to cloud… 42%", {"progress": 41.6})
    done = lc.uploaded(uploading, to_storage=True)
    assert done == Change(S.UPLOADED, "Ready to transcribe", {"progress": 100, "uploaded_to_storage": True})
    assert lc.uploaded(uploading, to_storage=False) == Change(S.UPLOADED, "Ready to transcribe",
                                                              {"progress": 100})  # fmt: skip


@pytest.mark.parametrize("status", [s for s in JobStatus if s != S.UPLOADING])
def test_a_late_upload_report_changes_nothing_once_the_job_moved_on(status: JobStatus) -> None:
    assert lc.upload_progress(job(status), 50) is None
    assert lc.uploaded(job(status), to_storage=True) is None


def test_submitted_records_the_engine_and_its_handle() -> None:
    change = lc.submitted(LOCAL, "h-1")
    assert change.status == S.QUEUED and change.step == "Queued (waiting for the local engine)…"
    assert change.fields["engine"] == "local" and change.fields["remote_id"] == "h-1"


@pytest.mark.parametrize("status", sorted(lc.REMOTE_STATES))
def test_each_engine_answer_moves_the_job(status: JobStatus) -> None:
    j = job(status, engine="runpod", progress=12.0)
    st = EngineStatus
    queued = lc.on_engine_status(j, st(EngineState.QUEUED, delay_time_ms=900), RUNPOD)
    assert queued == Change(S.QUEUED, "Queued (waiting for GPU)…", {"delay_time_ms": 900})
    running = lc.on_engine_status(j, st(EngineState.RUNNING, progress=0.375), RUNPOD)
    assert running == Change(S.TRANSCRIBING, "Transcribing on cloud GPU… 38%", {"progress": 37.5})
    no_pct = lc.on_engine_status(j, st(EngineState.RUNNING, step="Loading model…"), LOCAL)
    assert no_pct == Change(S.TRANSCRIBING, "Loading model…", {"progress": 12.0})
    done = lc.on_engine_status(j, st(EngineState.COMPLETED, output={}, execution_time_ms=5), RUNPOD)
    assert done == Change(S.PROCESSING, "Processing results…", {"progress": 100, "execution_time_ms": 5})
    cancelled = lc.on_engine_status(j, st(EngineState.CANCELLED), RUNPOD)
    assert cancelled is not None and cancelled.status == S.CANCELLED
    failed = lc.on_engine_status(j, st(EngineState.FAILED, error="CUDA out of memory"), RUNPOD)
    assert failed is not None and failed.status == S.FAILED and failed.fields["error"] == "CUDA out of memory"
    silent = lc.on_engine_status(j, st(EngineState.FAILED), RUNPOD)
    assert silent is not None and silent.fields["error"] == "The transcription failed without a message."


@pytest.mark.parametrize("status", [s for s in JobStatus if s not in lc.REMOTE_STATES])
def test_an_engine_answer_for_a_job_that_moved_on_changes_nothing(status: JobStatus) -> None:
    for state in EngineState:
        assert lc.on_engine_status(job(status), EngineStatus(state), RUNPOD) is None


def test_unreachable_engines_wait_then_fall_back_or_fail() -> None:
    wait = lc.not_answering(RUNPOD, "HTTP 502", 4.2)
    assert wait == Change(None, "RunPod not answering (HTTP 502); retrying in 4 s…")
    fell = lc.fall_back(ENGINES["worker"], "connection refused")
    message = "The GPU worker unreachable (connection refused); transcribing on this computer instead"
    assert fell.status == S.QUEUED and fell.step == message
    assert fell.fields == {"engine": "local", "remote_id": None, "fallback_reason": message, "progress": 0}
    gave_up = lc.unreachable_for(RUNPOD, 300, "timeout")
    assert gave_up.status == S.FAILED and gave_up.fields["error"] == "RunPod unreachable for 300 s: timeout"
    assert lc.lost_locally(LOCAL) == Change(S.QUEUED, LOCAL.queued_step, {"remote_id": None})


def test_output_saved_completes_and_a_failure_says_why() -> None:
    done = lc.on_output(0.0123)
    assert done.status == S.COMPLETED and done.step == "Done" and done.fields["cost_usd"] == 0.0123
    failed = lc.on_failure("disk full")
    assert failed.status == S.FAILED and failed.step == "Failed" and failed.fields["error"] == "disk full"


@pytest.mark.parametrize(
    ("status", "fields", "label"),
    [
        (S.UPLOADING, {"progress": 41.6}, "Uploading to cloud… 42%"),
        (S.UPLOADED, {}, "Ready to transcribe"),
        (S.QUEUED, {"engine": "runpod"}, "Queued (waiting for GPU)…"),
        (S.QUEUED, {"engine": "local"}, "Queued (waiting for the local engine)…"),
        (S.QUEUED, {}, "Queued…"),
        (S.TRANSCRIBING, {"engine": "local", "progress": 37.0}, "Transcribing locally… 37%"),
        (S.TRANSCRIBING, {"engine": "worker"}, "Transcribing on GPU worker…"),
        (S.TRANSCRIBING, {"engine": "runpod", "progress": 5.0}, "Transcribing on cloud GPU… 5%"),
        (S.PROCESSING, {}, "Processing results…"),
        (S.COMPLETED, {}, "Done ✓"),
        (S.FAILED, {}, "Failed"),
        (S.CANCELLED, {}, "Cancelled"),
    ],
)
def test_status_label_words_each_state(status: JobStatus, fields: dict[str, Any], label: str) -> None:
    assert lc.status_label(job(status, **fields)) == label
    assert lc.STATUS_WORDS[status]
