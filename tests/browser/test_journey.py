"""The whole review-desk journey in Chromium: drop a file, start, watch it finish, review, rename,
download; plus failure with Retry, hostile names shown as text, reload persistence and deletion."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Desk, Watch, copy_as, open_desk, screenshot, wait_js
from tests.support.fake_runpod import Ending
from tests.support.whisperx_output import whisperx_output

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=alert(1)>"


def record_statuses(page: Page) -> None:
    """Keep every text the status line shows (the fake moves fast; a poll could miss some)."""
    page.evaluate(
        """() => {
        const line = document.getElementById("status-line");
        window.__seen = [line.textContent];
        new MutationObserver(() => window.__seen.push(line.textContent))
          .observe(line, {childList: true, characterData: true, subtree: true});
      }"""
    )


def drop_and_transcribe(page: Page, wav: Path) -> str:
    """Choose the file, wait until Start unlocks, start, wait for Done; returns the job id."""
    page.get_by_label("Audio file").set_input_files(str(wav))
    start = page.get_by_role("button", name="Start transcription")
    expect(start).to_be_enabled()
    record_statuses(page)
    start.click()
    expect(page.get_by_role("status").filter(has_text="Done ✓")).to_be_visible()
    expect(page.locator(".turn").first).to_be_visible()
    match = re.search(r"#job=([a-z0-9]{12})$", page.url)
    assert match, page.url
    return match.group(1)


def audio_time(page: Page) -> float:
    return float(page.evaluate("document.getElementById('audio').currentTime"))


def test_drop_start_review_rename_download(
    page: Page, desk: Desk, interview_wav: Path, tmp_path: Path
) -> None:
    open_desk(page, desk.url)
    page.get_by_label("Audio file").set_input_files(str(interview_wav))

    # The player works at once, from the local file, before anything is transcribed.
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    assert page.evaluate("document.getElementById('audio').src").startswith("blob:")
    expect(page.get_by_role("heading", name="Interview 1.wav")).to_be_visible()

    # Options reach the worker.
    page.get_by_label("Language").select_option(label="English")
    page.get_by_label("Vocabulary").fill("Okonkwo, Scribedesk")
    page.get_by_label("Max speakers").fill("2")
    start = page.get_by_role("button", name="Start transcription")
    expect(start).to_be_enabled()
    record_statuses(page)
    start.click()
    expect(page.get_by_role("status").filter(has_text="Done ✓")).to_be_visible()
    seen = page.evaluate("window.__seen")
    assert any("Transcribing on cloud GPU" in text for text in seen), seen
    sent = desk.fake.submissions[-1]["input"]
    assert sent["language"] == "en"
    assert sent["initial_prompt"] == "Okonkwo, Scribedesk"
    assert sent["max_speakers"] == 2

    # Review: turns with pills and timestamps; a timestamp seeks and plays.
    expect(page.get_by_text("Of course, happy to help.")).to_be_visible()
    page.get_by_role("button", name="00:04").click()
    wait_js(page, "document.getElementById('audio').currentTime >= 4.4")
    page.wait_for_selector(".w.is-current")
    page.get_by_role("button", name="Pause").click()

    # Clicking a word seeks there.
    page.get_by_text("hardest", exact=True).click()
    wait_js(page, "Math.abs(document.getElementById('audio').currentTime - 24) < 1.5")

    # Rename a speaker: every pill, the legend and the saved result follow.
    pills_before = page.get_by_role("button", name="Rename SPEAKER_00").count()
    assert pills_before >= 2
    page.get_by_role("button", name="Rename SPEAKER_00").first.click()
    page.get_by_role("textbox", name="Speaker name").fill("Interviewer")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("button", name="Rename Interviewer")).to_have_count(pills_before)
    expect(page.get_by_role("button", name="Rename SPEAKER_00")).to_have_count(0)
    expect(page.get_by_role("list", name="Speakers")).to_contain_text("Interviewer")
    job_id = re.search(r"#job=([a-z0-9]{12})$", page.url).group(1)  # type: ignore[union-attr]
    assert desk.panel.client.get(f"/api/results/{job_id}").json()["speakers"]["SPEAKER_00"] == "Interviewer"

    # Downloads carry the new name.
    page.get_by_role("button", name="Download…").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download DOCX").click()
    path = tmp_path / "out.docx"
    info.value.save_as(path)
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "Interviewer" in text
    assert "SPEAKER_00" not in text
    with page.expect_download() as info:
        page.get_by_role("button", name="Download Markdown").click()
    markdown = Path(info.value.path()).read_text(encoding="utf-8")
    assert "Interviewer" in markdown

    screenshot(page, "desk-light.png")
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(400)  # let the colour transitions finish
    screenshot(page, "desk-dark.png")


def test_every_offered_format_has_a_button(page: Page, desk: Desk) -> None:
    open_desk(page, desk.url)
    formats = desk.panel.client.get("/api/config").json()["export_formats"]
    page.evaluate("document.getElementById('review').hidden = false")
    buttons = page.locator("#download-buttons button")
    expect(buttons).to_have_count(len(formats))


def test_reload_lists_the_job_and_plays_from_the_server(page: Page, desk: Desk, interview_wav: Path) -> None:
    open_desk(page, desk.url)
    job_id = drop_and_transcribe(page, interview_wav)
    page.get_by_role("button", name="Rename SPEAKER_01").first.click()
    page.get_by_role("textbox", name="Speaker name").fill("Guest")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("button", name="Rename Guest").first).to_be_visible()

    page.goto(desk.url)  # a fresh load, no hash: the job is in the list
    page.wait_for_selector("html[data-ready]")
    page.get_by_role("button", name=re.compile("Interview 1.wav")).click()
    expect(page.get_by_role("button", name="Rename Guest").first).to_be_visible()
    assert page.evaluate("document.getElementById('audio').src").endswith(f"/api/jobs/{job_id}/audio")
    page.get_by_role("button", name="00:25").click()  # a seek far into the file needs Range
    wait_js(page, "document.getElementById('audio').currentTime >= 25")


def test_failure_shows_the_servers_message_and_retry_finishes(
    page: Page, desk: Desk, interview_wav: Path
) -> None:
    desk.fake.end_next(Ending("FAILED", error="CUDA out of memory while loading large-v2"))
    open_desk(page, desk.url)
    page.get_by_label("Audio file").set_input_files(str(interview_wav))
    start = page.get_by_role("button", name="Start transcription")
    expect(start).to_be_enabled()
    start.click()
    alert = page.locator("#job-error")
    expect(alert).to_be_visible()
    job_id = re.search(r"#job=([a-z0-9]{12})$", page.url).group(1)  # type: ignore[union-attr]
    error = desk.panel.client.get(f"/api/jobs/{job_id}").json()["error"]
    assert "out of memory" in error
    # What happened and what to do, in plain words; the engine's message stays as the details.
    expect(alert).to_contain_text("The GPU ran out of memory.")
    expect(alert).to_contain_text("smaller model")
    expect(alert).to_contain_text(f"Details: {error}")
    expect(page.get_by_role("status").filter(has_text="Failed")).to_be_visible()
    expect(page.locator("#job-list")).to_contain_text("The GPU ran out of memory.")
    screenshot(page, "failed-job.png")

    # The way out is shown before Retry: a smaller model and batch size go with the retry.
    page.get_by_label("Model", exact=True).select_option("medium")
    page.get_by_label("Batch size").fill("4")
    page.get_by_role("button", name="Retry").click()
    expect(page.get_by_role("status").filter(has_text="Done ✓")).to_be_visible()
    expect(alert).to_be_hidden()
    expect(page.locator(".turn").first).to_be_visible()
    sent = desk.fake.submissions[-1]["input"]
    assert sent["model"] == "medium" and sent["batch_size"] == 4


def test_hostile_file_name_and_transcript_show_as_text(
    page: Page, desk: Desk, watch: Watch, interview_wav: Path, tmp_path: Path
) -> None:
    output = whisperx_output("en")
    first = output["segments"][0]
    first["text"] = f" Look: {HOSTILE} here"
    first["words"] = [
        {"word": "Look:", "start": 0.5, "end": 0.8, "score": 0.9, "speaker": "SPEAKER_00"},
        {"word": HOSTILE, "start": 0.9, "end": 1.4, "score": 0.9, "speaker": "SPEAKER_00"},
        {"word": "here", "start": 1.5, "end": 1.8, "score": 0.9, "speaker": "SPEAKER_00"},
    ]
    desk.fake.next_result = output
    wav = copy_as(interview_wav, tmp_path / f"{HOSTILE}.wav")
    open_desk(page, desk.url)
    drop_and_transcribe(page, wav)

    expect(page.get_by_role("heading", level=1)).to_have_text(f"{HOSTILE}.wav")
    expect(page.locator("#job-list")).to_contain_text(f"{HOSTILE}.wav")
    expect(page.locator("#transcript")).to_contain_text(HOSTILE)
    assert page.locator("img").count() == 0
    assert watch.dialogs == []


def test_delete_asks_first(page: Page, desk: Desk, interview_wav: Path) -> None:
    open_desk(page, desk.url)
    job_id = drop_and_transcribe(page, interview_wav)
    page.get_by_role("button", name="Delete job").click()
    page.get_by_role("button", name="Keep it").click()
    expect(page.get_by_role("heading", name="Interview 1.wav")).to_be_visible()

    page.get_by_role("button", name="Delete job").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page.locator("#job-list li")).to_have_count(0)
    expect(page.get_by_role("heading", name="Drop an interview to begin")).to_be_visible()
    assert desk.panel.client.get(f"/api/jobs/{job_id}").status_code == 404


def test_a_file_that_is_not_audio_is_refused_where_the_user_looks(
    page: Page, desk: Desk, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.wav"
    notes.write_text("these are my notes, not a recording\n" * 50, encoding="utf-8")
    open_desk(page, desk.url)
    page.get_by_label("Audio file").set_input_files(str(notes))
    alert = page.locator("#job-error")
    expect(alert).to_be_visible()
    expect(alert).not_to_be_empty()
    expect(page.get_by_role("status").filter(has_text="Upload failed")).to_be_visible()
    expect(page.get_by_role("button", name="Retry")).to_be_visible()
    expect(page.get_by_role("button", name="Start transcription")).to_be_hidden()
    assert desk.panel.client.get("/api/jobs").json()["jobs"] == []


def test_cancel_while_queued_then_retry(page: Page, desk: Desk, interview_wav: Path) -> None:
    desk.fake.queued_polls = 10_000  # the GPU never comes
    open_desk(page, desk.url)
    page.get_by_label("Audio file").set_input_files(str(interview_wav))
    start = page.get_by_role("button", name="Start transcription")
    expect(start).to_be_enabled()
    start.click()
    expect(page.get_by_role("status").filter(has_text="Queued (waiting for GPU)…")).to_be_visible()
    expect(page.locator("#elapsed")).to_have_text(re.compile(r"^waiting \d+:\d\d$"))
    page.get_by_role("button", name="Cancel", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Cancelled")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel", exact=True)).to_be_hidden()

    desk.fake.queued_polls = 1
    page.get_by_role("button", name="Retry").click()
    expect(page.get_by_role("status").filter(has_text="Done ✓")).to_be_visible()


def test_several_files_become_several_jobs(
    page: Page, desk: Desk, interview_wav: Path, tmp_path: Path
) -> None:
    second = copy_as(interview_wav, tmp_path / "Second interview.wav")
    open_desk(page, desk.url)
    page.get_by_label("Audio file").set_input_files([str(interview_wav), str(second)])
    rows = page.locator("#job-list li")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Second interview.wav").locator(".badge")).to_have_text("Ready")
    expect(rows.filter(has_text="Interview 1.wav").locator(".badge")).to_have_text("Ready")
    assert len(desk.panel.client.get("/api/jobs").json()["jobs"]) == 2

    # The first dropped file is open; the other opens with its own player source.
    expect(page.get_by_role("heading", level=1)).to_have_text("Interview 1.wav")
    page.get_by_role("button", name=re.compile("^Second interview.wav")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Second interview.wav")
    assert page.evaluate("document.getElementById('audio').src").startswith("blob:")


def test_the_speaker_timeline_seeks(page: Page, desk: Desk, interview_wav: Path) -> None:
    open_desk(page, desk.url)
    drop_and_transcribe(page, interview_wav)
    timeline = page.get_by_role("slider", name="Speaker timeline")
    expect(timeline.locator(".timeline-span").first).to_be_visible()
    box = timeline.bounding_box()
    assert box
    timeline.click(position={"x": box["width"] * 0.5, "y": box["height"] / 2})
    duration = float(page.evaluate("document.getElementById('audio').duration"))
    wait_js(page, f"Math.abs(document.getElementById('audio').currentTime - {duration / 2}) < 1")
    assert abs(int(timeline.get_attribute("aria-valuenow") or -9) - duration / 2) <= 1
